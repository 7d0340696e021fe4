"""The monthly series of the statistics table (statistics.monthly_series) at the date level,
from one histogram of the window's dossiers instead of one table per month
(docs/performance.md, "Statistics").

The histogram counts the dossiers as they stand now (withdrawn or not, the current due time);
the few whose history makes them stand differently at a month end (a pause not ended by it, an
apology that moved the due time after it: `statistics_history.history`) are then moved from
the column the histogram gave them to the one their history gives, month by month
(`_corrections`), so that every month equals its own `statistics_total`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from django.db.models import Case, Count, ExpressionWrapper, F, Func, IntegerField, Value, When

from motcua.deadlines.calendar import VN_TZ
from motcua.deadlines.constants import Judgement
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier

from .statistics_history import (
    COUNT_FIELDS,
    RECEIVED_COLUMNS,
    Open,
    acceptance_overdue,
    apology_moves,
    classify,
    history,
    period_bounds,
    relevant,
    within_bound,
)

S = DossierStatus


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


# What `monthly_counts` packs into one integer per dossier, with the number of values of each
# part (`width` is the number of month bounds + 2). One grouping key keeps the aggregation a
# hash of a few hundred groups; separate keys made PostgreSQL expect a group per row and sort.
_CHANNELS = tuple(RECEIVED_COLUMNS)
_PARTS = ("accepted", "done", "due", "withdrawn", "channel", "judged")


def monthly_counts(
    agency_ids: set[int] | None, periods: list[tuple[date, date]]
) -> list[dict[str, int]]:
    """The counts of each period (consecutive, date level), exactly as `statistics._count`
    and `statistics_history.outcome` define them.

    Every rule of the table for a dossier without history to consult compares one of its
    moments with a period bound: accepted before the stop (received by then) or before the
    start (carried over); left (COALESCE(finished, closed)) at or after the start; finished or
    withdrawn before the stop; due time on or after the last day's start. So each moment is
    reduced to its bucket among the bounds (`_Bucket`): with `bounds` = [start of period 0,
    stop of period 0, stop of period 1, …] and b(t) the number of bounds <= t, period i's
    "t < stop" is b(t) <= i + 1 and "t >= start" is b(t) >= i + 1; the due time is bucketed
    among the last days the same way. One GROUP BY over the index (the window's dossiers, as
    `relevant` selects them for the whole window) counts the dossiers per combination of
    buckets, channel, judgement and withdrawn or not; each period's columns are then summed
    here, and corrected for the dossiers whose history matters (module doc). Refused
    dossiers: a second GROUP BY on their bucket; online dossiers waiting past their
    acceptance deadline: `acceptance_overdue` at every stop.
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
    withdrawn_at = Case(
        When(status=S.WITHDRAWN, then=_Bucket(F("closed_at"), bounds, never)),
        default=Value(never),
        output_field=IntegerField(),
    )
    parts: list[tuple[Any, int]] = [
        (_Bucket(F("accepted_at"), bounds, never), width),
        (_Bucket(F("done_at"), bounds, never), width),
        (_Bucket(F("due_at"), last_days, never), width),  # no due time: always within
        (withdrawn_at, width),
        (_code("channel", _CHANNELS, len(_CHANNELS)), len(_CHANNELS) + 1),
        (judged, 4),
    ]
    key = parts[0][0]
    for expression, size in parts[1:]:
        key = key * Value(size) + expression
    sizes = [size for _expression, size in parts]
    groups = (
        relevant(agency_ids, periods[0][0], periods[-1][1])
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
    _corrections(out, agency_ids, periods, bounds)
    waiting = acceptance_overdue(agency_ids, bounds[1:], ())
    for counts, late in zip(out, waiting, strict=True):
        counts["acceptance_overdue"] = sum(late.values())
    return out


def _add_to_periods(out: list[dict[str, int]], part: Mapping[str, int], n: int) -> None:
    """Add `n` dossiers with these buckets (`monthly_counts`) to every period they are in."""
    judged = ("", "resolved_early", "resolved_late", "resolved_on_time")[part["judged"]]
    # In period i when accepted before its stop and not left before its start.
    for i in range(max(part["accepted"] - 1, 0), min(part["done"], len(out))):
        counts = out[i]
        if part["accepted"] <= i:  # before its start
            counts["carried_over"] += n
        else:
            counts[RECEIVED_COLUMNS[_CHANNELS[part["channel"]]]] += n
        if judged and part["done"] <= i + 1:  # finished before the stop
            counts[judged] += n
        elif part["withdrawn"] <= i + 1:  # withdrawn before the stop
            counts["withdrawn"] += n
        elif part["due"] >= i + 1:  # due on or after the last day (or no due time)
            counts["in_progress_within"] += n
        else:
            counts["in_progress_overdue"] += n


def _corrections(
    out: list[dict[str, int]],
    agency_ids: set[int] | None,
    periods: list[tuple[date, date]],
    bounds: list[datetime],
) -> None:
    """Move the dossiers whose history matters (module doc) from the outcome the histogram
    gave them at each stop to the one `classify` gives with their history."""
    moves = apology_moves()
    stops = bounds[1:]
    within = [within_bound(last, "date") for _first, last in periods]
    pauses, moved = history(agency_ids, stops, within, moves)
    if not pauses and not moved:
        return
    rows = (
        relevant(agency_ids, periods[0][0], periods[-1][1])
        .filter(pk__in=[*pauses, *moved])
        .values_list(
            "pk", "accepted_at", "finished_at", "closed_at", "status", "judgement", "due_at"
        )
    )
    for pk, accepted_at, finished_at, closed_at, status, judgement, due_at in rows:
        assert accepted_at is not None  # relevant(): received
        d = Open(finished_at, closed_at, status, judgement, due_at)
        own, apologies = pauses.get(pk, []), moved.get(pk, [])
        # The history says nothing new at a stop after every pause ended and apology issued.
        horizon = max([p.ended_at or bounds[-1] for p in own] + [m.issued_at for m in apologies])
        first = bisect_right(stops, accepted_at)  # the first stop after the acceptance
        last = min(bisect_right(stops, horizon), len(stops) - 1)
        for i in range(first, last + 1):
            was = classify(d, stops[i], within[i])
            now = classify(d, stops[i], within[i], own, apologies)
            if was != now:
                out[i][was] -= 1
                out[i][now] += 1
