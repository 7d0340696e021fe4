"""Files in a real headless chromium: the reception officer attaches a scan on the dossier page
(and a lying file is refused), the clerk adds the result document, the intake form takes a
scan; axe-core at 360 and 1280 px, screenshots in test-artifacts/screenshots/."""

import pytest

from conftest import open_menu
from motcua.accounts.constants import Role
from motcua.documents.tests import samples
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.tests.conftest import build_province, publish_process, receive

from .scenes import processed
from .test_browser_backoffice import check_page, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def payload(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def test_scans_and_result_documents(page, live_server):
    province = build_province()
    publish_process(province)
    dossier = receive(province)
    component = dossier.components.get()
    dossier_file_add(
        dossier=dossier,
        actor=province.users[Role.RECEPTION_OFFICER],
        upload=samples.upload("Đơn đăng ký (trang 1).pdf", samples.pdf()),
        purpose=FilePurpose.COMPONENT,
        component=component,
    )
    base = live_server.url

    log_in(page, base, Role.RECEPTION_OFFICER)
    page.goto(f"{base}/can-bo/ho-so/{dossier.code}/")
    links = page.locator("#components-title ~ table .mc-files a")
    assert links.first.inner_text() == "Đơn đăng ký (trang 1).pdf"
    check_page(page, "dossier-files", open_details=True)

    page.reload()
    page.locator(f"#upload-c{component.pk} > summary").click()
    form = page.locator(f"#upload-c{component.pk}")
    form.locator("input[type=file]").set_input_files(
        payload("Bản vẽ thửa đất.png", samples.png(), "image/png")
    )
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/#components-title")
    assert "Bản vẽ thửa đất.png" in page.locator(".mc-messages").inner_text()
    assert links.all_inner_texts()[::2] == ["Đơn đăng ký (trang 1).pdf", "Bản vẽ thửa đất.png"]

    # Download through the link: the bytes as uploaded.
    with page.expect_download() as download:
        links.first.click()
    assert download.value.suggested_filename == "Đơn đăng ký (trang 1).pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == samples.pdf()

    # A web page renamed .pdf: refused, the page says why, nothing kept.
    page.locator(f"#upload-c{component.pk} > summary").click()
    form.locator("input[type=file]").set_input_files(
        payload("giay-to.pdf", samples.HTML, "application/pdf")
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "giay-to.pdf" in page.locator("#act-errors").inner_text()
    assert DossierFile.objects.filter(dossier=dossier).count() == 2
    check_page(page, "dossier-file-refused")

    # The clerk adds the result document once the dossier is processed.
    done = processed(province)
    open_menu(page)
    page.locator("form[action$='/dang-xuat/'] button").click()
    log_in(page, base, Role.CLERK)
    page.goto(f"{base}/can-bo/ho-so/{done.code}/")
    page.locator("#upload-result > summary").click()
    page.locator("#file-result").set_input_files(
        payload("Giấy chứng nhận.pdf", samples.pdf(), "application/pdf")
    )
    page.locator("#upload-result button[type=submit]").click()
    page.wait_for_url(f"**/can-bo/ho-so/{done.code}/#result-files")
    results = page.locator("#result-files ~ ul")
    assert "Giấy chứng nhận.pdf" in results.inner_text()
    check_page(page, "dossier-result-files")


def test_the_intake_form_takes_a_scan(page, live_server):
    province = build_province()
    component = province.procedure.components.get()
    base = live_server.url
    log_in(page, base, Role.RECEPTION_OFFICER)
    page.goto(f"{base}/can-bo/tiep-nhan/{province.procedure.national_code}/")
    page.locator("#id_applicant_name").fill("Trần Thị Bình")
    page.locator(f"label[for=id_c{component.pk}_received]").click()  # USWDS hides the box
    page.locator(f"#id_c{component.pk}_scan").set_input_files(
        payload("anh.png", samples.EXE, "image/png")
    )
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    page.wait_for_load_state()
    assert "anh.png" in page.locator(f"#id_c{component.pk}_scan-error").inner_text()
    assert page.locator("#id_applicant_name").input_value() == "Trần Thị Bình"
    check_page(page, "intake-scan-refused")
    assert Dossier.objects.count() == 0

    page.locator(f"#id_c{component.pk}_scan").set_input_files(
        payload("don.pdf", samples.pdf(), "application/pdf")
    )
    page.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    page.wait_for_url("**/can-bo/ho-so/*/")
    dossier = Dossier.objects.get()
    assert DossierFile.objects.get().dossier == dossier
    assert "don.pdf" in page.locator("#components-title ~ table").inner_text()
