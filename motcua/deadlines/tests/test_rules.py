"""The legal rules around the arithmetic, one table each, with the source of every row: the
same-day cut-off, a receipt on a day off (Saturday reception) and early / on time / late.

Real 2025-2027 dates from the `holidays` library's calendar: Tết Bính Ngọ (14-22/02/2026),
30/4-1/5, 2/9 and the swapped Saturday 26/04/2025 (Friday 02/05/2025 off).
"""

from dataclasses import replace
from datetime import datetime, time

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from motcua.deadlines.calendar import VN_TZ, Period, WorkingCalendar, judge, judge_step
from motcua.deadlines.constants import DayCount, DayOffReceipt, Judgement, JudgementLevel
from motcua.deadlines.selectors import library_days

CALENDAR = WorkingCalendar(*library_days((2025, 2026, 2027, 2028)))
FROM_NEXT = replace(CALENDAR, day_off_receipt=DayOffReceipt.NEXT_WORKING_DAY)

ART_7 = "Decree 23/2015/NĐ-CP Art. 7 ('sau 15 giờ'); civil status: DVCQG 1.001193 (S5)"
CUTOFF_SETTING = "unconfirmed, setting MOTCUA_SAME_DAY_CUTOFF / AgencyOfficeHours"
ART_147 = "Civil Code 2015 Art. 147(2): the first day is not counted"
ART_148 = "Civil Code 2015 Art. 148(5): a last day off ends on the next working day"
DAY_OFF_SETTING = "unconfirmed, setting MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM"
HOURS_PRACTICE = "industry practice, 1 day = 8 h (domain-vn §2.3, S2 CaculateTime.cs)"
DATE_LEVEL = "unconfirmed, setting MOTCUA_JUDGEMENT_LEVEL=date (766 reports, domain-vn §1.6)"
TIME_LEVEL = "unconfirmed, setting MOTCUA_JUDGEMENT_LEVEL=time"


def vn(text: str) -> datetime:
    """'2025-04-25 16:00' (or with seconds) in Vietnam time."""
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


# --- same-day procedures: the cut-off ---------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "cutoff", "due", "source"),
    [
        ("2025-03-03 15:00:00", "15:00", "2025-03-03 17:00", ART_7),  # at 15:00: not "after"
        ("2025-03-03 15:00:01", "15:00", "2025-03-04 17:00", ART_7),  # strictly after
        ("2025-03-03 14:59:59", "15:00", "2025-03-03 17:00", ART_7),
        ("2025-03-03 11:45", "15:00", "2025-03-03 17:00", ART_7),  # lunch: counted from 13:00
        ("2025-03-03 17:30", "15:00", "2025-03-04 17:00", ART_7),  # after closing
        ("2025-04-25 15:00", "15:00", "2025-04-25 17:00", ART_7),
        ("2025-04-25 15:30", "15:00", "2025-04-26 17:00", ART_7),  # swapped working Saturday
        ("2025-04-29 15:00", "15:00", "2025-04-29 17:00", ART_7),
        ("2025-04-29 15:30", "15:00", "2025-05-05 17:00", ART_7),  # across 30/4-4/5
        ("2025-08-29 16:00", "15:00", "2025-09-03 17:00", ART_7),  # across 1/9-2/9
        ("2026-02-13 15:00", "15:00", "2026-02-13 17:00", ART_7),  # the Friday before Tết
        ("2026-02-13 15:01", "15:00", "2026-02-23 17:00", ART_7),  # across Tết 2026
        ("2026-02-14 09:00", "15:00", "2026-02-23 17:00", ART_7),  # received on a Tết Saturday
        ("2027-04-29 15:30", "15:00", "2027-05-04 17:00", ART_7),  # 30/4, 1/5 and Mon 3/5 off
        ("2026-03-11 15:30", "16:00", "2026-03-11 17:00", CUTOFF_SETTING),
        ("2026-03-11 16:00", "16:00", "2026-03-11 17:00", CUTOFF_SETTING),
        ("2026-03-11 16:01", "16:00", "2026-03-12 17:00", CUTOFF_SETTING),
        ("2026-03-11 14:30", "14:00", "2026-03-12 17:00", CUTOFF_SETTING),
    ],
)
def test_same_day_cutoff(received, cutoff, due, source):
    calendar = replace(CALENDAR, same_day_cutoff=time.fromisoformat(cutoff))
    assert calendar.same_day_due(vn(received)) == vn(due), source
    assert calendar.due(vn(received), Period(working_days=0)) == vn(due), source
    assert calendar.due(vn(received), Period(calendar_days=0)) == vn(due), source
    # the cut-off given to the call wins over the calendar's
    assert CALENDAR.same_day_due(vn(received), time.fromisoformat(cutoff)) == vn(due), source


# --- a receipt on a day off (Saturday reception) ----------------------------------------------

WD = DayCount.END_OF_DAY


@pytest.mark.parametrize(
    ("received", "period", "receipt_day_due", "next_working_day_due", "source"),
    [
        # a centre open on Saturday morning: counted from the Saturday or from Monday
        ("2025-03-01 10:00", Period(1), "2025-03-03 17:00", "2025-03-04 17:00", ART_147),
        ("2025-03-01 10:00", Period(5), "2025-03-07 17:00", "2025-03-10 17:00", ART_147),
        ("2027-01-02 09:00", Period(1), "2027-01-04 17:00", "2027-01-05 17:00", ART_147),
        # Sunday before 30/4-4/5 2025
        ("2025-04-27 10:00", Period(2), "2025-04-29 17:00", "2025-05-05 17:00", ART_147),
        # a holiday: 2/9/2025
        ("2025-09-02 10:00", Period(1), "2025-09-03 17:00", "2025-09-04 17:00", ART_147),
        # the first Saturday of Tết 2026
        ("2026-02-14 09:00", Period(1), "2026-02-23 17:00", "2026-02-24 17:00", ART_147),
        # the swapped Saturday 26/4/2025 is a working day: no difference
        ("2025-04-26 10:00", Period(1), "2025-04-28 17:00", "2025-04-28 17:00", ART_147),
        # a working day after closing keeps its date under both (the setting is for days off)
        ("2026-03-11 18:00", Period(1), "2026-03-12 17:00", "2026-03-12 17:00", ART_147),
        # calendar days: from the Saturday or from Monday
        (
            "2025-03-01 10:00",
            Period(calendar_days=3),
            "2025-03-04 17:00",
            "2025-03-06 17:00",
            ART_147,
        ),
        # calendar days ending on a day off move to the next working day
        (
            "2026-02-11 10:00",
            Period(calendar_days=3),
            "2026-02-23 17:00",
            "2026-02-23 17:00",
            ART_148,
        ),
        (
            "2026-02-14 10:00",
            Period(calendar_days=5),
            "2026-02-23 17:00",  # 19/02 is Tết: the next working day
            "2026-03-02 17:00",  # 23/02 + 5 = Sat 28/02: the next working day
            ART_148,
        ),
        # working hours start at Monday's opening under both
        (
            "2025-03-01 10:00",
            Period(working_hours=6),
            "2025-03-03 15:00",
            "2025-03-03 15:00",
            HOURS_PRACTICE,
        ),
        (
            "2025-03-01 10:00",
            Period(working_days=1, count=DayCount.HOURS),
            "2025-03-03 17:00",
            "2025-03-03 17:00",
            HOURS_PRACTICE,
        ),
        # same-day procedures: due at Monday's closing under both
        ("2025-03-01 10:00", Period(0), "2025-03-03 17:00", "2025-03-03 17:00", ART_7),
        ("2025-03-01 16:00", Period(0), "2025-03-03 17:00", "2025-03-03 17:00", ART_7),
    ],
)
def test_receipt_on_a_day_off(received, period, receipt_day_due, next_working_day_due, source):
    assert CALENDAR.day_off_receipt == DayOffReceipt.RECEIPT_DAY  # the default
    assert CALENDAR.due(vn(received), period) == vn(receipt_day_due), source
    assert FROM_NEXT.due(vn(received), period) == vn(next_working_day_due), DAY_OFF_SETTING


@pytest.mark.parametrize(
    ("calendar", "start"),
    [(CALENDAR, "2025-03-03 07:30"), (FROM_NEXT, "2025-03-04 07:30")],
)
def test_the_clock_start_shown_follows_the_day_off_setting(calendar, start):
    assert calendar.period_start(vn("2025-03-01 10:00"), Period(working_days=2)) == vn(start)


# --- early / on time / late -------------------------------------------------------------------

DATE, TIME = JudgementLevel.DATE, JudgementLevel.TIME
EARLY, ON_TIME, LATE = Judgement.EARLY, Judgement.ON_TIME, Judgement.LATE


@pytest.mark.parametrize(
    ("finished", "due", "level", "expected", "source"),
    [
        ("2025-05-05 16:00", "2025-05-06 17:00", DATE, EARLY, DATE_LEVEL),
        ("2025-05-06 08:00", "2025-05-06 17:00", DATE, ON_TIME, DATE_LEVEL),
        ("2025-05-06 17:00", "2025-05-06 17:00", DATE, ON_TIME, DATE_LEVEL),
        ("2025-05-06 20:00", "2025-05-06 17:00", DATE, ON_TIME, DATE_LEVEL),
        ("2025-05-07 07:00", "2025-05-06 17:00", DATE, LATE, DATE_LEVEL),
        ("2025-05-05 16:00", "2025-05-06 17:00", TIME, EARLY, TIME_LEVEL),
        ("2025-05-06 08:00", "2025-05-06 17:00", TIME, ON_TIME, TIME_LEVEL),
        ("2025-05-06 17:00:00", "2025-05-06 17:00", TIME, ON_TIME, TIME_LEVEL),  # at the due
        ("2025-05-06 17:00:01", "2025-05-06 17:00", TIME, LATE, TIME_LEVEL),  # strictly after
        ("2025-05-06 20:00", "2025-05-06 17:00", TIME, LATE, TIME_LEVEL),
        ("2025-05-07 07:00", "2025-05-06 17:00", TIME, LATE, TIME_LEVEL),
        # a same-day dossier due the Friday before Tết 2026, finished after closing
        ("2026-02-13 17:30", "2026-02-13 17:00", DATE, ON_TIME, DATE_LEVEL),
        ("2026-02-13 17:30", "2026-02-13 17:00", TIME, LATE, TIME_LEVEL),
        # finished during Tết (an official working on a day off) for a due after it
        ("2026-02-18 10:00", "2026-02-23 17:00", TIME, EARLY, TIME_LEVEL),
        # a due in hours, at 11:30 (the end of the morning)
        ("2025-05-05 11:00", "2025-05-05 11:30", TIME, ON_TIME, TIME_LEVEL),
        ("2025-05-05 13:00", "2025-05-05 11:30", TIME, LATE, TIME_LEVEL),
        ("2025-05-05 13:00", "2025-05-05 11:30", DATE, ON_TIME, DATE_LEVEL),
    ],
)
def test_judgement_levels(finished, due, level, expected, source):
    assert judge(vn(finished), vn(due), level) == expected, source


def test_the_level_comes_from_settings_by_default(settings):
    finished, due = vn("2026-03-11 17:30"), vn("2026-03-11 17:00")
    assert judge(finished, due) == Judgement.ON_TIME  # default: date
    settings.MOTCUA_JUDGEMENT_LEVEL = "time"
    assert judge(finished, due) == Judgement.LATE
    settings.MOTCUA_JUDGEMENT_LEVEL = "hour"
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_JUDGEMENT_LEVEL"):
        judge(finished, due)


def test_a_step_is_judged_at_time_level_whatever_the_setting(settings):
    finished, due = vn("2026-03-11 10:00"), vn("2026-03-11 09:30")
    for level in JudgementLevel:
        settings.MOTCUA_JUDGEMENT_LEVEL = level.value
        assert judge_step(finished, due) == Judgement.LATE
        assert judge_step(vn("2026-03-11 09:00"), due) == Judgement.ON_TIME


moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(VN_TZ),
)
ORDER = {Judgement.EARLY: 0, Judgement.ON_TIME: 1, Judgement.LATE: 2}


@given(due=moments, first=moments, second=moments, level=st.sampled_from(list(JudgementLevel)))
def test_judgement_is_monotonic_at_either_level(due, first, second, level):
    first, second = sorted([first, second])
    assert ORDER[judge(first, due, level)] <= ORDER[judge(second, due, level)]


@given(due=moments, finished=moments)
def test_time_level_is_never_kinder_than_date_level(due, finished):
    by_time, by_date = judge(finished, due, TIME), judge(finished, due, DATE)
    assert ORDER[by_time] >= ORDER[by_date]
    assert (by_time == by_date) or (by_time == LATE and by_date == ON_TIME)


@given(received=moments, days=st.integers(0, 40))
def test_counting_from_the_next_working_day_never_gives_an_earlier_due(received, days):
    for period in (Period(working_days=days), Period(calendar_days=days)):
        assert FROM_NEXT.due(received, period) >= CALENDAR.due(received, period)
