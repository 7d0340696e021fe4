"""The admin's date widget in a real chromium (issue 14, item 4): its calendar writes the day
first, and what it writes is saved as that day, in Vietnamese and in English."""

import datetime

import pytest

from motcua.accounts.models import User
from motcua.deadlines.models import CalendarOverride

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_calendar_shortcut_writes_and_saves_day_first(page, live_server, prefix, frozen_now):
    User.objects.create_superuser("quantri", password="x")
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill("x")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}{prefix}/admin/deadlines/calendaroverride/add/")
    today = frozen_now.date()  # the test clock's today, as the browser's clock is not frozen
    page.locator("#id_day").fill(f"{today:%d/%m/%Y}")
    page.locator("#calendarlink0").click()  # the calendar opens on the typed month
    page.locator("#calendarbox0").get_by_role("link", name="8", exact=True).click()
    assert page.locator("#id_day").input_value() == f"08/{today:%m/%Y}"
    page.locator("#id_kind").select_option("day_off")
    page.locator("#id_reason").fill("Nghỉ bù")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/calendaroverride/")
    assert CalendarOverride.objects.get().day == datetime.date(today.year, today.month, 8)
    assert page.locator(
        "#result_list td.field-day, #result_list th.field-day"
    ).first.inner_text() == (f"08/{today:%m/%Y}")
