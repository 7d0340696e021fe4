"""The deadline arithmetic over real 2025-2027 dates (no database: the library's calendar)."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.deadlines.calendar import VN_TZ, OfficeHours, Period, WorkingCalendar, judge
from motcua.deadlines.constants import DayCount, Judgement, ResumeMode
from motcua.deadlines.selectors import library_days

YEARS = (2025, 2026, 2027, 2028)
CALENDAR = WorkingCalendar(*library_days(YEARS))


def vn(text: str) -> datetime:
    """'2025-04-25 16:00' in Vietnam time."""
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-01-01", False),  # New Year
        ("2025-01-27", False),  # Tết Ất Tỵ 25 Jan - 2 Feb
        ("2025-01-31", False),
        ("2025-02-03", True),
        ("2025-04-07", False),  # Hùng Kings 2025
        ("2025-04-26", True),  # Saturday swapped to a working day...
        ("2025-05-02", False),  # ...for Friday 2 May
        ("2025-04-30", False),
        ("2025-05-01", False),
        ("2025-09-01", False),  # National Day and its extra day
        ("2025-09-02", False),
        ("2025-09-03", True),
        ("2026-02-16", False),  # Tết Bính Ngọ 14-22 Feb
        ("2026-02-20", False),
        ("2026-02-23", True),
        ("2026-04-27", False),  # Hùng Kings on Sunday 26 Apr, compensatory Monday
        ("2026-04-30", False),
        ("2026-05-01", False),
        ("2026-11-24", True),  # Vietnam Culture Day: not a statutory holiday (yet)
        ("2027-01-01", False),
        ("2025-03-01", False),  # an ordinary Saturday
    ],
)
def test_working_days(day, working):
    assert CALENDAR.is_working_day(date.fromisoformat(day)) is working


@pytest.mark.parametrize(
    ("received", "days", "mode", "due"),
    [
        ("2025-01-24 10:00", 1, DayCount.END_OF_DAY, "2025-02-03 17:00"),  # across Tết 2025
        ("2025-01-24 16:00", 1, DayCount.HOURS, "2025-02-03 16:00"),
        ("2025-04-04 09:00", 1, DayCount.END_OF_DAY, "2025-04-08 17:00"),  # Hùng Kings 2025
        ("2025-04-25 16:00", 3, DayCount.END_OF_DAY, "2025-04-29 17:00"),  # Sat 26 Apr works
        ("2025-04-29 10:00", 2, DayCount.END_OF_DAY, "2025-05-06 17:00"),  # 30/4-4/5
        ("2025-04-29 10:00", 2, DayCount.HOURS, "2025-05-06 10:00"),
        ("2025-08-29 14:00", 1, DayCount.END_OF_DAY, "2025-09-03 17:00"),  # 2/9 + 1/9
        ("2026-02-13 15:30", 1, DayCount.END_OF_DAY, "2026-02-23 17:00"),  # Tết 2026
        ("2026-04-24 11:00", 1, DayCount.END_OF_DAY, "2026-04-28 17:00"),  # compensatory 27/4
        ("2026-04-29 09:00", 1, DayCount.END_OF_DAY, "2026-05-04 17:00"),
        ("2026-11-23 10:00", 1, DayCount.END_OF_DAY, "2026-11-24 17:00"),
        ("2026-12-31 10:00", 1, DayCount.END_OF_DAY, "2027-01-04 17:00"),
        ("2025-03-01 10:00", 1, DayCount.END_OF_DAY, "2025-03-03 17:00"),  # received Saturday
        ("2025-03-03 06:00", 1, DayCount.END_OF_DAY, "2025-03-04 17:00"),  # receipt day not counted
        ("2025-03-03 06:00", 1, DayCount.HOURS, "2025-03-03 17:00"),
        ("2025-03-03 12:00", 1, DayCount.HOURS, "2025-03-04 11:30"),  # lunch: from 13:00
        ("2025-03-03 18:00", 1, DayCount.HOURS, "2025-03-04 17:00"),  # after closing
        ("2025-03-03 09:00", 0, DayCount.END_OF_DAY, "2025-03-03 17:00"),
    ],
)
def test_add_working_days(received, days, mode, due):
    assert CALENDAR.add_working_days(vn(received), days, mode) == vn(due)


@pytest.mark.parametrize(
    ("received", "hours", "counted_from", "due"),
    [
        ("2025-03-03 18:00", 4, "2025-03-04 07:30", "2025-03-04 11:30"),  # after closing
        ("2025-03-03 12:00", 2, "2025-03-03 13:00", "2025-03-03 15:00"),  # lunch
        ("2025-03-03 06:00", 4, "2025-03-03 07:30", "2025-03-03 11:30"),  # before opening
        ("2025-03-03 13:00", 4, "2025-03-03 13:00", "2025-03-03 17:00"),  # ends at closing
        ("2025-03-01 10:00", 1, "2025-03-03 07:30", "2025-03-03 08:30"),  # Saturday
        ("2025-03-03 11:00", 1, "2025-03-03 11:00", "2025-03-03 13:30"),  # across lunch
        ("2025-04-25 16:30", 1, "2025-04-25 16:30", "2025-04-26 08:00"),  # swapped Saturday
        ("2025-04-07 09:00", 2, "2025-04-08 07:30", "2025-04-08 09:30"),  # on a holiday
    ],
)
def test_add_working_hours(received, hours, counted_from, due):
    assert CALENDAR.counted_from(vn(received)) == vn(counted_from)
    assert CALENDAR.add_working_hours(vn(received), hours) == vn(due)


def test_times_in_other_offsets_are_read_in_vietnam_time():
    received = datetime.fromisoformat("2025-03-03T04:00:00+00:00")  # 11:00 in Hà Nội
    assert CALENDAR.add_working_hours(received, 1) == vn("2025-03-03 13:30")
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.counted_from(datetime(2025, 3, 3, 9))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2025-03-03 14:59", "2025-03-03 17:00"),
        ("2025-03-03 15:00", "2025-03-03 17:00"),  # 15:00:00 is not "after 15:00"
        ("2025-03-03 15:01", "2025-03-04 17:00"),  # strictly after: next working day
        ("2025-03-03 18:00", "2025-03-04 17:00"),
        ("2025-03-03 06:00", "2025-03-03 17:00"),
        ("2025-03-02 10:00", "2025-03-03 17:00"),  # Sunday
        ("2025-04-25 15:30", "2025-04-26 17:00"),  # the swapped working Saturday
        ("2025-04-29 16:00", "2025-05-05 17:00"),  # across 30/4-4/5
        ("2026-02-13 15:01", "2026-02-23 17:00"),  # across Tết 2026
    ],
)
def test_same_day_rule(received, due):
    assert CALENDAR.same_day_due(vn(received)) == vn(due)
    assert CALENDAR.due(vn(received), Period(working_days=0)) == vn(due)


def test_pause_across_the_april_holidays():
    legal = Period(working_days=5)
    due = CALENDAR.due(vn("2025-04-25 09:00"), legal)
    assert due == vn("2025-05-06 17:00")
    paused, resumed = vn("2025-04-29 10:00"), vn("2025-05-06 10:00")
    assert CALENDAR.working_time_between(paused, resumed) == timedelta(hours=16)
    extended = CALENDAR.resume(due, paused, resumed, legal, ResumeMode.EXTEND)
    assert extended == vn("2025-05-08 17:00")
    restarted = CALENDAR.resume(due, paused, resumed, legal, ResumeMode.RESTART)
    assert restarted == vn("2025-05-13 17:00")


def test_a_pause_outside_office_hours_changes_nothing_when_extending():
    due = vn("2025-03-05 17:00")
    resumed = CALENDAR.resume(
        due,
        vn("2025-03-01 09:00"),
        vn("2025-03-02 20:00"),
        Period(working_days=2),
        ResumeMode.EXTEND,
    )
    assert resumed == due


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        ("2025-05-05 16:00", Judgement.EARLY),
        ("2025-05-06 08:00", Judgement.ON_TIME),
        ("2025-05-06 20:00", Judgement.ON_TIME),  # same date: on time
        ("2025-05-07 07:00", Judgement.LATE),
    ],
)
def test_judge_by_date(finished, expected):
    assert judge(vn(finished), vn("2025-05-06 17:00")) == expected
    utc_next_day = datetime.fromisoformat("2025-05-06T18:00:00+00:00")  # 01:00 on 7 May
    assert judge(utc_next_day, vn("2025-05-06 17:00")) == Judgement.LATE


@pytest.mark.parametrize(
    "hours",
    [
        (time(8), time(7), time(13), time(17)),
        (time(7), time(12), time(11), time(17)),
        (time(7), time(11), time(18), time(17)),
    ],
)
def test_office_hours_must_be_in_order(hours):
    with pytest.raises(ValueError, match="office hours"):
        OfficeHours(*hours)


def test_other_office_hours():
    hours = OfficeHours(time(7), time(11, 30), time(13, 30), time(17))
    calendar = WorkingCalendar(hours=hours)
    assert calendar.counted_from(vn("2025-03-03 12:00")) == vn("2025-03-03 13:30")
    assert calendar.add_working_hours(vn("2025-03-03 06:00"), 8) == vn("2025-03-03 17:00")


# Properties over 2025-2027 --------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 10, 1),  # noqa: DTZ001
    timezones=st.just(VN_TZ),
)
modes = st.sampled_from(list(DayCount))
periods = st.one_of(
    st.builds(Period, working_days=st.integers(0, 60), count=modes),
    st.builds(Period, working_hours=st.integers(1, 200)),
)


def inside_office_hours(moment: datetime) -> bool:
    clock = moment.timetz().replace(tzinfo=None)
    return CALENDAR.is_working_day(moment.date()) and any(
        start <= clock <= end for start, end in CALENDAR.hours.sessions
    )


@settings(max_examples=300)
@given(received=moments, period=periods)
def test_a_due_time_is_inside_office_hours_of_a_working_day(received, period):
    due = CALENDAR.due(received, period)
    assert inside_office_hours(due)
    assert due > received


@settings(max_examples=200)
@given(received=moments, days=st.integers(1, 60), mode=modes)
def test_more_working_days_never_give_an_earlier_due(received, days, mode):
    assert CALENDAR.add_working_days(received, days + 1, mode) > CALENDAR.add_working_days(
        received, days, mode
    )
    if mode == DayCount.END_OF_DAY:  # in hours, 1 day from 15:00 ends before a same-day due
        assert CALENDAR.add_working_days(received, days, mode) >= CALENDAR.same_day_due(received)


@settings(max_examples=200)
@given(
    received=moments,
    period=periods,
    pause_after=st.timedeltas(timedelta(0), timedelta(days=40)),
    pause_for=st.timedeltas(timedelta(0), timedelta(days=40)),
    mode=st.sampled_from(list(ResumeMode)),
)
def test_pausing_never_shortens_a_deadline(received, period, pause_after, pause_for, mode):
    due = CALENDAR.due(received, period)
    paused = received + pause_after
    resumed = CALENDAR.resume(due, paused, paused + pause_for, period, mode)
    assert resumed >= due
    assert inside_office_hours(resumed)


ORDER = {Judgement.EARLY: 0, Judgement.ON_TIME: 1, Judgement.LATE: 2}


@given(due=moments, first=moments, second=moments)
def test_judgement_is_monotonic_in_the_finish_time(due, first, second):
    first, second = sorted([first, second])
    assert ORDER[judge(first, due)] <= ORDER[judge(second, due)]
