"""A business registers in a real chromium at 360 px: the organisation's fields appear when
the account type asks for them, a bad tax code is named, and the account is saved with the
person as representative. Screenshots: accounts-signup-business*-<width>.png."""

import pytest

from conftest import check_page
from motcua.accounts.models import User

from .conftest import SIGNUP

pytestmark = pytest.mark.browser


def test_a_business_registers(page, live_server):
    page.goto(live_server.url + "/tai-khoan/signup/")
    organisation = page.locator(".mc-signup__organisation")
    assert not organisation.is_visible()  # a person's account: nothing to fill in

    page.locator("label[for=id_account_kind_1]").click()
    assert organisation.is_visible()
    page.locator("#id_organisation_name").fill("Công ty TNHH Ánh Dương")
    page.locator("#id_tax_code").fill("01012345")
    page.locator("#id_organisation_address").fill("Số 12 phố Tràng Tiền, Hà Nội")
    page.locator("#id_representative_title").fill("Giám đốc")
    for name, value in SIGNUP.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("main form.usa-form button[type=submit]").click()
    page.locator("#id_tax_code[aria-describedby*=error]").wait_for()
    assert page.locator("#id_account_kind_1").is_checked()
    check_page(page, "accounts-signup-business-errors")

    page.locator("#id_tax_code").fill("0101234567-001")
    for name in ("password1", "password2"):
        page.locator(f"#id_{name}").fill(SIGNUP[name])
    page.locator("main form.usa-form button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/confirm-email/")
    user = User.objects.get(email=SIGNUP["email"])
    assert (user.account_kind, user.tax_code, user.full_name) == (
        "enterprise",
        "0101234567-001",
        "Trần Thị Bình",
    )
