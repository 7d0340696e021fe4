"""The official slips as PDFs: a dossier walked through its whole life with the services, each
slip rendered and read back with pdftotext (Vietnamese intact, dates in Vietnam time), and the
slips that do not apply refused with a DomainError."""

import re
import unicodedata

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core.errors import DomainError
from motcua.deadlines.calendar import local
from motcua.documents.qr import qr_svg
from motcua.documents.tests.pdf_tools import pdf_pages, pdf_text, save_png
from motcua.dossiers import slips
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import JUDGEMENT_CHOICES, StepRecord
from motcua.dossiers.services import (
    ActInput,
    Applicant,
    ComponentReceived,
    dossier_act,
    dossier_receive,
    dossier_register,
)
from motcua.dossiers.slips import SlipNotApplicable, render_slip, slips_available

from .conftest import receive, vn

JUDGEMENTS = dict(JUDGEMENT_CHOICES)

pytestmark = pytest.mark.django_db

APPLICANT = "Trần Thị Ngọc Ánh"
REPRESENTATIVE = "Lê Văn Hùng"
PROCEDURE = "Đăng ký biến động quyền sử dụng đất"
MISSING = [
    "Bản sao Giấy chứng nhận quyền sử dụng đất có chứng thực",
    "Sơ đồ thửa đất có xác nhận của trưởng thôn",
]
REASON = "Thiếu giấy tờ chứng minh nguồn gốc sử dụng đất"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def act(province, dossier, what, who, at, **data):
    return dossier_act(
        dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data), at=at
    )


def officer(province, role: str, name: str, phone: str = "") -> None:
    user = province.users[role]
    user.full_name, user.phone = name, phone
    user.save()


@pytest.fixture
def walked(province, process):
    """Received at the counter on Mon 2 Mar 2026 (5 working days: due Mon 9 Mar 17:00), a
    supplement asked for and received (the appointment restarts: Thu 12 Mar), the tax office
    consulted, signed and finished on Tue 10 Mar: early overall, with steps early, on time and
    late."""
    officer(province, Role.RECEPTION_OFFICER, "Phạm Thị Thu Hà")
    officer(province, Role.SPECIALIST, "Nguyễn Đức Thắng", "0203 3825 111")
    dossier = dossier_receive(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.DIRECT,
        applicant=Applicant(
            name=nfd(APPLICANT),  # decomposed input is stored and printed precomposed
            id_number="022190004567",
            phone="0912345678",
            email="anh.tran@example.org",
            address=nfd("Thôn Đông Hưng, xã A"),
            user=province.users["citizen"],
            representative_name=REPRESENTATIVE,
            representative_id_number="022085001122",
            authorisation="Giấy ủy quyền số 12/2026, chứng thực ngày 25/02/2026",
        ),
        actor=province.users[Role.RECEPTION_OFFICER],
        components=[
            ComponentReceived(name="Đơn đăng ký biến động đất đai", originals=1),
            ComponentReceived(name="Giấy chứng nhận quyền sử dụng đất", originals=1, copies=2),
        ],
        at=vn(2026, 3, 2, 8, 0),
    )
    steps = [
        (Act.FORWARD, Role.RECEPTION_OFFICER, vn(2026, 3, 2, 9, 0), {}),
        (
            Act.REQUEST_SUPPLEMENT,
            Role.SPECIALIST,
            vn(2026, 3, 3, 9, 0),
            # decomposed, as some keyboards type it: the PDF still reads precomposed
            {"comment": nfd(REASON), "missing": [nfd(item) for item in MISSING]},
        ),
        (Act.RECEIVE_SUPPLEMENT, "citizen", vn(2026, 3, 5, 9, 0), {}),
        (Act.TRANSFER, Role.SPECIALIST, vn(2026, 3, 5, 10, 0), {}),
        (Act.RECEIVE_BACK, "tax_specialist", vn(2026, 3, 6, 9, 0), {}),
        (Act.FORWARD, Role.DEPARTMENT_HEAD, vn(2026, 3, 6, 14, 0), {}),
        (Act.FORWARD, Role.LEADER, vn(2026, 3, 9, 9, 0), {}),
        (Act.FINISH, Role.CLERK, vn(2026, 3, 10, 9, 0), {"result_number": "125/GCN"}),
    ]
    for what, who, at, data in steps:
        dossier = act(province, dossier, what, who, at, **data)
    assert dossier.status == DossierStatus.PROCESSED
    return dossier


def flat(text: str) -> str:
    """The text with every run of whitespace as one space (pdftotext wraps long lines)."""
    return " ".join(text.split())


def table_rows(pdf: bytes) -> dict[int, tuple[str, str, str]]:
    """The control slip's hand-over rows by number: the agency cell and the time cell (each a
    block in pdftotext's reading order) and the judgement (on the row's first line when laid
    out: every cell starts at the top)."""
    blocks = [flat(block) for block in re.split(r"\n\s*\n", pdf_text(pdf, layout=False))]
    cells = {
        int(block): (blocks[i + 1], blocks[i + 2])
        for i, block in enumerate(blocks)
        if block.isdigit() and i + 2 < len(blocks) and blocks[i + 1].startswith("Giao:")
    }
    first_lines = re.findall(
        r"^\s*(\d+)\s+Giao:.*?\s(Trước hạn|Đúng hạn|Quá hạn)\s", pdf_text(pdf), re.MULTILINE
    )
    judgements = {int(number): judgement for number, judgement in first_lines}
    assert cells.keys() == judgements.keys()
    return {number: (*cells[number], judgements[number]) for number in sorted(cells)}


def test_receipt(walked, settings):
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.gov.vn/"
    pdf = render_slip("receipt", walked)
    text = pdf_text(pdf)
    assert not any(unicodedata.combining(char) for char in text)
    assert pdf_pages(pdf) == 1
    save_png(pdf, "mau-01-receipt")  # looked at: layout and diacritics
    page = flat(text)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ngày 02 tháng 03 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.01.H49-260302-0001",
        "Bộ phận tiếp nhận và trả kết quả: Cơ quan xa-a",
        f"Tiếp nhận hồ sơ của: {APPLICANT}",
        f"Người nộp: {REPRESENTATIVE}",
        "Số định danh cá nhân: 022190004567",
        "Địa chỉ: Thôn Đông Hưng, xã A",
        "Số điện thoại: 0912345678",
        "anh.tran@example.org",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "1 Đơn đăng ký biến động đất đai 1 0 0",
        "2 Giấy chứng nhận quyền sử dụng đất 1 0 2",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 5 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 02 tháng 03 năm 2026",
        # the appointment given at acceptance, not the later one after the supplement
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 09 tháng 03 năm 2026",
        "6. Đăng ký nhận kết quả tại: Cơ quan xa-a",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN",
        "Lê Văn Hùng",
        "Phạm Thị Thu Hà",
        "Quét mã để tra cứu hồ sơ",
    ]:
        assert expected in page, expected
    context = slips.slip_receipt(walked)
    assert context["due"].date == "09/03/2026"
    assert context["lookup_url"] == (
        "https://dichvucong.example.gov.vn/tra-cuu/?ma=000.00.01.H49-260302-0001"
    )
    assert context["qr"] == qr_svg(context["lookup_url"])


def test_supplement_request(walked):
    pdf = render_slip("supplement", walked)
    text = pdf_text(pdf)
    assert not any(unicodedata.combining(char) for char in text)
    page = flat(text)
    for expected in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Mã hồ sơ: 000.00.01.H49-260302-0001",
        "ngày 03 tháng 03 năm 2026",
        f"Tiếp nhận hồ sơ của: {APPLICANT}",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        f"1 {MISSING[0]}",
        f"2 {MISSING[1]}",
        f"Lý do: {REASON}",
        "liên hệ với Nguyễn Đức Thắng, số điện thoại 0203 3825 111 để được hướng dẫn",
        "NGƯỜI HƯỚNG DẪN",
    ]:
        assert expected in page, expected


def test_control_slip_lists_every_hand_over_with_its_judgement(walked):
    pdf = render_slip("control", walked)
    save_png(pdf, "mau-05-control")
    page = flat(pdf_text(pdf, layout=False))
    for expected in [
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Mã hồ sơ: 000.00.01.H49-260302-0001",
        f"Kèm theo hồ sơ của: {APPLICANT}",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 02/03/2026",
        # the supplement restarted the 5 working days on Thu 5 Mar: due Thu 12 Mar
        "Ngày, giờ hẹn trả kết quả: 17 giờ 00 phút, ngày 12/03/2026",
        "hẹn lần đầu: 17 giờ 00 phút, ngày 09/03/2026",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Cơ quan xa-a",
        "Cơ quan phối hợp giải quyết hồ sơ: Cơ quan thue",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước",  # (the heading wraps in its cell)
        "Kết quả giải quyết hồ sơ: Trước hạn (09 giờ 00 phút, ngày 10/03/2026)",
    ]:
        assert expected in page, expected
    commune, tax = "Cơ quan xa-a", "Cơ quan thue"
    expected_rows = [  # handed over by, received by, judgement of the stay
        (f"Cán bộ tiếp nhận (một cửa) – {commune}", f"Chuyên viên – {commune}", "Đúng hạn"),
        (f"Chuyên viên – {commune}", f"Chuyên viên – {tax}", "Trước hạn"),
        (f"Chuyên viên – {tax}", f"Trưởng phòng – {commune}", "Đúng hạn"),
        (f"Trưởng phòng – {commune}", f"Lãnh đạo – {commune}", "Đúng hạn"),
        (f"Lãnh đạo – {commune}", f"Văn thư – {commune}", "Quá hạn"),
        (f"Văn thư – {commune}", f"Bộ phận tiếp nhận và trả kết quả, {commune}", "Quá hạn"),
    ]
    records = list(StepRecord.objects.filter(dossier=walked))
    rows = table_rows(pdf)
    assert list(rows) == [1, 2, 3, 4, 5, 6]
    for (agencies, times, judgement), (giver, receiver, verdict), record in zip(
        rows.values(), expected_rows, records, strict=True
    ):
        # (a hyphen at the end of a wrapped line is lost when the cell's lines are joined)
        expected = f"Giao: {giver} ({record.step.name}) Nhận: {receiver}"
        assert agencies.replace("-", "") == expected.replace("-", "")
        for label, moment in [
            ("Nhận lúc", record.started_at),
            ("Hạn xử lý", record.due_at),
            ("Giao lúc", record.ended_at),
        ]:
            assert f"{label}: {local(moment):%H:%M %d/%m/%Y}" in times, times
        assert judgement == verdict == JUDGEMENTS[record.judgement]
    assert "Nguyễn Đức Thắng" in rows[2][1]  # who handed it on
    notes = [row["note"] for row in slips.slip_control(walked)["rows"]]
    assert notes[1] == "Chuyển liên thông" and notes[-1] == "Hoàn thành xử lý"
    assert "Chuyển liên thông" in page and "Hoàn thành xử lý" in page


def test_refusal_slip_of_a_refused_online_dossier(province):
    officer(province, Role.RECEPTION_OFFICER, "Phạm Thị Thu Hà")
    citizen = province.users["citizen"]
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(name=APPLICANT, address="Thôn Đông Hưng, xã A"),
        actor=citizen,
        at=vn(2026, 11, 20, 21, 0),
    )
    reason = "Thửa đất nằm ngoài địa giới hành chính của xã; đề nghị nộp tại xã B"
    dossier = act(
        province,
        dossier,
        Act.REFUSE,
        Role.RECEPTION_OFFICER,
        vn(2026, 11, 23, 8, 30),
        comment=reason,
    )
    assert dossier.status == DossierStatus.NOT_ACCEPTED
    assert slips_available(dossier) == ["refusal"]
    pdf = render_slip("refusal", dossier)
    page = flat(pdf_text(pdf))
    for expected in [
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "ngày 23 tháng 11 năm 2026",
        f"Tiếp nhận hồ sơ của: {APPLICANT}",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "Qua xem xét, Cơ quan xa-a thông báo không tiếp nhận, giải quyết hồ sơ này với lý do "
        "cụ thể như sau:",
        reason,
        "Xin thông báo cho ông (bà) được biết và thực hiện./.",
        "Phạm Thị Thu Hà",
    ]:
        assert expected in page, expected
    assert "Mã hồ sơ" not in page  # refused before acceptance: it never had a code
    assert slips.slip_filename("refusal", dossier) == f"mau-03-{dossier.uid}.pdf"
    for kind in ["receipt", "supplement", "control"]:
        with pytest.raises(SlipNotApplicable):
            render_slip(kind, dossier)


def test_slips_that_do_not_apply_are_refused(province, walked):
    with pytest.raises(DomainError, match="Mẫu 03") as refused:
        render_slip("refusal", walked)
    assert refused.value.code == "slip_not_applicable"
    with pytest.raises(DomainError, match="Không có loại phiếu"):
        render_slip("thanks", walked)
    with pytest.raises(SlipNotApplicable, match="Mẫu 04"):
        render_slip("apology", walked)
    assert slips_available(walked) == ["receipt", "supplement", "control"]

    plain = receive(province, at=vn(2026, 3, 2, 8, 0))
    assert slips_available(plain) == ["receipt", "control"]
    with pytest.raises(SlipNotApplicable, match="Mẫu 02"):
        render_slip("supplement", plain)
    # the message follows the caller's language
    with translation.override("en"), pytest.raises(SlipNotApplicable, match="form 02"):
        render_slip("supplement", plain)


def test_a_supplement_asked_at_the_counter_before_acceptance(province):
    officer(province, Role.RECEPTION_OFFICER, "Phạm Thị Thu Hà", "0203 3825 100")
    dossier = dossier_receive(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.DIRECT,
        applicant=province.applicant(name=APPLICANT),
        actor=province.users[Role.RECEPTION_OFFICER],
        outcome=Act.REQUEST_SUPPLEMENT,
        data=ActInput(missing=MISSING),  # the reason is optional
        at=vn(2026, 3, 2, 8, 0),
    )
    assert dossier.status == DossierStatus.INTAKE_SUPPLEMENT_REQUESTED
    assert slips_available(dossier) == ["supplement"]
    page = flat(pdf_text(render_slip("supplement", dossier)))
    assert MISSING[0] in page and MISSING[1] in page
    assert "Mã hồ sơ" not in page  # the code comes with acceptance
    assert "Lý do" not in page  # no reason was given: the missing papers say it all
    with pytest.raises(SlipNotApplicable, match="Mẫu 01"):
        render_slip("receipt", dossier)
    with pytest.raises(SlipNotApplicable, match="Mẫu 05"):
        render_slip("control", dossier)


def test_slip_file_names_and_an_english_preview(walked):
    assert slips.slip_filename("receipt", walked) == "mau-01-000.00.01.H49-260302-0001.pdf"
    # a 2026 dossier: Circular 03/2025/TT-VPCP, where the control slip is Mẫu 06
    assert slips.slip_filename("control", walked) == "mau-06-000.00.01.H49-260302-0001.pdf"
    english = flat(pdf_text(render_slip("receipt", walked, language="en")))
    assert "RECEIPT OF THE DOSSIER AND APPOINTMENT FOR THE RESULT" in english
    assert "17:00 on 09/03/2026" in english
    assert APPLICANT in english
