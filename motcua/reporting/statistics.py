"""The statistics table of received and resolved dossiers (báo cáo thống kê tình hình tiếp nhận
và giải quyết hồ sơ TTHC), per agency, field or procedure, for a period of whole days.

Public interface (the transparency page, the leaders' dashboard, the back-office page, the
XLSX export and the API all read these):

- `statistics_table(*, agency, start, end, group_by="agency", roll_up=True) -> StatTable`
- `statistics_total(*, agency, start, end) -> StatRow` (the total row only)
- `statistics_tables(*, agency, start, end, group_by=GROUP_BY, roll_up=True)
  -> dict[str, StatTable]` (several groupings of one period from one count)
- `monthly_series(*, agency, start, end) -> list[MonthStat]` (one total row per calendar month
  of the period, each month clipped to the period)
- `check_period(start, end)` raises `ValidationFailed` (translated) for a bad period
- `statistics_agencies(*, user)` the agencies whose statistics an official may read
- `MAX_PERIOD_DAYS` (366), `GROUP_BY` ("agency", "field", "procedure")

`agency=None` means the whole installation (every root agency and its subtree).

A `StatRow` holds the counts of one row; every count is an int:

    carried_over          accepted before the period and not yet resolved or withdrawn at its
                          start (kỳ trước chuyển qua)
    received_online       accepted in the period, by channel (trực tuyến / trực tiếp /
    received_counter      qua bưu chính); `received` is their sum
    received_post
    resolved_early        resolved in the period: result ready (`finished_at`) before, on or
    resolved_on_time      after the appointment date (`due_at`); a dossier without a legal time
    resolved_late         (no `due_at`) counts as on time; `resolved` is their sum
    in_progress_within    still being processed at the period end, appointment on or after the
    in_progress_overdue   period end (or none) / before it; `in_progress` is their sum
    awaiting_supplement   paused at the period end: supplement requested, financial obligation
    awaiting_obligation   requested, processing stopped; `paused` is their sum
    stopped
    withdrawn             withdrawn by the applicant in the period (after acceptance)
    refused               refused at intake (not accepted) in the period; outside the balance,
                          since a refused dossier was never received

Balance, for every row: carried_over + received == resolved + withdrawn + in_progress + paused
(`StatRow.balanced`). Rates: `on_time_rate` = (early + on time) / resolved, `online_rate` =
online / received, floats in [0, 1] or None when the denominator is 0.

The definitions (which agency, which timestamps, date-level comparison, the bucket of every
status) are in docs/architecture.md, "Statistics"; in short: a dossier counts for its receiving
agency, from its acceptance (`accepted_at`, the start of the legal clock) to its result
(`finished_at`) or withdrawal (`closed_at`); the appointment is `due_at` (which an apology moves
only when MOTCUA_APOLOGY_MOVES_DEADLINE is on); dates are compared in Vietnam time at the level
of days unless MOTCUA_STATISTICS_COMPARE = "time".
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, Membership
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Field, Procedure
from motcua.core.errors import ValidationFailed
from motcua.deadlines.calendar import VN_TZ
from motcua.deadlines.constants import Judgement
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import PROVINCE_WIDE_ROLES

S = DossierStatus

GROUP_BY = ("agency", "field", "procedure")
MAX_PERIOD_DAYS = 366
COMPARE_MODES = ("date", "time")

# Every status lands in exactly one bucket (docs/architecture.md, "Statistics"). Those not
# listed here are not in the table at all: registered and supplement-before-acceptance dossiers
# have not been received yet.
IN_PROGRESS_STATUSES = frozenset({S.ACCEPTED, S.IN_PROCESSING, S.IN_TRANSFER})
PAUSE_COLUMNS: Mapping[str, str] = {
    S.SUPPLEMENT_REQUESTED: "awaiting_supplement",
    S.FINANCIAL_OBLIGATION: "awaiting_obligation",
    S.STOPPED: "stopped",
}
RESOLVED_STATUSES = frozenset({S.PROCESSED, S.RESULT_RETURNED})
NOT_RECEIVED_STATUSES = frozenset({S.REGISTERED, S.INTAKE_SUPPLEMENT_REQUESTED})

COUNT_FIELDS = (
    "carried_over",
    "received_online",
    "received_counter",
    "received_post",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_within",
    "in_progress_overdue",
    "awaiting_supplement",
    "awaiting_obligation",
    "stopped",
    "withdrawn",
    "refused",
)


@dataclass(frozen=True)
class StatRow:
    """One row of the table: what it is about (`kind`, `key` = the agency / field / procedure
    id, None for the total; `label`) and the counts (module doc)."""

    kind: str
    key: int | None
    label: str
    carried_over: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_post: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress_within: int = 0
    in_progress_overdue: int = 0
    awaiting_supplement: int = 0
    awaiting_obligation: int = 0
    stopped: int = 0
    withdrawn: int = 0
    refused: int = 0

    @property
    def received(self) -> int:
        return self.received_online + self.received_counter + self.received_post

    @property
    def to_handle(self) -> int:
        """Carried over plus received: everything the agency had on its hands in the period."""
        return self.carried_over + self.received

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def in_progress(self) -> int:
        return self.in_progress_within + self.in_progress_overdue

    @property
    def paused(self) -> int:
        return self.awaiting_supplement + self.awaiting_obligation + self.stopped

    @property
    def on_time_rate(self) -> float | None:
        resolved = self.resolved
        return (self.resolved_early + self.resolved_on_time) / resolved if resolved else None

    @property
    def online_rate(self) -> float | None:
        received = self.received
        return self.received_online / received if received else None

    @property
    def balanced(self) -> bool:
        return self.to_handle == self.resolved + self.withdrawn + self.in_progress + self.paused

    @property
    def is_empty(self) -> bool:
        return not any(self.counts().values())

    def counts(self) -> dict[str, int]:
        """The stored counts by name (COUNT_FIELDS order)."""
        return {name: getattr(self, name) for name in COUNT_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        """Counts, totals and rates, for JSON."""
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            **self.counts(),
            "received": self.received,
            "resolved": self.resolved,
            "in_progress": self.in_progress,
            "paused": self.paused,
            "on_time_rate": self.on_time_rate,
            "online_rate": self.online_rate,
        }


def _sum_rows(rows: Iterable[StatRow], *, kind: str, key: int | None, label: str) -> StatRow:
    totals = dict.fromkeys(COUNT_FIELDS, 0)
    for row in rows:
        for name in COUNT_FIELDS:
            totals[name] += getattr(row, name)
    return StatRow(kind=kind, key=key, label=label, **totals)


@dataclass(frozen=True)
class StatTable:
    """The table for one agency (None: all) and period: `rows` and the `total` row."""

    agency: Agency | None
    start: date
    end: date
    group_by: str
    roll_up: bool
    compare: str
    rows: tuple[StatRow, ...]
    total: StatRow


@dataclass(frozen=True)
class MonthStat:
    """The totals of one calendar month (`month` = its first day), clipped to the period
    (`start`..`end`)."""

    month: date
    start: date
    end: date
    row: StatRow


# --- validation and scope -------------------------------------------------------------------


def check_period(start: date | None, end: date | None) -> None:
    """A period of whole days, `start` <= `end`, at most MAX_PERIOD_DAYS days long."""
    errors = []
    if start is None or end is None:
        errors.append(_("Give both the first and the last day of the period."))
    elif end < start:
        errors.append(_("The last day of the period is before the first."))
    elif (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors.append(
            _("The period is longer than %(days)d days; choose a shorter one.")
            % {"days": MAX_PERIOD_DAYS}
        )
    if errors:
        raise ValidationFailed(_("The period is not valid."), errors=errors)


def statistics_agencies(*, user: Any) -> QuerySet[Agency]:
    """The agencies whose statistics `user` may read: every agency for province-wide roles,
    otherwise the agencies of their memberships and everything below them."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    memberships = Membership.objects.filter(user=user)
    if memberships.filter(role__in=PROVINCE_WIDE_ROLES).exists():
        return Agency.objects.all()
    ids: set[int] = set()
    for agency in Agency.objects.filter(pk__in=memberships.values("agency_id")):
        ids |= _subtree_ids(agency)
    return Agency.objects.filter(pk__in=ids)


def _subtree_ids(agency: Agency | None) -> set[int]:
    """The agency and every agency below it (None: every agency)."""
    parents = dict(Agency.objects.values_list("pk", "parent_id"))
    if agency is None:
        return set(parents)
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in parents.items():
        children[parent].append(pk)
    ids, frontier = {agency.pk}, [agency.pk]
    while frontier:
        frontier = [c for pk in frontier for c in children[pk] if c not in ids]
        ids.update(frontier)
    return ids


# --- the counting ---------------------------------------------------------------------------


def compare_mode() -> str:
    """MOTCUA_STATISTICS_COMPARE: "date" (default, as the 766 reports) or "time"."""
    mode = getattr(settings, "MOTCUA_STATISTICS_COMPARE", "date")
    if mode not in COMPARE_MODES:
        raise ValueError(f"MOTCUA_STATISTICS_COMPARE must be one of {COMPARE_MODES}")
    return str(mode)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as moments: from 00:00 of `start` to 00:00 after `end`, Vietnam time."""
    return (
        datetime.combine(start, time.min, tzinfo=VN_TZ),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ),
    )


# COALESCE(finished_at, closed_at, NEVER): when a received dossier left the table (result
# ready, else withdrawn; a returned dossier was finished first), NEVER while open. The same
# expression is indexed, with the columns below included (dossiers migration 0007), so that
# PostgreSQL reads the period's dossiers from the index alone.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
_DONE_AT = Coalesce("finished_at", "closed_at", Value(NEVER))


def _outcome(start: date, end: date, mode: str) -> Case:
    """Where a dossier of the table stands at the period end: the name of its outcome column
    (exactly one of resolved_*, withdrawn, a pause column, in_progress_*)."""
    _begin, stop = period_bounds(start, end)
    resolved = Q(finished_at__lt=stop)
    if mode == "date":
        # The judgement stored when it was finished is this comparison (deadlines.judge): the
        # appointment does not change after the result is ready.
        judged = [
            When(resolved & Q(judgement=Judgement.EARLY), then=Value("resolved_early")),
            When(resolved & Q(judgement=Judgement.LATE), then=Value("resolved_late")),
        ]
        # Within the deadline at the end: the appointment's date is the last day or later.
        within = Q(due_at__gte=datetime.combine(end, time.min, tzinfo=VN_TZ))
    else:
        judged = [
            When(resolved & Q(finished_at__gt=F("due_at")), then=Value("resolved_late")),
            When(resolved & Q(fin_day__lt=F("due_day")), then=Value("resolved_early")),
        ]
        within = Q(due_at__gte=stop)
    paused = [
        When(Q(status=status, paused_at__lt=stop), then=Value(column))
        for status, column in PAUSE_COLUMNS.items()
    ]
    return Case(
        *judged,
        When(resolved, then=Value("resolved_on_time")),  # also: no deadline
        When(Q(status=S.WITHDRAWN, closed_at__lt=stop), then=Value("withdrawn")),
        *paused,  # a pause begun after the end: running at the end
        When(Q(due_at__isnull=True) | within, then=Value("in_progress_within")),
        default=Value("in_progress_overdue"),
        output_field=CharField(),
    )


RECEIVED_COLUMNS = {
    Channel.ONLINE: "received_online",
    Channel.DIRECT: "received_counter",
    Channel.POST: "received_post",
}


def _relevant(agency_ids: set[int] | None, start: date, end: date) -> QuerySet[Dossier]:
    """The dossiers of the table: received (accepted) by these agencies (None: any) before the
    period end, and not resolved or withdrawn before its start."""
    begin, stop = period_bounds(start, end)
    dossiers = Dossier.objects.filter(accepted_at__isnull=False)
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
    return dossiers.alias(done_at=_DONE_AT).filter(done_at__gte=begin, accepted_at__lt=stop)


def _count(
    agency_ids: set[int] | None, start: date, end: date, key: str, mode: str
) -> dict[int, dict[str, int]]:
    """Counts by `key` ("receiving_agency_id" or "procedure_id"): one GROUP BY of the table's
    dossiers on (key, carried over or not, channel, outcome), folded into the columns here."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    begin, stop = period_bounds(start, end)
    dossiers = _relevant(agency_ids, start, end)
    if mode == "time":
        dossiers = dossiers.alias(
            fin_day=TruncDate("finished_at", tzinfo=VN_TZ),
            due_day=TruncDate("due_at", tzinfo=VN_TZ),
        )
    groups = (
        dossiers.annotate(
            carried=ExpressionWrapper(Q(accepted_at__lt=begin), output_field=BooleanField()),
            outcome=_outcome(start, end, mode),
        )
        .order_by()
        .values_list(key, "carried", "channel", "outcome")
        .annotate(n=Count("*"))
    )
    for group, carried, channel, outcome, n in groups:
        counts = out[group]
        counts["carried_over" if carried else RECEIVED_COLUMNS[channel]] += n
        counts[outcome] += n
    refused = Dossier.objects.filter(
        status=S.NOT_ACCEPTED, closed_at__gte=begin, closed_at__lt=stop
    )
    if agency_ids is not None:
        refused = refused.filter(receiving_agency_id__in=agency_ids)
    for group, n in refused.order_by().values_list(key).annotate(n=Count("*")):
        out[group]["refused"] = n
    return out


def _scope(agency: Agency | None) -> tuple[set[int], set[int] | None]:
    """The subtree's ids, and the filter to apply: None when it is every agency."""
    ids = _subtree_ids(agency)
    return ids, (None if agency is None or len(ids) == Agency.objects.count() else ids)


def statistics_table(
    *,
    agency: Agency | None,
    start: date,
    end: date,
    group_by: str = "agency",
    roll_up: bool = True,
) -> StatTable:
    """The table for the dossiers received by `agency` and every agency below it.

    group_by "agency": with `roll_up`, one row per child agency (its whole subtree) and, when
    the agency itself received dossiers or has no children, a row for its own desk; without
    `roll_up`, one row per agency of the subtree, own dossiers only. "field" / "procedure": one
    row per field / procedure with any count. Rows are sorted by label; `total` is their sum.
    Raises ValidationFailed for a bad period or group_by.
    """
    check_period(start, end)
    if group_by not in GROUP_BY:
        raise ValidationFailed(
            _("The table cannot be grouped that way."),
            errors=[_("Group by agency, field or procedure.")],
        )
    mode = compare_mode()
    ids, scope = _scope(agency)
    if group_by == "agency":
        rows = _rows_by_agency(
            agency,
            ids,
            _count(scope, start, end, "receiving_agency_id", mode),
            roll_up=roll_up,
            start=start,
        )
    else:
        rows = _rows_by_catalogue(_count(scope, start, end, "procedure_id", mode), group_by)
    total = _sum_rows(
        rows, kind="total", key=None, label=agency.name if agency else _("All agencies")
    )
    return StatTable(
        agency=agency,
        start=start,
        end=end,
        group_by=group_by,
        roll_up=roll_up,
        compare=mode,
        rows=tuple(rows),
        total=total,
    )


def _rows_by_agency(
    agency: Agency | None,
    ids: set[int],
    counts: Mapping[int, Mapping[str, int]],
    *,
    roll_up: bool,
    start: date,
) -> list[StatRow]:
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}

    def row(pk: int, label: str, members: Iterable[int]) -> StatRow:
        parts = [
            StatRow(kind="agency", key=pk, label=label, **counts[m]) for m in members if m in counts
        ]
        return _sum_rows(parts, kind="agency", key=pk, label=label)

    def in_use(a: Agency, r: StatRow) -> bool:
        # Agencies merged away before the period show only when they have something to count.
        return not r.is_empty or a.valid_to is None or a.valid_to >= start

    if not roll_up:
        rows = [row(pk, a.name, [pk]) for pk, a in agencies.items()]
        return sorted((r for r in rows if in_use(agencies[r.key], r)), key=_label_key)  # type: ignore[index]
    if agency is None:
        tops = [a for a in agencies.values() if a.parent_id is None]
        own: list[StatRow] = []
    else:
        tops = [a for a in agencies.values() if a.parent_id == agency.pk]
        own_row = row(agency.pk, agency.name, [agency.pk])
        own = [own_row] if not own_row.is_empty or not tops else []
        if own and tops:
            own = [replace(own_row, label=_("%(agency)s (own desk)") % {"agency": agency.name})]
    rows = [row(top.pk, top.name, _subtree_within(top.pk, agencies)) for top in tops]
    rows = [r for r, top in zip(rows, tops, strict=True) if in_use(top, r)]
    return own + sorted(rows, key=_label_key)


def _subtree_within(root: int, agencies: Mapping[int, Agency]) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, a in agencies.items():
        children[a.parent_id].append(pk)
    ids, frontier = {root}, [root]
    while frontier:
        frontier = [c for pk in frontier for c in children[pk] if c not in ids]
        ids.update(frontier)
    return ids


def _rows_by_catalogue(counts: Mapping[int, Mapping[str, int]], group_by: str) -> list[StatRow]:
    procedures = {
        p.pk: p for p in Procedure.objects.filter(pk__in=list(counts)).select_related("field")
    }
    if group_by == "procedure":
        rows = [
            StatRow(kind="procedure", key=pk, label=_procedure_label(procedures[pk]), **c)
            for pk, c in counts.items()
        ]
        return sorted(rows, key=_label_key)
    by_field: dict[int, list[StatRow]] = defaultdict(list)
    for pk, c in counts.items():
        by_field[procedures[pk].field_id].append(StatRow(kind="field", key=None, label="", **c))
    names = dict(Field.objects.filter(pk__in=list(by_field)).values_list("pk", "name"))
    rows = [
        _sum_rows(parts, kind="field", key=pk, label=names[pk]) for pk, parts in by_field.items()
    ]
    return sorted(rows, key=_label_key)


def _procedure_label(procedure: Procedure) -> str:
    code = procedure.national_code or procedure.local_code
    return f"{code} – {procedure.name}" if code else procedure.name


def _label_key(row: StatRow) -> tuple[str, str, int]:
    """Vietnamese alphabetical order, near enough: letters first without their marks (đ is
    d), then with them."""
    folded = unicodedata.normalize("NFD", row.label.casefold().replace("đ", "d"))
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return (bare, row.label.casefold(), row.key or 0)


def statistics_total(*, agency: Agency | None, start: date, end: date) -> StatRow:
    """Only the total row of `agency`'s subtree for the period."""
    check_period(start, end)
    _ids, scope = _scope(agency)
    counts = _count(scope, start, end, "receiving_agency_id", compare_mode())
    parts = [StatRow(kind="total", key=None, label="", **c) for c in counts.values()]
    label = agency.name if agency else _("All agencies")
    return _sum_rows(parts, kind="total", key=None, label=label)


def statistics_tables(
    *,
    agency: Agency | None,
    start: date,
    end: date,
    group_by: Iterable[str] = GROUP_BY,
    roll_up: bool = True,
) -> dict[str, StatTable]:
    """`statistics_table` for each grouping of `group_by` (same arguments, same tables), from
    one count: the dossiers are grouped once by (receiving agency, procedure), and the pairs
    summed here per agency and per procedure (then field), so several groupings of a period
    cost one pass over the index instead of one each. Raises ValidationFailed as
    statistics_table does."""
    check_period(start, end)
    wanted = tuple(group_by)
    if not wanted or any(g not in GROUP_BY for g in wanted):
        raise ValidationFailed(
            _("The table cannot be grouped that way."),
            errors=[_("Group by agency, field or procedure.")],
        )
    mode = compare_mode()
    ids, scope = _scope(agency)
    by_agency, by_procedure = _count_both(scope, start, end, mode)
    label = agency.name if agency else _("All agencies")
    tables = {}
    for grouping in wanted:
        if grouping == "agency":
            rows = _rows_by_agency(agency, ids, by_agency, roll_up=roll_up, start=start)
        else:
            rows = _rows_by_catalogue(by_procedure, grouping)
        tables[grouping] = StatTable(
            agency=agency,
            start=start,
            end=end,
            group_by=grouping,
            roll_up=roll_up,
            compare=mode,
            rows=tuple(rows),
            total=_sum_rows(rows, kind="total", key=None, label=label),
        )
    return tables


def _count_both(
    agency_ids: set[int] | None, start: date, end: date, mode: str
) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]:
    """`_count` by receiving agency and by procedure at once: the same GROUP BY on both keys,
    each group added to its agency and to its procedure."""
    by_agency: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    by_procedure: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    begin, stop = period_bounds(start, end)
    dossiers = _relevant(agency_ids, start, end)
    if mode == "time":
        dossiers = dossiers.alias(
            fin_day=TruncDate("finished_at", tzinfo=VN_TZ),
            due_day=TruncDate("due_at", tzinfo=VN_TZ),
        )
    groups = (
        dossiers.annotate(
            carried=ExpressionWrapper(Q(accepted_at__lt=begin), output_field=BooleanField()),
            outcome=_outcome(start, end, mode),
        )
        .order_by()
        .values_list("receiving_agency_id", "procedure_id", "carried", "channel", "outcome")
        .annotate(n=Count("*"))
    )
    for agency_id, procedure_id, carried, channel, outcome, n in groups:
        column = "carried_over" if carried else RECEIVED_COLUMNS[channel]
        for counts in (by_agency[agency_id], by_procedure[procedure_id]):
            counts[column] += n
            counts[outcome] += n
    refused = Dossier.objects.filter(
        status=S.NOT_ACCEPTED, closed_at__gte=begin, closed_at__lt=stop
    )
    if agency_ids is not None:
        refused = refused.filter(receiving_agency_id__in=agency_ids)
    pairs = refused.order_by().values_list("receiving_agency_id", "procedure_id")
    for agency_id, procedure_id, n in pairs.annotate(n=Count("*")):
        by_agency[agency_id]["refused"] += n
        by_procedure[procedure_id]["refused"] += n
    return by_agency, by_procedure


def monthly_series(*, agency: Agency | None, start: date, end: date) -> list[MonthStat]:
    """One total row per calendar month from `start` to `end` (each month clipped to them),
    for trends: each row is the month's `statistics_total`, so a month's carried over is the
    previous month's in progress plus paused. Two grouped queries for all the months when
    comparing dates (`_monthly_counts`), one table per month when comparing times."""
    check_period(start, end)
    months = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        months.append((month, max(month, start), min(following - timedelta(days=1), end)))
        month = following
    _ids, scope = _scope(agency)
    label = agency.name if agency else _("All agencies")
    if compare_mode() != "date":
        return [
            MonthStat(month=m, start=a, end=b, row=statistics_total(agency=agency, start=a, end=b))
            for m, a, b in months
        ]
    counts = _monthly_counts(scope, [(a, b) for _m, a, b in months])
    return [
        MonthStat(month=m, start=a, end=b, row=StatRow(kind="total", key=None, label=label, **c))
        for (m, a, b), c in zip(months, counts, strict=True)
    ]


class _Bucket(Func):
    """How many of `bounds` (moments, ascending) are at or before the value; `missing` when
    the value is NULL. One binary search (width_bucket) a row on PostgreSQL, a CASE elsewhere."""

    output_field = IntegerField()

    def __init__(self, expression: Any, bounds: list[datetime], missing: int) -> None:
        super().__init__(expression)
        self.bounds, self.missing = bounds, missing

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        value, params = compiler.compile(self.source_expressions[0])
        moments = [connection.ops.adapt_datetimefield_value(b) for b in self.bounds]
        whens = " ".join(f"WHEN {value} < %s THEN {i}" for i in range(len(moments)))
        sql = f"CASE WHEN {value} IS NULL THEN {self.missing} {whens} ELSE {len(moments)} END"
        return sql, (*params, *(p for m in moments for p in (*params, m)))

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        value, params = compiler.compile(self.source_expressions[0])
        sql = f"COALESCE(width_bucket({value}, %s::timestamptz[]), {self.missing})"
        return sql, (*params, list(self.bounds))


def _code(field: str, values: Iterable[str], default: int) -> Case:
    """The position of the field's value among `values`, `default` for any other."""
    whens = [When(**{field: value}, then=Value(i)) for i, value in enumerate(values)]
    return Case(*whens, default=Value(default), output_field=IntegerField())


# What `_monthly_counts` packs into one integer per dossier, with the number of values of each
# part (`width` is the number of month bounds + 2). One grouping key keeps the aggregation a
# hash of a few hundred groups; separate keys made PostgreSQL expect a group per row and sort.
_CHANNELS = tuple(RECEIVED_COLUMNS)
_LEAVING = (S.WITHDRAWN, *PAUSE_COLUMNS)  # then "none"
_PARTS = ("accepted", "done", "due", "left", "channel", "judged", "leaving")


def _monthly_counts(
    agency_ids: set[int] | None, periods: list[tuple[date, date]]
) -> list[dict[str, int]]:
    """The counts of each period (consecutive, date comparison), exactly as `_count` and
    `_outcome` define them, from a histogram of the dossiers of the whole window.

    Every rule of the table compares a dossier's moment with a period bound: accepted before
    the stop (received by then) or before the start (carried over); left (COALESCE(finished,
    closed)) at or after the start; finished, withdrawn or paused before the stop; appointment
    on or after the last day's start. So each moment is reduced to its bucket among the bounds
    (`_Bucket`): with `bounds` = [start of period 0, stop of period 0, stop of period 1, …] and
    b(t) the number of bounds <= t, period i's "t < stop" is b(t) <= i + 1 and "t >= start" is
    b(t) >= i + 1; the appointment is bucketed among the last days the same way. One GROUP BY
    over the index (the window's dossiers, as `_relevant` selects them for the whole window)
    counts the dossiers per combination of buckets, channel, judgement and status kind; each
    period's columns are then summed here. Refused dossiers: a second GROUP BY on their bucket.
    """
    bounds = [period_bounds(*periods[0])[0]] + [period_bounds(*p)[1] for p in periods]
    last_days = [datetime.combine(last, time.min, tzinfo=VN_TZ) for _first, last in periods]
    width = len(bounds) + 2
    never = width - 1  # NULL: never before any bound
    judged = Case(
        When(finished_at__isnull=True, then=Value(0)),
        When(judgement=Judgement.EARLY, then=Value(1)),
        When(judgement=Judgement.LATE, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    left_at = Case(  # when it was withdrawn or paused, for those statuses
        When(status=S.WITHDRAWN, then=_Bucket(F("closed_at"), bounds, never)),
        When(status__in=list(PAUSE_COLUMNS), then=_Bucket(F("paused_at"), bounds, never)),
        default=Value(never),
        output_field=IntegerField(),
    )
    parts: list[tuple[Any, int]] = [
        (_Bucket(F("accepted_at"), bounds, never), width),
        (_Bucket(F("done_at"), bounds, never), width),
        (_Bucket(F("due_at"), last_days, never), width),  # no appointment: always within
        (left_at, width),
        (_code("channel", _CHANNELS, len(_CHANNELS)), len(_CHANNELS) + 1),
        (judged, 4),
        (_code("status", _LEAVING, len(_LEAVING)), len(_LEAVING) + 1),
    ]
    key = parts[0][0]
    for expression, size in parts[1:]:
        key = key * Value(size) + expression
    sizes = [size for _expression, size in parts]
    groups = (
        _relevant(agency_ids, periods[0][0], periods[-1][1])
        .annotate(buckets=ExpressionWrapper(key, output_field=IntegerField()))
        .order_by()
        .values_list("buckets")
        .annotate(n=Count("*"))
    )
    out = [dict.fromkeys(COUNT_FIELDS, 0) for _period in periods]
    for packed, n in groups:
        values = []
        for size in reversed(sizes):
            packed, value = divmod(packed, size)
            values.append(value)
        part = dict(zip(_PARTS, reversed(values), strict=True))
        _add_to_periods(out, part, n)
    refused = Dossier.objects.filter(
        status=S.NOT_ACCEPTED, closed_at__gte=bounds[0], closed_at__lt=bounds[-1]
    )
    if agency_ids is not None:
        refused = refused.filter(receiving_agency_id__in=agency_ids)
    closed = _Bucket(F("closed_at"), bounds, never)
    for bucket, n in refused.annotate(b=closed).order_by().values_list("b").annotate(n=Count("*")):
        out[bucket - 1]["refused"] += n
    return out


def _add_to_periods(out: list[dict[str, int]], part: Mapping[str, int], n: int) -> None:
    """Add `n` dossiers with these buckets (`_monthly_counts`) to every period they are in."""
    judged = ("", "resolved_early", "resolved_late", "resolved_on_time")[part["judged"]]
    leaving = (*("withdrawn", *PAUSE_COLUMNS.values()), "")[part["leaving"]]
    # In period i when accepted before its stop and not left before its start.
    for i in range(max(part["accepted"] - 1, 0), min(part["done"], len(out))):
        counts = out[i]
        if part["accepted"] <= i:  # before its start
            counts["carried_over"] += n
        else:
            counts[RECEIVED_COLUMNS[_CHANNELS[part["channel"]]]] += n
        if judged and part["done"] <= i + 1:  # finished before the stop
            counts[judged] += n
        elif leaving and part["left"] <= i + 1:  # withdrawn or paused before the stop
            counts[leaving] += n
        elif part["due"] >= i + 1:  # appointment on or after the last day (or none)
            counts["in_progress_within"] += n
        else:
            counts["in_progress_overdue"] += n
