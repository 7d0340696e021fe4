"""The dossier tracking register (Mẫu 06): dossiers walked through the services in March 2026,
the rows of the commune's register for the month (received, handed over, processed, returned,
late, paused, online), what is left out (other agencies, other days, what the user may not see),
the period rule, the workbook read back with openpyxl and the PDF read back with pdftotext."""

import io
from datetime import date, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.catalogue.constants import Channel
from motcua.core.errors import ValidationFailed
from motcua.documents.tests.pdf_tools import pdf_info, pdf_text, save_png
from motcua.dossiers import register
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.register import (
    COLUMNS,
    FIRST_DATA_ROW,
    register_agencies,
    register_filename,
    register_pdf,
    register_rows,
    register_xlsx,
)
from motcua.dossiers.services import (
    ActInput,
    Applicant,
    ComponentReceived,
    dossier_act,
    dossier_receive,
    dossier_register,
)

from .conftest import receive, vn

pytestmark = pytest.mark.django_db

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
PROCEDURE = "Đăng ký biến động quyền sử dụng đất"
HEADER = len(COLUMNS)


def act(province, dossier, what, who, at, **data):
    return dossier_act(
        dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data), at=at
    )


def through_the_process(province, dossier, times: list[datetime]):
    """Forward, transfer to the tax office, back, forward, forward, finish at `times`."""
    steps = [
        (Act.FORWARD, Role.RECEPTION_OFFICER, {}),
        (Act.TRANSFER, Role.SPECIALIST, {}),
        (Act.RECEIVE_BACK, "tax_specialist", {}),
        (Act.FORWARD, Role.DEPARTMENT_HEAD, {}),
        (Act.FORWARD, Role.LEADER, {}),
        (Act.FINISH, Role.CLERK, {"result_number": "12/GCN"}),
    ]
    for (what, who, data), at in zip(steps, times, strict=True):
        dossier = act(province, dossier, what, who, at, **data)
    return dossier


@pytest.fixture
def march(province, process):
    """The commune's March 2026 (5 working days, due at the close of the fifth day):

    - early: received Mon 2 Mar 08:00 (due Mon 9), handed over 09:00, at the tax office Tue 3,
      processed Thu 5, returned Fri 6: early;
    - late: received Tue 3 Mar (due Tue 10), processed Thu 12: late, not returned;
    - paused: received Wed 4 Mar, handed over, a supplement asked for Thu 5;
    - accepted: received Tue 31 Mar 23:30 (the last minutes of the period), nothing since;
    - midnight: received Sun 1 Mar 00:10 (Vietnam time; still 28 Feb in UTC);
    - online: submitted online on Mon 9 Mar, accepted on Tue 10 Mar;
    and outside the register: received Sat 28 Feb 23:50 and Wed 1 Apr 00:00 by the commune,
    and one received by the other commune in March."""
    reception = province.users[Role.RECEPTION_OFFICER]
    early = receive(
        province,
        at=vn(2026, 3, 2, 8, 0),
        name="Trần Thị Ngọc Ánh",
        address="Thôn Đông Hưng, xã A",
        phone="0912345678",
    )
    early = through_the_process(
        province,
        early,
        [
            vn(2026, 3, 2, 9),
            vn(2026, 3, 3, 10),
            vn(2026, 3, 4, 9),
            vn(2026, 3, 4, 14),
            vn(2026, 3, 5, 9),
            vn(2026, 3, 5, 15),
        ],
    )
    early = act(
        province,
        early,
        Act.RETURN_RESULT,
        Role.RECEPTION_OFFICER,
        vn(2026, 3, 6, 10),
        return_method="counter",
        recipient_name="Trần Thị Ngọc Ánh",
    )
    late = receive(province, at=vn(2026, 3, 3, 8, 0), name="Lê Văn Hùng", address="")
    late = through_the_process(
        province,
        late,
        [
            vn(2026, 3, 3, 9),
            vn(2026, 3, 4, 10),
            vn(2026, 3, 6, 9),
            vn(2026, 3, 9, 14),
            vn(2026, 3, 11, 9),
            vn(2026, 3, 12, 15),
        ],
    )
    paused = receive(province, at=vn(2026, 3, 4, 8, 0), name="Phạm Đức Thắng")
    paused = act(province, paused, Act.FORWARD, Role.RECEPTION_OFFICER, vn(2026, 3, 4, 9))
    paused = act(
        province,
        paused,
        Act.REQUEST_SUPPLEMENT,
        Role.SPECIALIST,
        vn(2026, 3, 5, 9),
        comment="Thiếu sơ đồ thửa đất",
        missing=["Sơ đồ thửa đất"],
    )
    accepted = receive(province, at=vn(2026, 3, 31, 23, 30), name="Đỗ Thị Ư")
    midnight = receive(province, at=vn(2026, 3, 1, 0, 10), name="Vũ Minh Đức")
    online = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(name="Hoàng Thị Yến"),
        actor=province.users["citizen"],
        at=vn(2026, 3, 9, 20, 0),
    )
    online = act(province, online, Act.ACCEPT, Role.RECEPTION_OFFICER, vn(2026, 3, 10, 8))
    receive(province, at=vn(2026, 2, 28, 23, 50), name="Trước Kỳ")
    receive(province, at=vn(2026, 4, 1, 0, 0), name="Sau Kỳ")
    dossier_receive(
        procedure=province.procedure,
        agency=province.other_commune,
        channel=Channel.DIRECT,
        applicant=Applicant(name="Xã Khác"),
        actor=province.users["outsider"],
        components=[ComponentReceived(name="Đơn đăng ký", originals=1)],
        at=vn(2026, 3, 2, 8, 0),
    )
    assert reception.memberships.filter(agency=province.commune).exists()
    return {
        "early": early,
        "late": late,
        "paused": paused,
        "accepted": accepted,
        "midnight": midnight,
        "online": online,
    }


def rows_for(province, who=Role.RECEPTION_OFFICER, **period):
    with translation.override("vi"):
        return register_rows(user=province.users[who], agency=province.commune, **(MARCH | period))


def test_the_rows_of_the_month_in_order_with_their_columns(province, march):
    rows = rows_for(province)
    codes = [row.code for row in rows]
    expected = ["midnight", "early", "late", "paused", "online", "accepted"]
    assert codes == [march[name].code for name in expected]
    # numbered by their entry in the commune's 2026 book: "Trước Kỳ" (28 Feb) is entry 1
    assert [row.number for row in rows] == [2, 3, 4, 5, 6, 7]
    assert {row.book for row in rows} == {"2026"}
    by_name = dict(zip(expected, rows, strict=True))

    early = by_name["early"]
    assert early.procedure == PROCEDURE
    assert early.sets == 1
    assert early.applicant == "Trần Thị Ngọc Ánh"
    assert early.contact == "Thôn Đông Hưng, xã A; 0912345678"
    assert early.lead_agency == province.commune.name
    assert early.received == date(2026, 3, 2)
    assert early.appointment == date(2026, 3, 9)
    # handed over by the one-stop desk to the specialist's step (not the later transfer)
    assert early.transferred == date(2026, 3, 2)
    assert early.processed == date(2026, 3, 5)
    assert early.returned == date(2026, 3, 6)
    assert early.judgement == "Trước hạn"
    assert early.note == ""
    assert early.signature == ""

    late = by_name["late"]
    assert (late.received, late.appointment) == (date(2026, 3, 3), date(2026, 3, 10))
    assert (late.transferred, late.processed, late.returned) == (
        date(2026, 3, 3),
        date(2026, 3, 12),
        None,
    )
    assert late.judgement == "Quá hạn"
    assert late.contact == "0912345678"

    paused = by_name["paused"]
    assert paused.transferred == date(2026, 3, 4)
    assert (paused.processed, paused.returned, paused.judgement) == (None, None, "")
    assert paused.note == str(DossierStatus.SUPPLEMENT_REQUESTED.label)

    accepted = by_name["accepted"]
    assert accepted.received == date(2026, 3, 31)  # 16:30 UTC, but 31 March in Vietnam
    assert (accepted.transferred, accepted.processed, accepted.judgement) == (None, None, "")
    assert by_name["midnight"].received == date(2026, 3, 1)  # 28 February in UTC

    online = by_name["online"]
    assert online.received == date(2026, 3, 10)  # accepted, not submitted
    assert online.note == "Trực tuyến"


def test_what_stays_out(province, march):
    names = {row.applicant for row in rows_for(province)}
    assert not names & {"Trước Kỳ", "Sau Kỳ", "Xã Khác"}
    # one day: the dossiers received that day only
    day = rows_for(province, date_from=date(2026, 3, 2), date_to=date(2026, 3, 2))
    assert [row.code for row in day] == [march["early"].code]
    # the edges: 28 February 23:50 and 1 April 00:00 belong to their own days
    assert [row.applicant for row in rows_for(province, date_to=date(2026, 4, 1))][-1] == ("Sau Kỳ")
    before = rows_for(province, date_from=date(2026, 2, 28), date_to=date(2026, 2, 28))
    assert [row.applicant for row in before] == ["Trước Kỳ"]


def test_the_rows_are_what_the_user_may_see(province, march):
    # The tax office saw the two dossiers transferred to it, not the commune's others.
    tax_rows = rows_for(province, who="tax_specialist")
    assert [row.code for row in tax_rows] == [march["early"].code, march["late"].code]
    assert [row.number for row in tax_rows] == [3, 4]  # entries in the commune's book
    # The other commune's officer sees none of them; an applicant only their own.
    assert rows_for(province, who="outsider") == []
    assert [row.applicant for row in rows_for(province, who="citizen")] == [
        "Vũ Minh Đức",
        "Trần Thị Ngọc Ánh",
        "Lê Văn Hùng",
        "Phạm Đức Thắng",
        "Hoàng Thị Yến",
        "Đỗ Thị Ư",
    ]
    stranger = User.objects.create_user(username="stranger", password="x")
    assert register_rows(user=stranger, agency=province.commune, **MARCH) == []
    # A supervisor sees the whole province.
    assert len(rows_for(province, who=Role.SUPERVISOR)) == 6


def test_one_query_for_the_dossiers(province, march, django_assert_max_num_queries):
    user = province.users[Role.RECEPTION_OFFICER]
    # the user's roles, the dossiers, then the entries before the period and in it
    with django_assert_max_num_queries(4):
        rows = register_rows(user=user, agency=province.commune, **MARCH)
    assert len(rows) == 6


def test_the_agencies_an_official_may_choose(province):
    assert list(register_agencies(user=province.users[Role.LEADER])) == [province.commune]
    assert list(register_agencies(user=province.users["tax_specialist"])) == [province.tax]
    assert list(register_agencies(user=province.users["citizen"])) == []


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (date(2026, 3, 1), date(2026, 3, 1), True),
        (date(2026, 3, 2), date(2026, 3, 1), False),
        (date(2024, 1, 1), date(2024, 12, 31), True),  # a leap year: 366 days
        (date(2025, 1, 1), date(2026, 1, 1), True),  # 366 days counted
        (date(2025, 1, 1), date(2026, 1, 2), False),  # 367
        (date.min, date.max, False),
    ],
)
def test_the_period_rule(province, start, end, ok):
    user = province.users[Role.RECEPTION_OFFICER]
    arguments = {"user": user, "agency": province.commune, "date_from": start, "date_to": end}
    if ok:
        assert register_rows(**arguments) == []
        return
    for make in (register_rows, register_pdf, register_xlsx):
        with translation.override("en"), pytest.raises(ValidationFailed) as failure:
            make(**arguments)
        assert "date" in failure.value.message or "366 days" in failure.value.message


def test_the_edges_of_the_calendar_do_not_overflow(province):
    user = province.users[Role.RECEPTION_OFFICER]
    for start, end in [(date.min, date.min), (date.max, date.max)]:
        assert register_rows(user=user, agency=province.commune, date_from=start, date_to=end) == []


def test_a_too_long_register_is_refused(province, march, monkeypatch):
    monkeypatch.setattr(register, "MAX_PDF_ROWS", 5)
    user = province.users[Role.RECEPTION_OFFICER]
    with translation.override("en"), pytest.raises(ValidationFailed, match="more than 5"):
        register_pdf(user=user, agency=province.commune, **MARCH)


def test_the_file_name(province):
    # the form's number in the set in force on the last day: Mẫu 07 of Circular 03/2025, Mẫu 06
    # of Circular 01/2018 before 15/9/2025
    name = register_filename(province.commune, date(2026, 3, 1), date(2026, 3, 31), "pdf")
    assert name == "mau-07-xa-a-20260301-20260331.pdf"
    name = register_filename(province.commune, date(2025, 8, 1), date(2025, 8, 31), "xlsx")
    assert name == "mau-06-xa-a-20250801-20250831.xlsx"


# --- the workbook -------------------------------------------------------------------------------


def workbook_of(province, **period):
    data = register_xlsx(
        user=province.users[Role.RECEPTION_OFFICER], agency=province.commune, **(MARCH | period)
    )
    return load_workbook(io.BytesIO(data))


def test_the_workbook(province, march):
    sheet = workbook_of(province).active
    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert sheet["A1"].value == province.commune.name.upper()
    assert sheet["J1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert sheet["A4"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A4"].font.bold
    with translation.override("vi"):
        book = gettext("Book no.: %(books)s") % {"books": "2026"}
    assert sheet["A5"].value == f"Từ ngày 01/03/2026 đến ngày 31/03/2026 – {book}"
    assert sheet["A6"].value == (
        "(Mẫu số 07 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP ngày 15/9/2025)"
    )
    headings = [sheet.cell(8, column).value for column in range(1, HEADER + 1)]
    assert headings[:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert headings[7] == "Ngày, tháng, năm"
    assert sheet["H9"].value == "Nhận hồ sơ"
    heading_cells = [cell for row in sheet.iter_rows(min_row=8, max_row=9) for cell in row]
    assert all(cell.font.bold for cell in heading_cells if cell.value)
    assert sheet["A8"].border.left.style == "thin"
    assert "H8:L8" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert sheet.print_title_rows == "$8:$9"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width

    values = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + 5)
    ]
    early = values[1]
    assert early[:7] == [
        3,  # its entry in the commune's 2026 book
        march["early"].code,
        PROCEDURE,
        1,
        "Trần Thị Ngọc Ánh",
        "Thôn Đông Hưng, xã A; 0912345678",
        province.commune.name,
    ]
    # real dates (openpyxl reads them back as datetimes), shown as dd/mm/yyyy
    assert [value.date() for value in early[7:12]] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 2),
        date(2026, 3, 5),
        date(2026, 3, 6),
    ]
    assert early[12:] == ["Trước hạn", None, None]
    date_cell = sheet.cell(FIRST_DATA_ROW + 1, 8)
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy"
    assert sheet.cell(FIRST_DATA_ROW + 1, 3).alignment.wrap_text
    late = values[2]  # processed late, not returned
    assert (late[10].date(), late[11], late[12]) == (date(2026, 3, 12), None, "Quá hạn")
    assert values[4][14] == "Trực tuyến"
    total = sheet.cell(FIRST_DATA_ROW + 7, 1).value
    assert total == "Tổng số: 6 hồ sơ."


def test_text_is_never_a_formula(province):
    receive(province, at=vn(2026, 3, 2, 8, 0), name='=HYPERLINK("http://x")\x07')
    sheet = workbook_of(province).active
    cell = sheet.cell(FIRST_DATA_ROW, 5)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_an_empty_register(province):
    sheet = workbook_of(province).active
    assert sheet.cell(FIRST_DATA_ROW, 1).value == "Không có hồ sơ nào được tiếp nhận trong kỳ."
    pdf = register_pdf(
        user=province.users[Role.RECEPTION_OFFICER], agency=province.commune, **MARCH
    )
    assert "Không có hồ sơ nào được tiếp nhận trong kỳ." in pdf_text(pdf)


# --- the PDF ------------------------------------------------------------------------------------


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf(province, march):
    province.commune.parent = province.tax  # a governing body above the commune
    province.commune.save()
    with translation.override("en"):  # the register stays Vietnamese on English pages
        pdf = register_pdf(
            user=province.users[Role.RECEPTION_OFFICER], agency=province.commune, **MARCH
        )
    save_png(pdf, "register-mau-06")
    assert "841.89 x 595.2" in pdf_info(pdf)  # A4 landscape
    text = pdf_text(pdf)
    words = flat(text)
    for expected in [
        "CƠ QUAN THUE",  # the governing body, then the agency
        "CƠ QUAN XA-A",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/03/2026 đến ngày 31/03/2026",
        "Mẫu số 07 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP",
        "Ngày, tháng, năm",
        "Ký nhận",
        "Vũ Minh Đức",  # (longer names wrap in their cells)
        "Lê Văn Hùng",
        "Đỗ Thị Ư",
        "Đăng ký biến động",
        march["late"].code.split("-", 1)[1],  # the code wraps after the agency's part
        "Trước hạn",
        "Quá hạn",
        "Trực tuyến",
        "Tổng số: 6 hồ sơ.",
    ]:
        assert expected in words, expected
    # the early dossier's row: its dates in order, in one line of the table
    line = next(line for line in text.splitlines() if "Trần Thị Ngọc" in line)
    assert flat(line).count("/03/2026") == 5
    positions = [line.index(day) for day in ("02/03/2026", "09/03/2026", "05/03/2026")]
    assert positions == sorted(positions)
    assert "Sau Kỳ" not in words and "Xã Khác" not in words
