"""The verification page in a real browser, on a phone and a desktop: upload a signed e-result
and a tampered copy, read the verdicts; screenshots, axe and no sideways scrolling."""

import pytest

from conftest import check_page
from motcua.documents.tests.signed_samples import sample  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def verify(page, live_server, data: bytes, name: str) -> None:
    page.goto(f"{live_server.url}/xac-thuc/")
    page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_selector("#verdict")


def test_verify_a_signed_result_on_a_phone(page, live_server, sample):  # noqa: F811
    page.goto(f"{live_server.url}/xac-thuc/")
    check_page(page, "verify-form")
    verify(page, live_server, sample("genuine"), "ket-qua.pdf")
    assert page.locator("#verdict.usa-alert--success").is_visible()
    assert page.locator("section[aria-labelledby^=signature-]").count() == 2
    assert "Nguyễn Văn An" in page.inner_text("#verify-result")
    check_page(page, "verify-valid")


def test_a_tampered_copy_is_not_valid(page, live_server, sample):  # noqa: F811
    verify(page, live_server, sample("tampered"), "ket-qua-sua.pdf")
    assert page.locator("#verdict.usa-alert--error").is_visible()
    check_page(page, "verify-tampered")


def test_the_qr_link_of_an_issued_result(page, live_server, sample):  # noqa: F811
    from motcua.portal.tests.test_verify_page import issue

    row = issue(sample("genuine"), token="qr-demo-token")
    page.goto(f"{live_server.url}/xac-thuc/qr-demo-token/")
    assert page.locator("#verdict.usa-alert--success").is_visible()
    assert row.dossier.code in page.inner_text("#verify-result")
    check_page(page, "verify-issued")
