"""The daily journeys on the demo exactly as `make run` leaves it (load_demo, nothing added by
the test), in a real headless chromium, each person with their own demo account:

- at a commune: the demo citizen applies online for birth registration at the ward of Hạ Long;
  its reception officer sees every answer of the e-form and accepts it; the ward's civil-status
  officer takes it to the chairman, who adds the e-result, signs it with his PIN, numbers and
  seals it (the ward has no clerk) and finishes; the reception officer returns it online; the
  citizen downloads the signed e-result, scans its QR code and sees it verified;
- at the public administration service centre: the reception officer receives a judicial record
  certificate (a department's procedure) at the counter, and the Department of Justice's
  specialist, head and leader forward it; the leader signs the result, the clerk numbers and
  seals it and finishes; the counter returns it.

Both procedures are flagged "result must be digitally signed" in the demo, so neither can be
finished without the two signatures.
"""

import subprocess
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import SCREENSHOTS, check_page
from motcua.demo.seed import DEMO_PASSWORD
from motcua.demo.signing import DEMO_PIN
from motcua.documents.pdf import render_pdf
from motcua.documents.tests import samples
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.browser

CHILD = "Nguyễn Minh Khang"
MOTHER = "Trần Thị Hoa"
RESULT_NUMBER = "15/2026/TP-KS"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", force=True, stdout=StringIO())


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def tick(scope, label: str) -> None:
    """USWDS draws its own boxes: the label is what a person clicks."""
    box = scope.get_by_label(label, exact=True)
    if not box.is_checked():
        scope.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked()


def choose(page, legend: str, option: str) -> None:
    group = page.locator("fieldset", has=page.locator("legend", has_text=legend)).first
    group.locator("label").filter(has_text=option).first.click()


def official_logs_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/can-bo/")
    page.wait_for_url("**/can-bo/dang-nhap/**")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/ho-so/**")


def do(page, act: str, button: str, fill: dict[str, str] | None = None) -> None:
    """Open the act's form, fill it, confirm when asked, send it, check the success note."""
    form = page.locator(f"#act-{act}")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    for label, value in (fill or {}).items():
        form.get_by_label(label).fill(value)
    confirmation = "Tôi xác nhận: thao tác này không thể hoàn tác."
    if form.get_by_label(confirmation).count():
        tick(form, confirmation)
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert f"Đã thực hiện “{button}”" in page.locator(".mc-messages").inner_text(), act


def open_task(page, base: str, username: str, key: str) -> None:
    """The official logs in and finds the dossier in "my tasks"."""
    official_logs_in(page, base, username)
    page.goto(base + "/can-bo/ho-so/?list=mine")
    page.get_by_role("link", name=key).first.click()
    page.wait_for_url(f"**/can-bo/ho-so/{key}/")


def result_pdf(title: str, code: str) -> bytes:
    """The result document the official uploads (before any signature)."""
    return render_pdf(
        "demo/e_result.html",
        {
            "title": title,
            "sections": [("", [("Hồ sơ", code)])],
            "agency": "Sở Tư pháp",
            "parent": "UBND tỉnh Quảng Ninh",
            "place": "Quảng Ninh",
            "issued": date(2026, 1, 15),
            "code": code,
        },
    )


def add_result(page, title: str, code: str) -> None:
    page.locator("#upload-result > summary").click()
    page.locator("#file-result").set_input_files(
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf",
                "buffer": result_pdf(title, code)}]
    )  # fmt: skip
    page.locator("#upload-result").get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()


def sign_result(page) -> None:
    """The leader signs the (only) result with the PIN of his personal certificate."""
    form = page.locator("details[id^=sign-]")
    form.locator("summary").click()
    form.get_by_label("Mã PIN của chứng thư ký số").fill(DEMO_PIN)
    form.get_by_role("button", name="Ký số").click()
    page.wait_for_load_state()
    assert "Ông/Bà đã ký số" in page.locator(".mc-messages").inner_text()


def seal_result(page, number: str) -> None:
    """The clerk gives the number and applies the organisation's signature."""
    form = page.locator("details[id^=seal-]")
    form.locator("summary").click()
    form.get_by_label("Số, ký hiệu").fill(number)
    tick(form, "Tôi đã kiểm tra văn bản: cấp số này và ký số của cơ quan.")
    form.get_by_role("button", name="Cấp số và đóng dấu").click()
    page.wait_for_load_state()
    assert "đã được cấp số" in page.locator(".mc-messages").inner_text()


def qr_url_in(pdf: bytes, tmp_path) -> str:
    """What a phone scanning the e-result's first page reads: the page rendered at 150 dpi,
    its QR code decoded by zbarimg."""
    source = tmp_path / "e-result.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / "p")],
        check=True,
    )
    (image,) = tmp_path.glob("p-*.png")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "demo-e-result-page1.png").write_bytes(image.read_bytes())
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    )
    return found.stdout.strip()


def return_at_the_counter(page, recipient: str) -> None:
    page.locator("#act-return_result > summary").click()
    form = page.locator("#act-return_result")
    tick(form, "Trực tiếp tại bộ phận một cửa")
    recipient_box = form.get_by_label("Người nhận kết quả (tại quầy)")
    if not recipient_box.input_value():
        recipient_box.fill(recipient)
    do(page, "return_result", "Trả kết quả")


def test_birth_registration_online_at_a_commune(page, live_server, demo, tmp_path, settings):
    base = live_server.url
    settings.MOTCUA_PUBLIC_URL = base  # what the QR code on the e-result links to

    # The demo citizen logs in and applies online.
    page.goto(base + "/tai-khoan/login/")
    page.locator("#id_login").fill("congdan")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form.usa-form button[type=submit]").first.click()
    page.wait_for_url(base + "/")
    page.goto(base + "/nop-ho-so/1.001193/")
    answers = {
        "applicant_name": "Nguyễn Văn Bình",
        "applicant_address": "Tổ 3, khu 5, phường Hạ Long, tỉnh Quảng Ninh",
        "applicant_id_number": "022090001234",
        "applicant_phone": "0912345678",
        "child_name": CHILD,
        "child_birth_date": "2026-01-02",  # before every date of make test-dates
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
        "child_birth_place": "Bệnh viện Đa khoa tỉnh Quảng Ninh",
        "child_hometown": "Hạ Long, Quảng Ninh",
        "mother_name": MOTHER,
        "mother_birth_year": "1995",
        "mother_ethnicity": "Kinh",
        "mother_nationality": "Việt Nam",
        "mother_residence": "Tổ 3, khu 5, phường Hạ Long, tỉnh Quảng Ninh",
        "father_name": "Nguyễn Văn Bình",
        "father_birth_year": "1992",
        "father_ethnicity": "Kinh",
        "father_nationality": "Việt Nam",
        "father_residence": "Tổ 3, khu 5, phường Hạ Long, tỉnh Quảng Ninh",
    }
    for key, value in answers.items():
        page.locator(f"#f-{key}").fill(value)
    choose(page, "Quan hệ với người được khai sinh", "Cha")
    choose(page, "Giới tính", "Nam")
    options = page.locator("#agency option").all_inner_texts()
    assert any("phường Hạ Long" in option for option in options), options
    page.locator("#agency").select_option("qn-phuonghalong")
    for slot in page.locator("input[type=file].mc-file").all():
        slot.set_input_files(
            files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf",
                    "buffer": samples.pdf()}]
        )  # fmt: skip
    page.locator("label[for='delivery-online']").click()
    page.locator("label[for='declaration']").click()
    check_page(page, "demo-apply-birth")
    press(page, "Nộp hồ sơ")
    assert "/nop-ho-so/da-nop/" in page.url, page.locator("main").inner_text()[:1500]
    dossier = Dossier.objects.get(applicant_user__username="congdan", form_data__child_name=CHILD)
    assert dossier.reference and dossier.reference in page.locator("main").inner_text()
    page.context.clear_cookies()

    # The ward's reception officer finds it by its reference and sees every answer.
    official_logs_in(page, base, "tiepnhanxa")
    page.goto(f"{base}/can-bo/ho-so/{dossier.reference}/")
    text = page.locator("main").inner_text()
    for expected in (CHILD, "02/01/2026", MOTHER, "Bệnh viện Đa khoa tỉnh Quảng Ninh", "Nam"):
        assert expected in text, expected
    check_page(page, "demo-reception-answers", open_details=True)
    do(page, "accept", "Tiếp nhận")
    dossier.refresh_from_db()
    code = dossier.code
    assert dossier.status == DossierStatus.ACCEPTED and code.startswith("000.00.00.H49-")
    do(page, "forward", "Chuyển bước xử lý tiếp theo")

    # The civil-status officer takes it to the chairman, who adds the e-result, signs it, gives
    # it its number with the ward's signature (the ward has no clerk) and finishes.
    open_task(page, base, "chuyenvienxa", code)
    do(page, "forward", "Chuyển bước xử lý tiếp theo")
    open_task(page, base, "lanhdaoxa", code)
    add_result(page, "Trích lục khai sinh (bản điện tử)", code)
    sign_result(page)
    seal_result(page, RESULT_NUMBER)
    check_page(page, "demo-commune-signed", open_details=True)
    do(page, "finish", "Hoàn thành xử lý")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PROCESSED

    # The reception officer returns it online.
    open_task(page, base, "tiepnhanxa", code)
    page.locator("#act-return_result > summary").click()
    tick(page.locator("#act-return_result"), "Trực tuyến")
    do(page, "return_result", "Trả kết quả")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_RETURNED
    assert dossier.result_number == RESULT_NUMBER

    # The citizen downloads the signed e-result, scans its QR code and sees it verified.
    page.context.clear_cookies()
    page.goto(base + "/tai-khoan/login/")
    page.locator("#id_login").fill("congdan")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form.usa-form button[type=submit]").first.click()
    page.wait_for_url(base + "/")
    page.goto(f"{base}/ho-so-cua-toi/{dossier.reference}/")
    results = page.locator("#results-title + *")
    assert "Đã ký số, hợp lệ" in page.locator("main").inner_text()
    check_page(page, "demo-citizen-e-result")
    with page.expect_download() as download:
        results.get_by_role("link").first.click()
    pdf = download.value.path().read_bytes()
    url = qr_url_in(pdf, tmp_path)
    assert url.startswith(base + "/xac-thuc/"), url
    page.goto(url)
    verdict = page.locator("main").inner_text()
    assert "Hợp lệ" in verdict and code in verdict, verdict[:800]
    assert "Chủ tịch UBND phường Hạ Long (demo)" in verdict
    check_page(page, "demo-qr-verified")


def test_judicial_record_at_the_service_centre(page, live_server, demo):
    base = live_server.url
    applicant = "Hoàng Thị Thu Trang"

    # The centre's reception officer receives it at the counter for the Department of Justice.
    official_logs_in(page, base, "tiepnhan")
    page.goto(base + "/can-bo/tiep-nhan/")
    page.get_by_label("Thủ tục (tên hoặc mã)").fill("2.000488")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp").first.click()
    page.get_by_label("Họ và tên người nộp").fill(applicant)
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế của người nộp").fill("022190004567")
    page.get_by_label("Số điện thoại", exact=True).fill("0912 345 678")
    for box in page.locator("table input.usa-checkbox__input").all():
        if not box.is_checked():
            page.locator(f"label[for='{box.get_attribute('id')}']").click()
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    page.wait_for_url("**/can-bo/ho-so/000.00.00.H49-*/")
    dossier = Dossier.objects.get(applicant_name=applicant)
    code = dossier.code
    do(page, "forward", "Chuyển bước xử lý tiếp theo")

    # The department's specialist, head and leader forward it to the clerk; the leader adds the
    # result and signs it; the clerk numbers and seals it and finishes.
    for username in ("chuyenvien", "truongphong", "lanhdao"):
        open_task(page, base, username, code)
        do(page, "forward", "Chuyển bước xử lý tiếp theo")
    page.goto(f"{base}/can-bo/ho-so/{code}/")
    add_result(page, "Phiếu lý lịch tư pháp số 1", code)
    sign_result(page)
    open_task(page, base, "vanthu", code)
    seal_result(page, "42/STP-LLTP")
    do(page, "finish", "Hoàn thành xử lý")
    assert Dossier.objects.get(pk=dossier.pk).result_number == "42/STP-LLTP"

    # Back at the centre's counter, the result is returned.
    open_task(page, base, "tiepnhan", code)
    return_at_the_counter(page, applicant)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_RETURNED
    check_page(page, "demo-centre-returned")
