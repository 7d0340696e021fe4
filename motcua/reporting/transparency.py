"""What the public transparency page shows (portal, /minh-bach/): aggregate numbers only, for
this month, quarter or year — never a dossier, an applicant or an official.

- the statistics table's rows (reporting.statistics) per agency (the children of the single
  root agency, else one row per root) and per field: received, resolved, on-time rate;
- satisfaction: of the ratings given in the period (dossiers.Rating, by `rated_at`), the share
  "very satisfied" or "satisfied", per agency row and per field;
- the on-time rate of each month of the last twelve (statistics.monthly_series);
- apologies (Mẫu 04): per responsible agency, how many dossiers it apologised for in the period.

Both tables and the total come from one count of the period's dossiers by (receiving agency,
procedure) (statistics.statistics_tables), and the ratings from one query by the same pair,
folded here into the agency rows (through the agency tree) and the field rows.

`transparency_data(kind=…)` answers from Django's cache for
`settings.MOTCUA_TRANSPARENCY_CACHE_SECONDS` (default 300 s): the numbers move slowly, the page
is public and every visitor asks for the same three periods, so at most one visitor per
period, language and five minutes pays for the counting.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from motcua.accounts.models import Agency
from motcua.catalogue.models import Procedure
from motcua.deadlines.calendar import local
from motcua.dossiers.models import Apology, Rating
from motcua.dossiers.satisfaction import Satisfaction

from .statistics import MonthStat, StatRow, monthly_series, period_bounds, statistics_tables

PERIOD_KINDS = ("month", "quarter", "year")
TREND_MONTHS = 12
DEFAULT_CACHE_SECONDS = 300
SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)


def period_of(kind: str, today: date) -> tuple[date, date]:
    """This month, quarter or year, from its first day up to `today`."""
    if kind == "month":
        return today.replace(day=1), today
    if kind == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if kind == "year":
        return today.replace(month=1, day=1), today
    raise ValueError(f"unknown period {kind!r}")


def trend_start(today: date) -> date:
    """The first day of the month eleven months before `today`'s: twelve months in all."""
    year, month = divmod(today.year * 12 + today.month - 1 - (TREND_MONTHS - 1), 12)
    return date(year, month + 1, 1)


@dataclass(frozen=True)
class Line:
    """A statistics row with the satisfaction of the ratings given in the period."""

    row: StatRow
    rated: int = 0
    satisfied: int = 0

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


@dataclass(frozen=True)
class ApologyCount:
    agency: str
    dossiers: int


@dataclass(frozen=True)
class Transparency:
    kind: str
    start: date
    end: date
    total: Line
    agencies: tuple[Line, ...]
    fields: tuple[Line, ...]
    trend: tuple[MonthStat, ...]
    apologies: tuple[ApologyCount, ...]


def _scope() -> Agency | None:
    """The one root agency (the province), whose children make the rows; None when there are
    several roots (each makes a row)."""
    roots = list(Agency.objects.filter(parent__isnull=True)[:2])
    return roots[0] if len(roots) == 1 else None


def _row_of(rows: tuple[StatRow, ...]) -> dict[int, int]:
    """Agency id → the key of the agency row that holds it: the agency itself or its nearest
    ancestor among the rows (a child of the scope comes before the scope's own desk)."""
    parents = dict(Agency.objects.values_list("pk", "parent_id"))
    keys = {row.key for row in rows if row.key is not None}
    owner: dict[int, int] = {}
    for pk in parents:
        node: int | None = pk
        while node is not None and node not in keys:
            node = parents.get(node)
        if node is not None:
            owner[pk] = node
    return owner


def _ratings(start: date, end: date) -> dict[tuple[int, int], tuple[int, int]]:
    """(rated, satisfied) of the ratings given in the period, by the dossier's (receiving
    agency, procedure), which the rating keeps: one query on its index for the agency and the
    field rows."""
    begin, stop = period_bounds(start, end)
    rows = (
        Rating.objects.filter(rated_at__gte=begin, rated_at__lt=stop)
        .order_by()
        .values_list("receiving_agency_id", "procedure_id")
        .annotate(rated=Count("pk"), satisfied=Count("pk", filter=Q(overall__in=SATISFIED)))
    )
    return {(agency, procedure): (rated, satisfied) for agency, procedure, rated, satisfied in rows}


def _lines(rows: tuple[StatRow, ...], ratings: dict[int, list[int]]) -> tuple[Line, ...]:
    return tuple(Line(row, *ratings.get(row.key, (0, 0))) for row in rows)  # type: ignore[arg-type]


def _compute(kind: str, today: date) -> Transparency:
    start, end = period_of(kind, today)
    scope = _scope()
    # One pass over the period's dossiers for both tables (and the total).
    tables = statistics_tables(agency=scope, start=start, end=end, group_by=("agency", "field"))
    by_agency, by_field = tables["agency"], tables["field"]

    owner = _row_of(by_agency.rows)
    ratings = _ratings(start, end)
    field_of = dict(
        Procedure.objects.filter(pk__in={p for _a, p in ratings}).values_list("pk", "field_id")
    )
    agency_ratings: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    field_ratings: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (agency, procedure), (rated, satisfied) in ratings.items():
        if agency in owner:
            agency_ratings[owner[agency]][0] += rated
            agency_ratings[owner[agency]][1] += satisfied
        field_ratings[field_of[procedure]][0] += rated
        field_ratings[field_of[procedure]][1] += satisfied
    rated = sum(r for r, _ in agency_ratings.values())
    satisfied = sum(s for _, s in agency_ratings.values())

    begin, stop = period_bounds(start, end)
    apologies = (
        Apology.objects.filter(issued_at__gte=begin, issued_at__lt=stop)
        .order_by()
        .values("agency__name")
        .annotate(dossiers=Count("dossier", distinct=True))
        .order_by("-dossiers", "agency__name")
    )
    trend = monthly_series(agency=scope, start=trend_start(today), end=today)
    return Transparency(
        kind=kind,
        start=start,
        end=end,
        total=Line(by_agency.total, rated, satisfied),
        agencies=_lines(by_agency.rows, agency_ratings),
        fields=_lines(by_field.rows, field_ratings),
        trend=tuple(trend),
        apologies=tuple(ApologyCount(a["agency__name"], a["dossiers"]) for a in apologies),
    )


def cache_seconds() -> int:
    return int(getattr(settings, "MOTCUA_TRANSPARENCY_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def transparency_data(*, kind: str, today: date | None = None) -> Transparency:
    """The page's numbers for this `kind` of period ("month", "quarter", "year") up to today
    (Vietnam time), from the cache when another visitor asked within cache_seconds()."""
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period {kind!r}")
    today = today or local(timezone.now()).date()
    seconds = cache_seconds()
    if seconds <= 0:
        return _compute(kind, today)
    key = f"motcua:transparency:{kind}:{today.isoformat()}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = _compute(kind, today)
        cache.set(key, data, seconds)
    return data
