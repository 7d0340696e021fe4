"""The calendar as built from the library, the override table, settings and office hours."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from motcua.accounts.constants import AgencyKind, Level
from motcua.accounts.models import Agency
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent
from motcua.deadlines import services
from motcua.deadlines.calendar import VN_TZ, OfficeHours, Period
from motcua.deadlines.constants import DayOffReceipt, JudgementLevel, OverrideKind
from motcua.deadlines.models import AgencyOfficeHours, CalendarOverride
from motcua.deadlines.selectors import calendar_for, judgement_level, library_days

pytestmark = pytest.mark.django_db

# The official schedules for civil servants verified in domain-vn.md §4. `holidays` 0.109 knows
# every one of them, so no override rows are seeded; this test says so and fails if it stops.
OFFICIAL_DAYS_OFF = [
    ("2025-01-01", "S54"),
    *((f"2025-01-{d}", "S54: Tết Ất Tỵ 25 Jan - 2 Feb") for d in range(27, 32)),
    ("2025-04-07", "S54: Hùng Kings"),
    ("2025-04-30", "S54"),
    ("2025-05-01", "S54"),
    ("2025-05-02", "S54, S55: swapped with Sat 26 Apr (Thông báo 6150/TB-BLĐTBXH)"),
    ("2025-09-01", "S53, S54"),
    ("2025-09-02", "S53, S54"),
    *((f"2026-02-{d}", "S56: Tết Bính Ngọ 14-22 Feb") for d in range(16, 21)),
    ("2026-04-27", "S57: Hùng Kings on Sunday 26 Apr, compensatory"),
    ("2026-04-30", "S57"),
    ("2026-05-01", "S57"),
]


@pytest.mark.parametrize(("day", "source"), OFFICIAL_DAYS_OFF)
def test_the_library_knows_every_verified_official_day(day, source):
    calendar = calendar_for(years=[2025, 2026])
    assert not calendar.is_working_day(date.fromisoformat(day)), source


def test_the_library_knows_the_2025_swapped_saturday():
    assert date(2025, 4, 26) in library_days((2025,))[1]
    assert calendar_for(years=[2025]).is_working_day(date(2025, 4, 26))


def test_culture_day_is_not_observed_unless_settings_say_so(settings):
    assert calendar_for(years=[2026]).is_working_day(date(2026, 11, 24))
    settings.MOTCUA_HOLIDAYS_NOT_OBSERVED = []
    library_days.cache_clear()
    try:
        assert not calendar_for(years=[2026]).is_working_day(date(2026, 11, 24))
    finally:
        library_days.cache_clear()


def test_overrides_win_over_the_library():
    services.calendar_override_set(
        day=date(2027, 1, 2), kind=OverrideKind.WORKING_DAY, reason="swap (example)"
    )
    services.calendar_override_set(
        day=date(2027, 1, 4), kind=OverrideKind.DAY_OFF, reason="bridge (example)"
    )
    services.calendar_override_set(
        day=date(2027, 4, 16), kind=OverrideKind.WORKING_DAY, reason="cancelled (example)"
    )
    calendar = calendar_for(years=[2027])
    assert calendar.is_working_day(date(2027, 1, 2))
    assert not calendar.is_working_day(date(2027, 1, 4))
    assert calendar.is_working_day(date(2027, 4, 16))
    assert AuditEvent.objects.filter(action="deadlines.calendaroverride.set").count() == 3


def test_a_bad_override_changes_nothing():
    with pytest.raises(ValidationFailed):
        services.calendar_override_set(day=date(2027, 1, 2), kind="holiday", reason="x")
    assert not CalendarOverride.objects.exists()


@pytest.fixture
def agency():
    return Agency.objects.create(
        slug="hl", name="UBND phường Hạ Long", kind=AgencyKind.COMMUNE_PC, level=Level.COMMUNE
    )


def test_office_hours_per_agency_and_by_default(agency, settings):
    assert calendar_for(agency).hours == OfficeHours()
    settings.MOTCUA_OFFICE_HOURS = ("07:00", "11:30", "13:30", "17:00")
    assert calendar_for(agency).hours.morning_start == time(7)
    services.office_hours_set(agency=agency, hours=(time(8), time(12), time(13), time(16)))
    calendar = calendar_for(agency)
    assert calendar.hours == OfficeHours(time(8), time(12), time(13), time(16))
    due = calendar.add_working_hours(datetime(2025, 3, 3, 15, tzinfo=VN_TZ), 2)
    assert due == datetime(2025, 3, 4, 9, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    "hours",
    [
        (time(9), time(8), time(13), time(17)),
        (time(7), time(11), time(17), time(13)),
        (time(7), time(14), time(13), time(17)),
    ],
)
def test_office_hours_are_validated(agency, hours):
    with pytest.raises(ValidationFailed):
        services.office_hours_set(agency=agency, hours=hours)
    assert not AgencyOfficeHours.objects.exists()


def test_admin_edits_overrides_with_an_audit_event(admin_client):
    url = reverse("admin:deadlines_calendaroverride_add")
    response = admin_client.post(
        url,
        {
            "day": "2027-01-02",
            "kind": "working_day",
            "reason": "Làm bù",
            "legal_reference": "Thông báo (ví dụ)",
        },
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get().kind == "working_day"
    assert AuditEvent.objects.filter(action="deadlines.calendaroverride.created").exists()
    assert (
        admin_client.get(reverse("admin:deadlines_calendaroverride_changelist")).status_code == 200
    )


def test_admin_rejects_office_hours_out_of_order(admin_client, agency):
    response = admin_client.post(
        reverse("admin:deadlines_agencyofficehours_add"),
        {
            "agency": agency.pk,
            "morning_start": "09:00",
            "morning_end": "08:00",
            "afternoon_start": "13:00",
            "afternoon_end": "17:00",
        },
    )
    assert response.status_code == 200
    assert not AgencyOfficeHours.objects.exists()


# The same-day cut-off: settings.MOTCUA_SAME_DAY_CUTOFF, or the agency's own (provinces differ).
@pytest.mark.parametrize(
    ("setting", "agency_cutoff", "received", "due", "source"),
    [
        ("15:00", None, "2026-03-11 15:00", "2026-03-11 17:00", "Decree 23/2015 Art. 7"),
        ("15:00", None, "2026-03-11 15:01", "2026-03-12 17:00", "Decree 23/2015 Art. 7"),
        ("16:00", None, "2026-03-11 15:30", "2026-03-11 17:00", "setting MOTCUA_SAME_DAY_CUTOFF"),
        ("15:00", "14:00", "2026-03-11 14:30", "2026-03-12 17:00", "AgencyOfficeHours"),
        ("14:00", "16:30", "2026-03-11 16:30", "2026-03-11 17:00", "AgencyOfficeHours"),
        ("15:00", "14:00", "2026-02-13 14:30", "2026-02-23 17:00", "AgencyOfficeHours, Tết 2026"),
    ],
)
def test_same_day_cutoff_from_settings_or_the_agency(
    agency, settings, setting, agency_cutoff, received, due, source
):
    settings.MOTCUA_SAME_DAY_CUTOFF = setting
    if agency_cutoff:
        services.office_hours_set(
            agency=agency,
            hours=(time(7, 30), time(11, 30), time(13), time(17)),
            same_day_cutoff=time.fromisoformat(agency_cutoff),
        )
    calendar = calendar_for(agency)
    assert calendar.same_day_cutoff == time.fromisoformat(agency_cutoff or setting), source
    moment = datetime.fromisoformat(received).replace(tzinfo=VN_TZ)
    assert calendar.same_day_due(moment) == datetime.fromisoformat(due).replace(tzinfo=VN_TZ)
    assert calendar_for().same_day_cutoff == time.fromisoformat(setting)  # no agency


def test_a_bad_cutoff_setting_is_a_configuration_error(settings):
    settings.MOTCUA_SAME_DAY_CUTOFF = "3pm"
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_SAME_DAY_CUTOFF"):
        calendar_for()


def test_the_agency_cutoff_must_fall_within_its_office_hours(agency):
    with pytest.raises(ValidationFailed):
        services.office_hours_set(
            agency=agency,
            hours=(time(7, 30), time(11, 30), time(13), time(17)),
            same_day_cutoff=time(18),
        )
    assert not AgencyOfficeHours.objects.exists()


def test_admin_sets_an_agency_cutoff_with_an_audit_event(admin_client, agency):
    form = {
        "agency": agency.pk,
        "morning_start": "07:30",
        "morning_end": "11:30",
        "afternoon_start": "13:00",
        "afternoon_end": "17:00",
    }
    url = reverse("admin:deadlines_agencyofficehours_add")
    response = admin_client.post(url, {**form, "same_day_cutoff": "06:00"})
    assert response.status_code == 200  # before opening: refused
    assert not AgencyOfficeHours.objects.exists()
    response = admin_client.post(url, {**form, "same_day_cutoff": "14:30"})
    assert response.status_code == 302
    assert AgencyOfficeHours.objects.get().same_day_cutoff == time(14, 30)
    assert AuditEvent.objects.filter(action="deadlines.agencyofficehours.created").exists()
    assert calendar_for(agency).same_day_cutoff == time(14, 30)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("receipt_day", DayOffReceipt.RECEIPT_DAY),
        ("next_working_day", DayOffReceipt.NEXT_WORKING_DAY),
    ],
)
def test_the_day_off_receipt_rule_comes_from_settings(settings, setting, expected):
    settings.MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM = setting
    calendar = calendar_for(years=[2025])
    assert calendar.day_off_receipt == expected
    saturday = datetime(2025, 3, 1, 10, tzinfo=VN_TZ)
    monday_or_tuesday = 3 if expected == DayOffReceipt.RECEIPT_DAY else 4
    assert calendar.due(saturday, Period(working_days=1)) == datetime(
        2025, 3, monday_or_tuesday, 17, tzinfo=VN_TZ
    )


def test_a_bad_day_off_receipt_setting_is_a_configuration_error(settings):
    settings.MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM = "monday"
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM"):
        calendar_for()


def test_judgement_level_selector(settings):
    assert judgement_level() == JudgementLevel.DATE
    settings.MOTCUA_JUDGEMENT_LEVEL = "time"
    assert judgement_level() == JudgementLevel.TIME
