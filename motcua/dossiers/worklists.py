"""The officials' worklists (reads only): what waits for me, everything my agency sees, what is
due today or soon, what is late and what is paused; the counts of every list in one query.

Every list narrows `selectors.dossier_list_visible(user=)`, so a worklist never shows more than
the visibility rule allows.

- **mine** — the dossiers whose current step's role the user holds in the step's agency (the
  services keep `current_agency` equal to the current step's agency), while the step can be
  acted on (accepted, in processing, with the other agency), except a step assigned to another
  official (`dossiers.assignment`: it is theirs); plus, for reception officers,
  online and postal dossiers waiting for acceptance, accepted dossiers without an internal
  process waiting to be handed over and processed dossiers waiting for the result to be
  returned; plus, for specialists, department heads and
  leaders, dossiers in processing without an internal process at their agency.
- **agency** — every visible dossier.
- **due_today** — the clock runs (accepted, in processing or with the other agency: neither
  processed, closed nor paused) and the appointment falls today (Vietnam time), whether or not
  its hour has passed: a dossier processed today is still on time (judged by date).
- **due_soon** — the clock runs and the appointment falls on one of the next
  `DUE_SOON_WORKING_DAYS` working days after today.
- **overdue** — the clock runs and the appointment has passed (`selectors.dossier_overdue_q`).
- **paused** — supplement, financial obligation or stop (the clock is paused).

Indexes: the running lists filter `status IN (…)` with a range on `due_at`, which the
`(status, due_at)` and `(current_agency, status, due_at)` indexes serve; "mine" filters on
`(current_agency, status)` pairs; the agency list is read newest first through
`(submitted_at)` (migration 0003).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import Membership, User
from motcua.catalogue.models import Procedure
from motcua.core.text import fold, nfc
from motcua.deadlines.calendar import VN_TZ, WorkingCalendar, local
from motcua.workflow import engine

from .constants import PAUSED_STATUSES, Act, DossierStatus
from .models import Dossier, StepRecord
from .selectors import dossier_filter, dossier_list_visible, dossier_overdue_q
from .states import PROCESSORS, RECEPTION, allowed_acts

S = DossierStatus

DUE_SOON_WORKING_DAYS = 2  # settings.MOTCUA_DUE_SOON_WORKING_DAYS overrides it

MINE = "mine"
AGENCY = "agency"
DUE_TODAY = "due_today"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
PAUSED = "paused"
WORKLISTS = (MINE, AGENCY, DUE_TODAY, DUE_SOON, OVERDUE, PAUSED)

# The legal clock runs: accepted and neither processed, closed nor paused.
RUNNING_STATUSES = (S.ACCEPTED, S.IN_PROCESSING, S.IN_TRANSFER)

CODE_CHARS = frozenset("0123456789.-ABCDEFGHIJKLMNOPQRSTUVWXYZ")
FULL_CODE_RE = re.compile(r"^[0-9A-Za-z.]+-\d{6}-\d{4}$")  # <agency>-<YYMMDD>-<NNNN>


@dataclass(frozen=True)
class Criteria:
    """What an official narrows the lists by; empty values do not filter."""

    query: str = ""  # dossier code (or part of it), applicant's name or ID number
    procedure: str = ""  # national code, or words of the procedure's name
    field: str = ""  # field key (slug)
    status: str = ""
    channel: str = ""
    received_from: date | None = None
    received_to: date | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class Window:
    """The moments the lists are cut at, in Vietnam time."""

    now: datetime
    today: date
    today_start: datetime
    tomorrow_start: datetime
    soon_end: datetime  # the start of the day after the last "due soon" working day


def due_soon_working_days() -> int:
    return int(getattr(settings, "MOTCUA_DUE_SOON_WORKING_DAYS", DUE_SOON_WORKING_DAYS))


def worklist_window(*, calendar: WorkingCalendar, now: datetime | None = None) -> Window:
    now = now or timezone.now()
    today = local(now).date()
    last = today
    for _ in range(due_soon_working_days()):
        last = calendar.next_working_day(last)
    return Window(
        now=now,
        today=today,
        today_start=_start_of(today),
        tomorrow_start=_start_of(today + timedelta(days=1)),
        soon_end=_start_of(last + timedelta(days=1)),
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def memberships_of(user: Any) -> list[tuple[int, str]]:
    """(agency id, role) of every role `user` holds."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).values_list("agency_id", "role"))


def assigned_to_other_q(user_id: int) -> Q:
    """The dossier's current step is assigned to an official other than `user_id`."""
    return Q(
        Exists(
            StepRecord.objects.filter(
                dossier_id=OuterRef("pk"), ended_at__isnull=True, assignee__isnull=False
            ).exclude(assignee_id=user_id)
        )
    )


def my_tasks_q(memberships: Iterable[tuple[int, str]], *, user_id: int | None = None) -> Q:
    """The dossiers waiting for the holder of these memberships (see the module doc); with
    `user_id`, without the steps assigned to someone else."""
    roles_at: dict[int, set[str]] = {}
    for agency_id, role in memberships:
        roles_at.setdefault(agency_id, set()).add(role)
    condition = Q(pk__in=[])  # nothing, for a user without roles
    for agency_id, roles in sorted(roles_at.items()):
        condition |= Q(
            current_agency_id=agency_id,
            status__in=RUNNING_STATUSES,
            current_step__role__in=sorted(roles),
        )
        if roles & RECEPTION:
            condition |= Q(receiving_agency_id=agency_id, status=S.REGISTERED)
            condition |= Q(
                receiving_agency_id=agency_id, status=S.ACCEPTED, current_step__isnull=True
            )
            condition |= Q(receiving_agency_id=agency_id, status=S.PROCESSED)
        if roles & PROCESSORS:
            condition |= Q(
                current_agency_id=agency_id, status=S.IN_PROCESSING, current_step__isnull=True
            )
    if user_id is not None:
        condition &= ~assigned_to_other_q(user_id)
    return condition


def _running(**due: Any) -> Q:
    return Q(status__in=RUNNING_STATUSES, due_at__isnull=False, **due)


def worklist_conditions(
    *, memberships: Sequence[tuple[int, str]], window: Window, user_id: int | None = None
) -> dict[str, Q]:
    """Each list's condition over the visible dossiers."""
    return {
        MINE: my_tasks_q(memberships, user_id=user_id),
        AGENCY: Q(),
        DUE_TODAY: _running(due_at__gte=window.today_start, due_at__lt=window.tomorrow_start),
        DUE_SOON: _running(due_at__gte=window.tomorrow_start, due_at__lt=window.soon_end),
        OVERDUE: _running() & dossier_overdue_q(now=window.now),
        PAUSED: Q(status__in=PAUSED_STATUSES),
    }


ORDERINGS: dict[str, tuple[Any, ...]] = {
    MINE: (F("due_at").asc(nulls_last=True), "submitted_at", "id"),
    AGENCY: ("-submitted_at", "-id"),
    DUE_TODAY: ("due_at", "id"),
    DUE_SOON: ("due_at", "id"),
    OVERDUE: ("due_at", "id"),
    PAUSED: ("paused_at", "id"),
}


def worklist_filter(dossiers: QuerySet[Dossier], criteria: Criteria) -> QuerySet[Dossier]:
    """Narrow `dossiers` by the official's criteria (see `Criteria`)."""
    dossiers = dossier_filter(
        dossiers,
        status=criteria.status,
        channel=criteria.channel,
        received_from=criteria.received_from,
        received_to=criteria.received_to,
    )
    if criteria.field:
        dossiers = dossiers.filter(procedure__field__slug=criteria.field)
    procedure = criteria.procedure.strip()
    if procedure:
        folded = fold(procedure)
        # Procedures are few: find them first, then the dossiers by procedure id.
        matching = Procedure.objects.filter(
            Q(national_code=procedure)
            | Q(search_text__contains=folded)
            | Q(name__icontains=nfc(procedure))
        ).values("pk")
        dossiers = dossiers.filter(procedure_id__in=matching)
    query = nfc(criteria.query.strip())
    if query:
        dossiers = dossiers.filter(_query_q(query))
    return dossiers


def _query_q(query: str) -> Q:
    if FULL_CODE_RE.match(query):
        return Q(code=query.upper())  # the unique index
    if query.isdigit():
        # An ID number (12 digits), a tax code, or the tail of a dossier code.
        return Q(applicant_id_number=query) | Q(code__endswith=query)
    if set(query.upper()) <= CODE_CHARS and "-" in query:
        return Q(code__icontains=query)  # a part of a code, e.g. "250921-0001"
    return Q(applicant_name__icontains=query) | Q(representative_name__icontains=query)


class Worklists:
    """The lists of one official at one moment, with the criteria applied to all of them.

    `counts()` is one aggregate query over the visible dossiers; `dossiers(name)` is the list,
    ordered for the task (the most urgent first) and with what the rows show loaded.
    """

    def __init__(
        self,
        *,
        user: Any,
        calendar: WorkingCalendar,
        criteria: Criteria | None = None,
        now: datetime | None = None,
    ) -> None:
        self.user = user
        self.calendar = calendar
        self.criteria = criteria or Criteria()
        self.window = worklist_window(calendar=calendar, now=now)
        self.memberships = memberships_of(user)
        self.visible = worklist_filter(dossier_list_visible(user=user), self.criteria)
        self.conditions = worklist_conditions(
            memberships=self.memberships,
            window=self.window,
            user_id=user.pk if getattr(user, "is_authenticated", False) else None,
        )

    def counts(self) -> dict[str, int]:
        """How many dossiers each list holds, in one query."""
        aggregates = {
            name: Count("pk", filter=condition) if condition else Count("pk")
            for name, condition in self.conditions.items()
        }
        return self.visible.order_by().aggregate(**aggregates)

    def dossiers(self, name: str) -> QuerySet[Dossier]:
        condition = self.conditions[name]
        dossiers = self.visible.filter(condition) if condition else self.visible
        return dossiers.select_related(
            "procedure", "current_agency", "current_step", "process"
        ).order_by(*ORDERINGS[name])

    def assignees(self, dossiers: Iterable[Dossier]) -> dict[int, User]:
        """The official each dossier's current step is assigned to (dossier id → user), for
        the rows of one page: one query on the open step records (none without steps)."""
        dossiers = [dossier for dossier in dossiers if dossier.current_step_id is not None]
        if not dossiers:
            return {}
        return {
            record.dossier_id: record.assignee
            for record in StepRecord.objects.filter(
                dossier_id__in=[dossier.pk for dossier in dossiers],
                ended_at__isnull=True,
                assignee__isnull=False,
            ).select_related("assignee")
            if record.assignee is not None
        }

    def is_overdue(self, dossier: Dossier) -> bool:
        return bool(
            dossier.status in RUNNING_STATUSES
            and dossier.due_at is not None
            and dossier.due_at < self.window.now
        )

    def working_days_left(self, dossier: Dossier) -> int | None:
        """Working days from today to the appointment's day; negative when it has passed,
        None when the clock does not run (not accepted yet, paused, processed or closed)."""
        if dossier.status not in RUNNING_STATUSES or dossier.due_at is None:
            return None
        return working_days_between(self.calendar, self.window.today, local(dossier.due_at).date())

    def forwardable(self, dossiers: Iterable[Dossier]) -> set[int]:
        """Ids of the dossiers the user may forward as they stand, without choosing the next
        step (the bulk forward). Mirrors `selectors.dossier_allowed_acts` over the memberships
        already loaded; the service still checks everything. The dossiers come from
        `dossiers()` with `process__steps` and `process__moves` prefetched."""
        held = set(self.memberships)
        result = set()
        for dossier in dossiers:
            roles = {
                role
                for agency_id, role in held
                if agency_id in (dossier.receiving_agency_id, dossier.current_agency_id)
            }
            if Act.FORWARD not in allowed_acts(DossierStatus(dossier.status), roles=roles):
                continue
            step, process = dossier.current_step, dossier.process
            if step is None or process is None:
                result.add(dossier.pk)
                continue
            step_agency_id = step.agency_id or process.agency_id
            onward = engine.forward_targets(process, step)
            if (
                (step_agency_id, step.role) in held
                and len(onward) == 1
                and not onward[0].is_transfer
            ):
                result.add(dossier.pk)
        return result


def working_days_between(calendar: WorkingCalendar, today: date, day: date) -> int:
    """Working days after `today` up to and including `day` (0 when `day` is today); when
    `day` has passed, minus the working days after it up to and including today."""
    start, end, sign = (today, day, 1) if day >= today else (day, today, -1)
    span = min((end - start).days, 3700)
    count = sum(
        1 for offset in range(1, span + 1) if calendar.is_working_day(start + timedelta(offset))
    )
    return sign * count
