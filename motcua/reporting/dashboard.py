"""What the leaders' dashboard shows (back office, /can-bo/bang-dieu-khien/), for one agency
and everything below it:

- backlog by step: the dossiers received there and still open, by the step of the internal
  process they are at (or, without a step, by their status), with how many are overdue;
- overdue dossiers by agency: running dossiers past their appointment (`dossier_overdue_q`),
  by the agency holding them now — the one that has to act or apologise;
- the on-time rate of each of the last twelve months (statistics.monthly_series);
- the slowest procedures of the period: ranked by the share of their resolved dossiers that
  were resolved late (statistics table by procedure), then by the number late.

Who may see it (`dashboard_agencies`): leaders and department heads, for the agencies where
they hold that role and every agency below; supervisors, province-wide. Anyone else sees none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, Membership
from motcua.dossiers.constants import PAUSED_STATUSES, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_overdue_q

from .statistics import (
    MonthStat,
    StatRow,
    _subtree_ids,
    monthly_series,
    statistics_table,
)
from .transparency import trend_start

DASHBOARD_ROLES = frozenset({Role.LEADER, Role.DEPARTMENT_HEAD})
PROVINCE_WIDE_DASHBOARD_ROLES = frozenset({Role.SUPERVISOR})
TOP_SLOW = 10
S = DossierStatus
# Received and running (not paused): the statuses the backlog shows by step.
IN_PROGRESS_STATUSES = frozenset({S.ACCEPTED, S.IN_PROCESSING, S.IN_TRANSFER})
OPEN_STATUSES = IN_PROGRESS_STATUSES | PAUSED_STATUSES


def dashboard_agencies(*, user: Any) -> QuerySet[Agency]:
    """The agencies whose dashboard `user` may see (module doc), by name."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    memberships = Membership.objects.filter(user=user)
    if memberships.filter(role__in=PROVINCE_WIDE_DASHBOARD_ROLES).exists():
        return Agency.objects.order_by("name")
    ids: set[int] = set()
    for agency in Agency.objects.filter(
        pk__in=memberships.filter(role__in=DASHBOARD_ROLES).values("agency_id")
    ):
        ids |= _subtree_ids(agency)
    return Agency.objects.filter(pk__in=ids).order_by("name")


@dataclass(frozen=True)
class BacklogLine:
    label: str
    step_order: int  # steps in process order first, then statuses
    open: int
    overdue: int


@dataclass(frozen=True)
class AgencyCount:
    agency: str
    count: int


@dataclass(frozen=True)
class SlowProcedure:
    row: StatRow

    @property
    def late_rate(self) -> float | None:
        return self.row.resolved_late / self.row.resolved if self.row.resolved else None


@dataclass(frozen=True)
class Dashboard:
    agency: Agency
    start: date
    end: date
    now: datetime
    backlog: tuple[BacklogLine, ...]
    overdue: tuple[AgencyCount, ...]
    trend: tuple[MonthStat, ...]
    slow: tuple[SlowProcedure, ...]
    total: StatRow

    @property
    def open_total(self) -> int:
        return sum(line.open for line in self.backlog)

    @property
    def overdue_total(self) -> int:
        return sum(line.count for line in self.overdue)


def _open(agency: Agency) -> QuerySet[Dossier]:
    return Dossier.objects.order_by().filter(
        receiving_agency_id__in=_subtree_ids(agency), status__in=list(OPEN_STATUSES)
    )


def dashboard_backlog(*, agency: Agency, now: datetime) -> tuple[BacklogLine, ...]:
    overdue = dossier_overdue_q(now=now)
    rows = (
        _open(agency)
        .values("status", "current_step__name", "current_step__position")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue))
    )
    merged: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        name = row["current_step__name"]
        if name and row["status"] in IN_PROGRESS_STATUSES:
            key = (row["current_step__position"] or 0, name)
        else:  # no internal process, or paused: the status says where it is
            order = 10_000 + DossierStatus.values.index(row["status"])  # the status order
            key = (order, str(DossierStatus(row["status"]).label))
        merged[key][0] += row["open"]
        merged[key][1] += row["overdue"]
    return tuple(
        BacklogLine(label, order, counts[0], counts[1])
        for (order, label), counts in sorted(merged.items())
    )


def dashboard_overdue(*, agency: Agency, now: datetime) -> tuple[AgencyCount, ...]:
    rows = (
        Dossier.objects.order_by()
        # The running statuses as well: the same dossiers (paused ones have paused_at, finished
        # ones finished_at), but PostgreSQL can then use the partial index on their due time.
        .filter(
            dossier_overdue_q(now=now),
            status__in=list(IN_PROGRESS_STATUSES),
            receiving_agency_id__in=_subtree_ids(agency),
        )
        .values("current_agency__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "current_agency__name")
    )
    return tuple(AgencyCount(row["current_agency__name"], row["count"]) for row in rows)


def dashboard_slow(rows: tuple[StatRow, ...]) -> tuple[SlowProcedure, ...]:
    """The procedures with late dossiers, the highest late share first (at most TOP_SLOW)."""
    slow = [SlowProcedure(row) for row in rows if row.resolved_late]
    slow.sort(key=lambda s: (-(s.late_rate or 0), -s.row.resolved_late, s.row.label))
    return tuple(slow[:TOP_SLOW])


def dashboard_data(*, agency: Agency, start: date, end: date, today: date) -> Dashboard:
    """The dashboard of `agency` (and everything below it): backlog and overdue now, the trend
    of the twelve months up to `today`, the slowest procedures and the totals of the period."""
    now = timezone.now()
    by_procedure = statistics_table(agency=agency, start=start, end=end, group_by="procedure")
    return Dashboard(
        agency=agency,
        start=start,
        end=end,
        now=now,
        backlog=dashboard_backlog(agency=agency, now=now),
        overdue=dashboard_overdue(agency=agency, now=now),
        trend=tuple(monthly_series(agency=agency, start=trend_start(today), end=today)),
        slow=dashboard_slow(by_procedure.rows),
        total=by_procedure.total,
    )
