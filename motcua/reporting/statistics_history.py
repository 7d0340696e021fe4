"""How a dossier stood at a moment in the past, for the statistics table (reporting.statistics):
the rules, as SQL expressions for the table and as Python for the monthly series' corrections
(reporting.statistics_buckets), and the count of online dossiers waiting past their acceptance
deadline. docs/architecture.md, "Statistics", gives the definitions.

A table for a period is the dossiers as they stood at its end (`stop`, 00:00 after the last
day), so that it gives the same numbers whenever it is taken:

- resolved: `finished_at` < stop (judged by the stored judgement, or at the time level by the
  moments; neither changes after the result is ready);
- withdrawn: withdrawn, `closed_at` < stop;
- paused: a pause (dossiers.DossierPause) had begun before the stop and not ended by it; its
  kind gives the column;
- in progress otherwise, within or past the legal due time **as of the stop**: the
  `due_before` of the earliest pause not ended by the stop (the due time does not change
  between acceptance or a resume and the next pause), else the current `due_at`. When
  MOTCUA_APOLOGY_MOVES_DEADLINE is on an apology moves `due_at` too, so an apology issued
  after the stop and before that pause gives its `previous_appointment` instead. The setting
  is read as it is now: an installation that turns it on or off keeps its older apologies'
  effect as it was recorded, and a past table taken after the change may differ for the
  dossiers apologised for after the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from motcua.catalogue.constants import Channel
from motcua.deadlines.calendar import VN_TZ
from motcua.deadlines.constants import Judgement
from motcua.deadlines.selectors import judgement_level as _deadlines_level
from motcua.dossiers.acceptance_alerts import (
    AcceptanceDeadlines,
    acceptance_hours,
    acceptance_late,
)
from motcua.dossiers.constants import DossierStatus, PauseKind
from motcua.dossiers.models import Apology, Dossier, DossierPause

S = DossierStatus

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
    "acceptance_overdue",
)
# The column of a dossier paused at the period end, by the kind of its pause. A supplement
# before acceptance is not here: the dossier had not been received.
PAUSE_COLUMNS: Mapping[str, str] = {
    PauseKind.SUPPLEMENT: "awaiting_supplement",
    PauseKind.FINANCIAL_OBLIGATION: "awaiting_obligation",
    PauseKind.STOP: "stopped",
}
RECEIVED_COLUMNS = {
    Channel.ONLINE: "received_online",
    Channel.DIRECT: "received_counter",
    Channel.POST: "received_post",
}
LEVELS = ("date", "time")


def judgement_level() -> str:
    """The level early / on time / late is judged at: settings.MOTCUA_JUDGEMENT_LEVEL ("date",
    the default, or "time"), the one setting the register and the slips use too. The former
    MOTCUA_STATISTICS_COMPARE is refused when it says otherwise, so that no installation's
    figures change silently."""
    level = str(_deadlines_level().value)
    old = getattr(settings, "MOTCUA_STATISTICS_COMPARE", None)
    if old is not None and old != level:
        raise ImproperlyConfigured(
            "MOTCUA_STATISTICS_COMPARE is replaced by MOTCUA_JUDGEMENT_LEVEL "
            f'("{level}" now); remove it or give both the same value.'
        )
    return level


def apology_moves() -> bool:
    return bool(getattr(settings, "MOTCUA_APOLOGY_MOVES_DEADLINE", False))


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as moments: from 00:00 of `start` to 00:00 after `end`, Vietnam time."""
    return (
        datetime.combine(start, time.min, tzinfo=VN_TZ),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ),
    )


def within_bound(end: date, level: str) -> datetime:
    """A dossier in progress at the end is within its legal time when its due time (as of
    the end) is at or after this: the start of the last day (date level: due that day or
    later) or the end itself (time level)."""
    if level == "date":
        return datetime.combine(end, time.min, tzinfo=VN_TZ)
    return period_bounds(end, end)[1]


# COALESCE(finished_at, closed_at, NEVER): when a received dossier left the table (result
# ready, else withdrawn; a returned dossier was finished first), NEVER while open. The same
# expression is indexed, with the columns the table reads included (dossiers migration 0007),
# so that PostgreSQL reads the period's dossiers from the index alone.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
DONE_AT = Coalesce("finished_at", "closed_at", Value(NEVER))


def relevant(agency_ids: set[int] | None, start: date, end: date) -> QuerySet[Dossier]:
    """The dossiers of the table: received (accepted) by these agencies (None: any) before the
    period end, and not resolved or withdrawn before its start."""
    begin, stop = period_bounds(start, end)
    dossiers = Dossier.objects.filter(accepted_at__isnull=False)
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
    return dossiers.alias(done_at=DONE_AT).filter(done_at__gte=begin, accepted_at__lt=stop)


# --- in SQL, for the table ------------------------------------------------------------------


def _not_ended_by(stop: datetime) -> QuerySet[DossierPause]:
    """The outer dossier's pauses that had not ended by `stop`, earliest first."""
    return (
        DossierPause.objects.filter(dossier=OuterRef("pk"))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=stop))
        .order_by("started_at", "id")
    )


def due_as_of(stop: datetime, moves: bool) -> Any:
    """The legal due time as it stood at `stop` (module doc), NULL for a dossier without one."""
    pauses = _not_ended_by(stop)
    due = Coalesce(Subquery(pauses.values("due_before")[:1]), F("due_at"))
    if not moves:
        return due
    apologies = Apology.objects.filter(dossier=OuterRef("pk"), issued_at__gte=stop).order_by(
        "issued_at", "id"
    )
    apology_at = Subquery(apologies.values("issued_at")[:1])
    pause_at = Subquery(pauses.values("started_at")[:1])
    first = GreaterThanOrEqual(Coalesce(pause_at, Value(NEVER)), apology_at)
    previous = Subquery(apologies.values("previous_appointment")[:1])
    return Case(
        When(Q(Exists(apologies)) & Q(first), then=previous),
        default=due,
        output_field=DateTimeField(),
    )


def outcome(start: date, end: date, level: str, moves: bool) -> Case:
    """Where a dossier of the table stood at the period end: the name of its outcome column
    (exactly one of resolved_*, withdrawn, a pause column, in_progress_*). The history (pauses,
    apologies) is read only for the dossiers still open at the end, in the CASE's last branch.
    At the time level the query must alias `fin_day` and `due_day` (`statistics._count`)."""
    _begin, stop = period_bounds(start, end)
    resolved = Q(finished_at__lt=stop)
    if level == "date":
        # The judgement stored when it was finished (deadlines.judge): the due time does not
        # change after the result is ready.
        judged = [
            When(resolved & Q(judgement=Judgement.EARLY), then=Value("resolved_early")),
            When(resolved & Q(judgement=Judgement.LATE), then=Value("resolved_late")),
        ]
    else:
        judged = [
            When(resolved & Q(finished_at__gt=F("due_at")), then=Value("resolved_late")),
            When(resolved & Q(fin_day__lt=F("due_day")), then=Value("resolved_early")),
        ]
    paused = (
        _not_ended_by(stop)
        .filter(started_at__lt=stop, kind__in=list(PAUSE_COLUMNS))
        .annotate(
            column=Case(
                *[When(kind=kind, then=Value(column)) for kind, column in PAUSE_COLUMNS.items()],
                output_field=CharField(),
            )
        )
        .values("column")[:1]
    )
    due = Coalesce(due_as_of(stop, moves), Value(NEVER), output_field=DateTimeField())
    running = Case(
        When(
            GreaterThanOrEqual(due, Value(within_bound(end, level))),
            then=Value("in_progress_within"),
        ),
        default=Value("in_progress_overdue"),
        output_field=CharField(),
    )
    return Case(
        *judged,
        When(resolved, then=Value("resolved_on_time")),  # also: no deadline
        When(Q(status=S.WITHDRAWN, closed_at__lt=stop), then=Value("withdrawn")),
        default=Coalesce(Subquery(paused), running, output_field=CharField()),
        output_field=CharField(),
    )


# --- in Python, for the monthly series --------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    kind: str
    started_at: datetime
    ended_at: datetime | None
    due_before: datetime | None


@dataclass(frozen=True)
class Moved:
    """An apology that moved the due time (MOTCUA_APOLOGY_MOVES_DEADLINE)."""

    issued_at: datetime
    previous: datetime | None


@dataclass(frozen=True)
class Open:
    """What the rules read of a dossier open at some period end."""

    finished_at: datetime | None
    closed_at: datetime | None
    status: str
    judgement: str
    due_at: datetime | None


def classify(
    d: Open,
    stop: datetime,
    bound: datetime,
    pauses: Sequence[Pause] = (),
    moved: Sequence[Moved] = (),
) -> str:
    """`outcome` for one dossier at the date level (`bound` = `within_bound`); with no
    history, what the monthly histogram counts (statistics_buckets)."""
    if d.finished_at is not None and d.finished_at < stop:
        judged = {"early": "resolved_early", "late": "resolved_late"}
        return judged.get(d.judgement, "resolved_on_time")
    if d.status == S.WITHDRAWN and d.closed_at is not None and d.closed_at < stop:
        return "withdrawn"
    later = sorted(
        (p for p in pauses if p.ended_at is None or p.ended_at >= stop),
        key=lambda p: p.started_at,
    )
    if later and later[0].started_at < stop and later[0].kind in PAUSE_COLUMNS:
        return PAUSE_COLUMNS[later[0].kind]
    due = later[0].due_before if later and later[0].due_before is not None else d.due_at
    apologies = sorted((m for m in moved if m.issued_at >= stop), key=lambda m: m.issued_at)
    if apologies and (not later or apologies[0].issued_at <= later[0].started_at):
        due = apologies[0].previous
    return "in_progress_within" if due is None or due >= bound else "in_progress_overdue"


def history(
    agency_ids: set[int] | None,
    stops: Sequence[datetime],
    bounds: Sequence[datetime],
    moves: bool,
) -> tuple[dict[int, list[Pause]], dict[int, list[Moved]]]:
    """The pauses (all of them) and moving apologies of the dossiers whose state at one of
    `stops` (with `within_bound`s `bounds`) can differ from the one their current row gives:
    paused at the stop, or received before it and paused later by a pause whose due time
    before it is on the other side of the bound than the current one (the earliest pause not
    ended by the stop gives the due time as of the stop; any such pause is taken, a superset),
    or apologised for after the first stop when apologies move the due time. Few: the
    dossiers paused across a month end, and those whose due time a later pause moved across
    a month's last day."""
    pauses_at = Q()
    for stop, bound in zip(stops, bounds, strict=True):
        later = Q(started_at__gte=stop, dossier__accepted_at__lt=stop)
        crossed = Q(due_before__lt=bound) & (
            Q(dossier__due_at__gte=bound) | Q(dossier__due_at__isnull=True)
        ) | Q(due_before__gte=bound, dossier__due_at__lt=bound)
        paused = Q(started_at__lt=stop) & (Q(ended_at__isnull=True) | Q(ended_at__gte=stop))
        pauses_at |= paused | (later & crossed)
    # Every such pause had not ended by the first stop (a narrowing PostgreSQL can apply first).
    window = Q(ended_at__isnull=True) | Q(ended_at__gte=min(stops))
    chosen = DossierPause.objects.filter(window).filter(pauses_at)
    if agency_ids is not None:
        chosen = chosen.filter(dossier__receiving_agency_id__in=agency_ids)
    pauses: dict[int, list[Pause]] = defaultdict(list)
    rows = DossierPause.objects.filter(dossier_id__in=chosen.values("dossier_id")).values_list(
        "dossier_id", "kind", "started_at", "ended_at", "due_before"
    )
    for dossier_id, kind, started_at, ended_at, due_before in rows:
        pauses[dossier_id].append(Pause(kind, started_at, ended_at, due_before))
    moved: dict[int, list[Moved]] = defaultdict(list)
    if moves:
        apologies = Apology.objects.filter(issued_at__gte=min(stops))
        if agency_ids is not None:
            apologies = apologies.filter(dossier__receiving_agency_id__in=agency_ids)
        for dossier_id, issued_at, previous in apologies.values_list(
            "dossier_id", "issued_at", "previous_appointment"
        ):
            moved[dossier_id].append(Moved(issued_at, previous))
    return pauses, moved


# --- online dossiers waiting past their acceptance deadline ---------------------------------


def acceptance_overdue(
    agency_ids: set[int] | None, stops: Sequence[datetime], keys: Iterable[str]
) -> list[dict[tuple[int, ...], int]]:
    """For each moment of `stops`: how many online dossiers were then waiting for the reception
    officer (submitted, not yet accepted, refused or withdrawn, and not sent back to the
    applicant for an intake supplement) past their acceptance deadline
    (dossiers.acceptance_alerts: MOTCUA_ONLINE_ACCEPTANCE_HOURS working hours after the
    submission, on the receiving agency's calendar), counted by the values of `keys`
    ("receiving_agency_id", "procedure_id"). The deadlines are computed here, in Python, for
    the few dossiers waiting at one of the moments."""
    keys = tuple(keys)
    out: list[dict[tuple[int, ...], int]] = [defaultdict(int) for _stop in stops]
    if not stops:
        return out
    # Waiting at a stop: submitted before it, and accepted or closed (refused, withdrawn) at
    # or after it, or not yet.
    # Working hours never pass faster than the clock: late at a stop means submitted at least
    # that many hours before it.
    hours = timedelta(hours=acceptance_hours())
    at_a_stop = Q()
    for stop in stops:
        at_a_stop |= Q(submitted_at__lte=stop - hours, left_at__gte=stop)
    waiting = (
        Dossier.objects.filter(channel=Channel.ONLINE)
        .annotate(left_at=Coalesce("accepted_at", "closed_at", Value(NEVER)))
        .filter(at_a_stop)
        .select_related("receiving_agency")
    )
    if agency_ids is not None:
        waiting = waiting.filter(receiving_agency_id__in=agency_ids)
    deadlines = AcceptanceDeadlines()
    candidates = list(waiting)
    intake: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for dossier_id, started, ended in DossierPause.objects.filter(
        dossier__in=[d.pk for d in candidates], kind=PauseKind.INTAKE_SUPPLEMENT
    ).values_list("dossier_id", "started_at", "ended_at"):
        intake[dossier_id].append((started, ended))
    for dossier in candidates:
        deadline = deadlines(dossier)
        key = tuple(getattr(dossier, k) for k in keys)
        for i, stop in enumerate(stops):
            if not (dossier.submitted_at < stop <= dossier.left_at):  # type: ignore[attr-defined]
                continue
            if not acceptance_late(deadline, stop):
                continue
            if any(s < stop and (e is None or e >= stop) for s, e in intake[dossier.pk]):
                continue  # waiting for the applicant
            out[i][key] += 1
    return out
