"""Dates typed in the admin are read day first (issue 14, item 4: a calendar override typed
08/12/2026 was saved as 12 August 2026, which moves legal deadlines), in both languages."""

import json
import re
from datetime import date, datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import formats, translation

from motcua.deadlines.models import CalendarOverride

pytestmark = pytest.mark.django_db


def url(name: str, language: str, *args: object) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def add_override(client, day: str, *, language: str = "vi"):
    return client.post(
        url("admin:deadlines_calendaroverride_add", language),
        {"day": day, "kind": "day_off", "reason": "Nghỉ bù", "legal_reference": ""},
    )


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["08/12/2026", "2026-12-08", "08-12-2026", "08.12.2026"])
def test_an_override_typed_day_first_or_iso_is_that_day(admin_client, language, typed):
    response = add_override(admin_client, typed, language=language)
    assert response.status_code == 302
    assert CalendarOverride.objects.get().day == date(2026, 12, 8)


def test_an_american_order_date_is_refused_not_swapped(admin_client):
    response = add_override(admin_client, "12/31/2026")
    assert response.status_code == 200
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admin_shows_and_fills_in_dates_day_first(admin_client, language):
    override = CalendarOverride.objects.create(day=date(2026, 12, 8), kind="day_off", reason="x")
    change = admin_client.get(url("admin:deadlines_calendaroverride_change", language, override.pk))
    assert re.search(r'name="day" value="08/12/2026"', change.content.decode())
    listing = admin_client.get(url("admin:deadlines_calendaroverride_changelist", language))
    assert "08/12/2026" in listing.content.decode()
    # The calendar shortcut (DateTimeShortcuts.js) writes the first input format of the catalog.
    catalog = admin_client.get(url("admin:jsi18n", language)).content.decode()
    found = re.search(r"\"DATE_INPUT_FORMATS\": (\[.*?\])", catalog, re.S)
    assert found and json.loads(found.group(1))[0] == "%d/%m/%Y"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_forms_read_day_first_dates_and_datetimes(language):
    class Dates(forms.Form):
        day = forms.DateField()
        moment = forms.DateTimeField()

    with translation.override(language):
        form = Dates({"day": "08/12/2026", "moment": "08/12/2026 14:30"})
        assert form.is_valid(), form.errors
        assert formats.date_format(date(2026, 12, 8), "SHORT_DATE_FORMAT") == "08/12/2026"
        assert formats.localize_input(date(2026, 12, 8)) == "08/12/2026"
    assert form.cleaned_data["day"] == date(2026, 12, 8)
    moment = form.cleaned_data["moment"]
    assert isinstance(moment, datetime) and (moment.month, moment.day) == (12, 8)
