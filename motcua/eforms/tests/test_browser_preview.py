"""The e-form preview in a real headless chromium on a 360 px phone: the script hides and shows
conditional fields as the answers change; without the script every field is shown and "Add
another" adds a row keeping what was typed; axe-core finds no serious problem at 360 and
1280 px and nothing sticks out sideways. Screenshots in test-artifacts/screenshots/."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import SCREENSHOTS
from conftest import check_page as shared_check_page
from motcua.accounts.models import User
from motcua.catalogue.constants import PublicationStatus
from motcua.catalogue.models import Procedure
from motcua.eforms.services import eform_save

pytestmark = pytest.mark.browser


def check_page(page, name: str) -> None:
    """The shared page check (root conftest), screenshots named eforms-<name>-<width>.png."""
    shared_check_page(page, f"eforms-{name}")


def log_in(page, base: str) -> None:
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill("x")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")


@pytest.fixture
def eforms(procedure, birth_definition, household):
    User.objects.create_superuser("quantri", password="x")
    birth = eform_save(
        procedure=procedure,
        definition=birth_definition,
        status=PublicationStatus.PUBLISHED,
        actor=None,
    )
    other = Procedure.objects.create(
        national_code="2.000001",
        name="Thủ tục mẫu",
        field=procedure.field,
        level=procedure.level,
        agency_kind=procedure.agency_kind,
    )
    sample = eform_save(procedure=other, definition=household, actor=None)
    return birth, sample


def preview(eform) -> str:
    with translation.override("vi"):
        return reverse("admin:eforms_eform_preview_saved", args=[eform.pk])


def tap(page, label: str) -> None:
    page.locator("label").get_by_text(label, exact=True).click()


def shown(page, field_id: str) -> bool:
    return page.locator(f"#{field_id}").is_visible()


def test_conditional_fields_follow_the_answers(page, live_server, eforms):
    birth, _sample = eforms
    log_in(page, live_server.url)
    page.goto(live_server.url + preview(birth))
    assert "Tờ khai đăng ký khai sinh" in page.locator("h1").inner_text()
    assert not shown(page, "f-relationship_other")
    assert shown(page, "f-father_name")
    assert not shown(page, "f-copies")
    # USWDS draws radios and check boxes on their labels: people tap the label.
    tap(page, "Quan hệ khác")
    assert shown(page, "f-relationship_other")
    tap(page, "Mẹ")
    assert not shown(page, "f-relationship_other")
    tap(page, "Khai thông tin người cha")
    assert not shown(page, "f-father_name")
    assert not shown(page, "f-father_residence")
    tap(page, "Đề nghị cấp bản sao Giấy khai sinh")
    assert shown(page, "f-copies")
    check_page(page, "birth-preview")

    # Checked by the server: the hidden father's details are not asked for.
    page.locator("#f-child_name").fill("Trần Minh An")
    page.locator("button[name=eform-check]").click()
    page.wait_for_load_state()
    summary = page.locator("#eform-errors").inner_text()
    assert "người cha" not in summary
    assert "Số bản sao" in summary
    assert page.locator("#f-child_name").input_value() == "Trần Minh An"
    check_page(page, "birth-preview-errors")


def test_without_script_every_field_shows_and_add_another_works(
    browser, live_server, eforms, static_dirs, built_static
):
    _birth, sample = eforms
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server.url)
        page.goto(live_server.url + preview(sample))
        assert shown(page, "f-reason_other")  # no script: shown, with when it applies
        assert page.locator("#f-reason_other-hint .mc-eform__condition").is_visible()
        page.locator("#f-applicant_name").fill("Nguyễn Thị Lan")
        page.locator("#f-members-0-member_name").fill("Trần Văn Bình")
        page.locator("button[name=eform-add]").click()
        page.wait_for_load_state()
        assert page.locator("#f-members-1-member_name").is_visible()
        assert page.locator("#f-members-0-member_name").input_value() == "Trần Văn Bình"
        assert page.locator("#f-applicant_name").input_value() == "Nguyễn Thị Lan"
        assert page.locator("#eform-errors").count() == 0  # adding a row is not a check
        page.locator("button[name=eform-remove][value=members-0]").click()
        page.wait_for_load_state()
        assert page.locator("#f-members-0-member_name").input_value() == ""
        assert page.locator("#f-members-1-member_name").count() == 0
        # axe and the width check need scripts; a screenshot shows the page as it is.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "eforms-sample-no-js-360.png"), full_page=True)
    finally:
        context.close()
