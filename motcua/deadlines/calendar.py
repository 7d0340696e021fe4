"""Working days and deadline arithmetic: pure functions over dates and times, no database.

Every time is a timezone-aware datetime; results are in Asia/Ho_Chi_Minh (UTC+7, no DST).
The rules and where the law leaves a choice open (see docs/architecture.md, "Deadlines"):

- A working day is Monday-Friday, minus `days_off` (holidays, compensatory and swapped days),
  plus `extra_working_days` (swapped Saturdays). Saturday reception does not count.
- A receipt outside office hours counts from the next working moment: after closing or on a
  day off from the next working morning, during lunch from the afternoon start, before opening
  from the opening.
- A receipt on a day off (a centre open on Saturday, an online acceptance on Sunday): for
  periods in days the day not counted (Civil Code Art. 147(2)) is the day of receipt
  (`DayOffReceipt.RECEIPT_DAY`, default) or the next working day (`NEXT_WORKING_DAY`), a
  setting carried as `WorkingCalendar.day_off_receipt`.
- Working days are counted in one of two ways (`DayCount`, chosen per procedure):
  END_OF_DAY (default; Civil Code Arts. 147-148): the day of receipt is not counted, day 1 is
  the first working day after it, and the period ends at closing of the Nth working day;
  HOURS (industry practice, 1 day = 8 h): N x 8 working hours from the receipt time.
- Same-day procedures follow the 15:00 rule (`same_day_due`): counted from the cut-off or
  earlier -> due that day; strictly after it -> the next working day. The cut-off is
  `WorkingCalendar.same_day_cutoff` (per agency, else settings).
- A pause ends in one of two ways (`ResumeMode`, chosen per procedure): RESTART (the full legal
  time again from the resume time) or EXTEND (the due time moves by the paused working time).
- Early / on time / late is judged by date or by time, one setting (`judge`).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .conf import judgement_level
from .constants import (
    DEFAULT_SAME_DAY_CUTOFF,
    DayCount,
    DayOffReceipt,
    Judgement,
    JudgementLevel,
    ResumeMode,
)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS_PER_DAY = 8  # the industry's working day in hours, whatever an agency's office hours are
SAME_DAY_CUTOFF = time.fromisoformat(DEFAULT_SAME_DAY_CUTOFF)
MAX_SEARCH_DAYS = 3700  # ten years: no calendar has that many days off in a row


@dataclass(frozen=True)
class OfficeHours:
    """A morning and an afternoon session; validated: start < end, morning before afternoon."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 0)
    afternoon_end: time = time(17, 0)

    def __post_init__(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValueError("office hours must be morning start < end <= afternoon start < end")

    @property
    def sessions(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))


@dataclass(frozen=True)
class Period:
    """A legal time: working days (counted per `count`), working hours or calendar days;
    0 working days = within the day (the 15:00 rule)."""

    working_days: int | None = None
    working_hours: int | None = None
    count: DayCount = DayCount.END_OF_DAY
    calendar_days: int | None = None

    def __post_init__(self) -> None:
        given = [self.working_days, self.working_hours, self.calendar_days]
        if sum(value is not None for value in given) != 1:
            raise ValueError("give exactly one of working_days, working_hours and calendar_days")
        if any(value is not None and value < 0 for value in given):
            raise ValueError("a legal time cannot be negative")

    @property
    def nominal_hours(self) -> int:
        """The period in the industry's hours (1 day = 8 h; within the day = 8 h): the unit in
        which internal processes share the legal time among their steps."""
        if self.working_hours is not None:
            return self.working_hours
        days = self.working_days if self.working_days is not None else self.calendar_days
        return max(days or 0, 1) * HOURS_PER_DAY


def local(moment: datetime) -> datetime:
    """`moment` in Vietnam time; naive datetimes are refused (their meaning is a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(VN_TZ)


def judge(
    finished_at: datetime, due_at: datetime, level: JudgementLevel | None = None
) -> Judgement:
    """Early, on time or late at `level` (default settings.MOTCUA_JUDGEMENT_LEVEL), dates in
    Vietnam time. DATE (the 766 reports compare dates): before the due date is early, on it on
    time whatever the hour, after it late. TIME: after the due moment is late (even on the due
    date); at or before it, early when on an earlier date, else on time."""
    level = judgement_level() if level is None else level
    finished, due = local(finished_at).date(), local(due_at).date()
    if level == JudgementLevel.TIME and finished_at > due_at:
        return Judgement.LATE
    if finished < due:
        return Judgement.EARLY
    return Judgement.ON_TIME if finished == due else Judgement.LATE


def judge_step(finished_at: datetime, due_at: datetime) -> Judgement:
    """A step of an internal process lasts hours, so it is always judged at time level: a step
    handed on after its due time is late even on the same date."""
    return judge(finished_at, due_at, JudgementLevel.TIME)


@dataclass(frozen=True)
class WorkingCalendar:
    days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    hours: OfficeHours = field(default_factory=OfficeHours)
    same_day_cutoff: time = SAME_DAY_CUTOFF
    day_off_receipt: DayOffReceipt = DayOffReceipt.RECEIPT_DAY

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("no working day within ten years")

    def at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=VN_TZ)

    def opening(self, day: date) -> datetime:
        return self.at(day, self.hours.morning_start)

    def closing(self, day: date) -> datetime:
        return self.at(day, self.hours.afternoon_end)

    def receipt_day(self, received_at: datetime) -> date:
        """The day of receipt that a period in days does not count (Civil Code Art. 147(2)):
        the receipt's date, or for a receipt on a day off under NEXT_WORKING_DAY the next
        working day (as if received at its opening)."""
        day = local(received_at).date()
        if self.day_off_receipt == DayOffReceipt.NEXT_WORKING_DAY and not self.is_working_day(day):
            return self.next_working_day(day)
        return day

    def counted_from(self, received_at: datetime) -> datetime:
        """The first working moment at or after `received_at`."""
        moment = local(received_at)
        day, clock = moment.date(), moment.timetz().replace(tzinfo=None)
        if self.is_working_day(day):
            for start, end in self.hours.sessions:
                if clock < end:
                    return self.at(day, max(clock, start))
        return self.opening(self.next_working_day(day))

    def sessions_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working sessions (start, end) from the first working moment at or after `moment`."""
        start = self.counted_from(moment)
        day = start.date()
        while True:
            for session_start, session_end in self.hours.sessions:
                end = self.at(day, session_end)
                if end > start:
                    yield max(start, self.at(day, session_start)), end
            day = self.next_working_day(day)

    def add_working_time(self, moment: datetime, amount: timedelta) -> datetime:
        """`amount` of working time after `moment`, skipping lunch, nights and days off; a
        period that ends exactly at a closing ends there, not at the next opening."""
        if amount <= timedelta(0):
            return self.counted_from(moment)
        remaining = amount
        for start, end in self.sessions_from(moment):
            if remaining <= end - start:
                return start + remaining
            remaining -= end - start
        raise AssertionError("unreachable")  # pragma: no cover

    def add_working_hours(self, received_at: datetime, hours: int) -> datetime:
        return self.add_working_time(received_at, timedelta(hours=hours))

    def add_working_days(
        self, received_at: datetime, days: int, mode: DayCount = DayCount.END_OF_DAY
    ) -> datetime:
        """Due time of `days` working days (see the module doc for the two counts)."""
        if mode == DayCount.HOURS:
            return self.add_working_hours(received_at, days * HOURS_PER_DAY)
        if days == 0:
            return self.closing(self.counted_from(received_at).date())
        day = self.receipt_day(received_at)
        for _ in range(days):
            day = self.next_working_day(day)
        return self.closing(day)

    def period_start(self, received_at: datetime, period: Period) -> datetime:
        """When the clock starts: the opening of day 1 for END_OF_DAY, else `counted_from`."""
        if period.working_days and period.count == DayCount.END_OF_DAY:
            return self.opening(self.next_working_day(self.receipt_day(received_at)))
        return self.counted_from(received_at)

    def due(self, received_at: datetime, period: Period) -> datetime:
        if period.calendar_days is not None:
            return self.add_calendar_days(received_at, period.calendar_days)
        if period.working_hours is not None:
            return self.add_working_hours(received_at, period.working_hours)
        if period.working_days == 0:
            return self.same_day_due(received_at)
        return self.add_working_days(received_at, period.working_days or 0, period.count)

    def add_calendar_days(self, received_at: datetime, days: int) -> datetime:
        """Calendar days (Civil Code Arts. 147-148): the day of receipt is not counted, the
        period ends at closing of its last day, pushed to the next working day when that day is
        off (Art. 148(1) and (5); domain-vn §2.3)."""
        if days == 0:
            return self.same_day_due(received_at)
        last = self.receipt_day(received_at) + timedelta(days=days)
        if not self.is_working_day(last):
            last = self.next_working_day(last)
        return self.closing(last)

    def same_day_due(self, received_at: datetime, cutoff: time | None = None) -> datetime:
        """The 15:00 rule: counted from `cutoff` (default `self.same_day_cutoff`) or earlier ->
        closing the same working day; strictly after it ("received after 15:00") -> closing of
        the next working day. A receipt after closing or on a day off counts from the next
        working morning, so it is due at that day's closing (under either `day_off_receipt`)."""
        cutoff = self.same_day_cutoff if cutoff is None else cutoff
        start = self.counted_from(received_at)
        if start.timetz().replace(tzinfo=None) <= cutoff:
            return self.closing(start.date())
        return self.closing(self.next_working_day(start.date()))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside [start, end]."""
        total = timedelta(0)
        for session_start, session_end in self.sessions_from(start):
            if session_start >= end:
                break
            total += min(session_end, end) - session_start
        return total

    def resume(
        self,
        due_at: datetime,
        paused_at: datetime,
        resumed_at: datetime,
        legal_time: Period,
        mode: ResumeMode = ResumeMode.RESTART,
    ) -> datetime:
        """The new due time when a paused dossier resumes (supplement, financial obligation,
        stop). RESTART: the full `legal_time` again from `resumed_at` (per decree, the default).
        EXTEND: `due_at` plus the working time between `paused_at` and `resumed_at`.
        Either way the result is never earlier than `due_at`."""
        if mode == ResumeMode.RESTART:
            return max(local(due_at), self.due(resumed_at, legal_time))
        paused = self.working_time_between(paused_at, resumed_at)
        return self.add_working_time(due_at, paused) if paused else local(due_at)
