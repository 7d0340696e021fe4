"""One dossier walked through the whole back office in a real headless chromium, each official
logging in with their own account: the reception officer receives it at the counter, the
specialist asks for a supplement, the reception officer takes the supplement in, the specialist
transfers it to the tax office (liên thông), the tax office sends it back, the department head,
the leader and the clerk take it to the result, and the reception officer returns the result.
The slips issued on the way (Mẫu 01, 02 and 05) are downloaded and read with pdftotext."""

import pytest

from conftest import open_menu
from motcua.accounts.constants import Role
from motcua.catalogue.services import procedure_reindex
from motcua.documents.tests.pdf_tools import pdf_text
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import build_province, publish_process

from .test_browser_backoffice import check_page, log_in

pytestmark = pytest.mark.browser

APPLICANT = "Hoàng Thị Thu Trang"
MISSING = "Bản vẽ hiện trạng thửa đất có xác nhận"
RESULT_NUMBER = "125/GCN-UBND"


def log_out(page) -> None:
    open_menu(page)
    page.locator("form[action$='/dang-xuat/'] button").click()
    page.wait_for_url("**/can-bo/dang-nhap/")


def open_dossier(page, code: str) -> None:
    """From "my tasks", the way an official finds their work."""
    rows = page.locator(".mc-worklist tbody tr")
    assert code in rows.all_inner_texts()[0] or code in " ".join(rows.all_inner_texts())
    page.get_by_role("link", name=code).first.click()
    page.wait_for_url(f"**/can-bo/ho-so/{code}/")


def do(page, act: str, button: str, fill: dict[str, str] | None = None) -> None:
    """Open the act's form, fill it, confirm when asked, send it and check the success note."""
    form = page.locator(f"#act-{act}")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    for label, value in (fill or {}).items():
        form.get_by_label(label).fill(value)
    if form.get_by_label("Tôi xác nhận: thao tác này không thể hoàn tác.").count():
        tick(form, "Tôi xác nhận: thao tác này không thể hoàn tác.")
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert f"Đã thực hiện “{button}”" in page.locator(".mc-messages").inner_text(), act


def tick(scope, label: str) -> None:
    """USWDS draws its own checkboxes and radios: the input is off screen, the label is what
    a user clicks."""
    box = scope.get_by_label(label, exact=True)
    if not box.is_checked():
        scope.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked()


def status(page) -> str:
    return page.locator(".mc-status").first.inner_text()


def slip(page, base: str, code: str, kind: str) -> str:
    response = page.request.get(f"{base}/can-bo/ho-so/{code}/phieu/{kind}.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return " ".join(pdf_text(response.body(), layout=False).split())


def test_one_dossier_from_the_counter_to_the_result(page, live_server):
    province = build_province()
    publish_process(province)
    procedure_reindex(procedure=province.procedure)
    base = live_server.url

    # 1. The reception officer receives it at the counter and accepts it (Mẫu 01).
    log_in(page, base, Role.RECEPTION_OFFICER)
    open_menu(page)  # the phone header's menu
    page.get_by_role("link", name="Tiếp nhận", exact=True).click()
    page.get_by_label("Thủ tục (tên hoặc mã)").fill("biến động quyền sử dụng đất")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name=province.procedure.name).click()
    page.get_by_label("Họ và tên người nộp").fill(APPLICANT)
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế của người nộp").fill("022190004567")
    page.get_by_label("Số điện thoại", exact=True).fill("0912 345 678")
    tick(page, "Đơn đăng ký")
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    page.wait_for_url("**/can-bo/ho-so/000.00.01.H49-*/")
    dossier = Dossier.objects.get()
    code = dossier.code
    assert status(page) == "Được tiếp nhận"
    receipt = slip(page, base, code, "receipt")
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", code, APPLICANT, "Đơn đăng ký"):
        assert expected in receipt, expected
    do(page, "forward", "Chuyển bước xử lý tiếp theo")
    assert status(page) == "Đang xử lý"
    log_out(page)

    # 2. The specialist finds it in "my tasks" and asks for a supplement (Mẫu 02).
    log_in(page, base, Role.SPECIALIST)
    open_dossier(page, code)
    do(
        page,
        "request_supplement",
        "Yêu cầu bổ sung hồ sơ",
        {
            "Giấy tờ còn thiếu, mỗi dòng một loại": MISSING,
            "Lý do (giấy tờ còn thiếu hoặc chưa đúng)": "Thiếu bản vẽ",
        },
    )
    assert status(page) == "Yêu cầu bổ sung giấy tờ"
    supplement = slip(page, base, code, "supplement")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in supplement and MISSING in supplement
    log_out(page)

    # 3. The applicant brings the drawing to the counter; the clock runs again.
    log_in(page, base, Role.RECEPTION_OFFICER)
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    do(page, "receive_supplement", "Nhận hồ sơ bổ sung")
    assert status(page) == "Đang xử lý"
    log_out(page)

    # 4. The specialist sends it to the tax office (liên thông).
    log_in(page, base, Role.SPECIALIST)
    open_dossier(page, code)
    do(page, "transfer", "Chuyển liên thông")
    assert status(page) == "Đang chuyển liên thông"
    log_out(page)

    # 5. The tax office's specialist sees it in their tasks and sends it back.
    log_in(page, base, "tax_specialist")
    open_dossier(page, code)
    check_page(page, "walk-tax-office")
    do(page, "receive_back", "Nhận lại hồ sơ liên thông")
    assert status(page) == "Đang xử lý"
    log_out(page)

    # 6. Department head, leader and clerk: to the result.
    for who in (Role.DEPARTMENT_HEAD, Role.LEADER):
        log_in(page, base, who)
        open_dossier(page, code)
        do(page, "forward", "Chuyển bước xử lý tiếp theo")
        log_out(page)
    log_in(page, base, Role.CLERK)
    open_dossier(page, code)
    do(page, "finish", "Hoàn thành xử lý", {"Số văn bản kết quả": RESULT_NUMBER})
    assert status(page) == "Đã xử lý xong"
    log_out(page)

    # 7. The reception officer returns the result at the counter.
    log_in(page, base, Role.RECEPTION_OFFICER)
    open_dossier(page, code)
    page.locator("#act-return_result > summary").click()
    form = page.locator("#act-return_result")
    tick(form, "Trực tiếp tại bộ phận một cửa")
    assert form.get_by_label("Người nhận kết quả (tại quầy)").input_value() == APPLICANT
    form.get_by_label("Bản chính đã thu lại").fill("Giấy chứng nhận cũ số CS 01234")
    do(page, "return_result", "Trả kết quả")
    assert status(page) == "Đã trả kết quả"
    check_page(page, "walk-returned")

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_RETURNED
    assert (dossier.result_number, dossier.result_recipient_name) == (RESULT_NUMBER, APPLICANT)
    assert dossier.originals_collected == "Giấy chứng nhận cũ số CS 01234"
    control = slip(page, base, code, "control")
    for expected in (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        code,
        province.tax.name,  # the liên thông hand-overs
        "Xác định nghĩa vụ thuế",
        "Ký duyệt kết quả",
        "Trước hạn",
    ):
        assert expected in control, expected
    timeline = page.locator(".mc-timeline").inner_text()
    for expected in (MISSING, RESULT_NUMBER, APPLICANT, "Giấy chứng nhận cũ số CS 01234"):
        assert expected in timeline, expected
