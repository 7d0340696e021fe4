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
    acceptance_overdue    submitted online and waiting for the reception officer at the period
                          end past the acceptance deadline (MOTCUA_ONLINE_ACCEPTANCE_HOURS
                          working hours); outside the balance too, not yet received

Balance, for every row: carried_over + received == resolved + withdrawn + in_progress + paused
(`StatRow.balanced`). Rates: `on_time_rate` = (early + on time) / resolved, `online_rate` =
online / received, floats in [0, 1] or None when the denominator is 0.

The definitions (which agency, which timestamps, date-level comparison, the bucket of every
status) are in docs/architecture.md, "Statistics"; in short: a dossier counts for its receiving
agency, from its acceptance (`accepted_at`, the start of the legal clock) to its result
(`finished_at`) or withdrawal (`closed_at`), as it stood at the period end: paused or not from
the pause history, within or past the legal due time as it stood then
(reporting.statistics_history), so that a past period's table does not change with later acts;
dates are compared in Vietnam time at the level of days unless MOTCUA_JUDGEMENT_LEVEL = "time"
(the register's and the slips' setting too). The monthly series at the date level is one
histogram (reporting.statistics_buckets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, Membership
from motcua.core.errors import ValidationFailed
from motcua.deadlines.calendar import VN_TZ
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import PROVINCE_WIDE_ROLES

from .statistics_buckets import monthly_counts
from .statistics_history import (
    COUNT_FIELDS,
    LEVELS,
    PAUSE_COLUMNS,
    RECEIVED_COLUMNS,
    acceptance_overdue,
    apology_moves,
    judgement_level,
    outcome,
    period_bounds,
    relevant,
)
from .statistics_rows import (
    MonthStat,
    StatRow,
    StatTable,
    _rows_by_agency,
    _rows_by_catalogue,
    _sum_rows,
)

__all__ = [
    "COUNT_FIELDS",
    "GROUP_BY",
    "LEVELS",
    "MAX_PERIOD_DAYS",
    "PAUSE_COLUMNS",
    "MonthStat",
    "StatRow",
    "StatTable",
    "check_period",
    "judgement_level",
    "monthly_series",
    "period_bounds",
    "statistics_agencies",
    "statistics_table",
    "statistics_tables",
    "statistics_total",
]

S = DossierStatus

GROUP_BY = ("agency", "field", "procedure")
MAX_PERIOD_DAYS = 366


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


Counts = dict[int, dict[str, int]]


def _counts() -> Counts:
    return defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))


def _count_by(
    agency_ids: set[int] | None, start: date, end: date, keys: tuple[str, ...], level: str
) -> tuple[Counts, ...]:
    """Counts by each of `keys` ("receiving_agency_id", "procedure_id"): one GROUP BY of the
    table's dossiers on (keys, carried over or not, channel, outcome), each group added to
    the row of each of its keys; then the refused ones and the online ones waiting past their
    acceptance deadline, by the same keys."""
    out = tuple(_counts() for _key in keys)
    begin, stop = period_bounds(start, end)
    dossiers = relevant(agency_ids, start, end)
    if level == "time":
        dossiers = dossiers.alias(
            fin_day=TruncDate("finished_at", tzinfo=VN_TZ),
            due_day=TruncDate("due_at", tzinfo=VN_TZ),
        )
    groups = (
        dossiers.annotate(
            carried=ExpressionWrapper(Q(accepted_at__lt=begin), output_field=BooleanField()),
            outcome=outcome(start, end, level, apology_moves()),
        )
        .order_by()
        .values_list(*keys, "carried", "channel", "outcome")
        .annotate(n=Count("*"))
    )
    width = len(keys)
    for group in groups:
        carried, channel, column, n = group[width:]
        for counts, value in zip(out, group[:width], strict=True):
            counts[value]["carried_over" if carried else RECEIVED_COLUMNS[channel]] += n
            counts[value][column] += n
    refused = Dossier.objects.filter(
        status=S.NOT_ACCEPTED, closed_at__gte=begin, closed_at__lt=stop
    )
    if agency_ids is not None:
        refused = refused.filter(receiving_agency_id__in=agency_ids)
    for group in refused.order_by().values_list(*keys).annotate(n=Count("*")):
        for counts, value in zip(out, group[:width], strict=True):
            counts[value]["refused"] += group[width]
    (waiting,) = acceptance_overdue(agency_ids, [stop], keys)
    for values, n in waiting.items():
        for counts, value in zip(out, values, strict=True):
            counts[value]["acceptance_overdue"] += n
    return out


def _count(agency_ids: set[int] | None, start: date, end: date, key: str, level: str) -> Counts:
    return _count_by(agency_ids, start, end, (key,), level)[0]


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
    level = judgement_level()
    ids, scope = _scope(agency)
    if group_by == "agency":
        rows = _rows_by_agency(
            agency,
            ids,
            _count(scope, start, end, "receiving_agency_id", level),
            roll_up=roll_up,
            start=start,
        )
    else:
        rows = _rows_by_catalogue(_count(scope, start, end, "procedure_id", level), group_by)
    total = _sum_rows(
        rows, kind="total", key=None, label=agency.name if agency else _("All agencies")
    )
    return StatTable(
        agency=agency,
        start=start,
        end=end,
        group_by=group_by,
        roll_up=roll_up,
        compare=level,
        rows=tuple(rows),
        total=total,
    )


def statistics_total(*, agency: Agency | None, start: date, end: date) -> StatRow:
    """Only the total row of `agency`'s subtree for the period."""
    check_period(start, end)
    _ids, scope = _scope(agency)
    counts = _count(scope, start, end, "receiving_agency_id", judgement_level())
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
    level = judgement_level()
    ids, scope = _scope(agency)
    by_agency, by_procedure = _count_by(
        scope, start, end, ("receiving_agency_id", "procedure_id"), level
    )
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
            compare=level,
            rows=tuple(rows),
            total=_sum_rows(rows, kind="total", key=None, label=label),
        )
    return tables


def monthly_series(*, agency: Agency | None, start: date, end: date) -> list[MonthStat]:
    """One total row per calendar month from `start` to `end` (each month clipped to them),
    for trends: each row is the month's `statistics_total`, so a month's carried over is the
    previous month's in progress plus paused. Two grouped queries for all the months when
    judging at the date level (statistics_buckets), one table per month at the time level."""
    check_period(start, end)
    months = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        months.append((month, max(month, start), min(following - timedelta(days=1), end)))
        month = following
    _ids, scope = _scope(agency)
    label = agency.name if agency else _("All agencies")
    if judgement_level() != "date":
        return [
            MonthStat(month=m, start=a, end=b, row=statistics_total(agency=agency, start=a, end=b))
            for m, a, b in months
        ]
    counts = monthly_counts(scope, [(a, b) for _m, a, b in months])
    return [
        MonthStat(month=m, start=a, end=b, row=StatRow(kind="total", key=None, label=label, **c))
        for (m, a, b), c in zip(months, counts, strict=True)
    ]
