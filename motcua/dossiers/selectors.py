"""Reads about dossiers, with the visibility rule in one place.

Officials see the dossiers of the agencies where they hold a role: those received there, those
held there now (transferred to them, liên thông) and those that passed through one of their steps.
Province administrators and supervisors see the whole province. Applicants see their own.
Everything else does not exist for the caller (the interfaces answer "not found").
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, Membership, User
from motcua.core import audit
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import VN_TZ
from motcua.workflow import engine
from motcua.workflow.models import ProcessStep

from .constants import Act, DossierStatus
from .models import Dossier, StepRecord
from .states import allowed_acts

PROVINCE_WIDE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.SUPERVISOR})
# Acts that belong to the holder of the current step (the internal process narrows the roles).
STEP_ACTS = frozenset({Act.FORWARD, Act.SEND_BACK, Act.TRANSFER, Act.RECEIVE_BACK, Act.FINISH})


def actor_roles(
    *, dossier: Dossier, user: Any, agencies: Iterable[Agency] | None = None
) -> set[str]:
    """Roles `user` holds where the dossier is: its receiving agency and the agency holding it
    now (or only in `agencies`)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    wanted = (
        {agency.pk for agency in agencies}
        if agencies is not None
        else {dossier.receiving_agency_id, dossier.current_agency_id}
    )
    return set(
        Membership.objects.filter(user=user, agency_id__in=wanted).values_list("role", flat=True)
    )


def step_agency(*, dossier: Dossier, step: ProcessStep) -> Agency:
    """The agency that holds `step`: its own, or the process's home agency."""
    if step.agency is not None:
        return step.agency
    assert dossier.process is not None
    return dossier.process.agency


def holds_current_step(*, dossier: Dossier, user: Any) -> bool:
    """Whether `user` holds the role of the dossier's current step in the step's agency."""
    step = dossier.current_step
    if step is None:
        return False
    agency = step_agency(dossier=dossier, step=step)
    return step.role in actor_roles(dossier=dossier, user=user, agencies=[agency])


def dossier_allowed_acts(*, dossier: Dossier, user: Any) -> list[Act]:
    """What `user` may do to the dossier now: the status machine's acts for their roles, the
    step acts only for the holder of the current step, forward or transfer as the next step
    requires, finish only at the last step. (The act itself still checks everything.)"""
    acts = allowed_acts(
        DossierStatus(dossier.status),
        roles=actor_roles(dossier=dossier, user=user),
        is_applicant=bool(user.is_authenticated and dossier.applicant_user_id == user.pk),
    )
    step, process = dossier.current_step, dossier.process
    if step is None or process is None:
        return [act for act in acts if act != Act.TRANSFER]
    holder = holds_current_step(dossier=dossier, user=user)
    onward = engine.forward_targets(process, step)
    excluded = {
        Act.FORWARD: not onward or all(target.is_transfer for target in onward),
        Act.TRANSFER: not any(target.is_transfer for target in onward),
        Act.FINISH: bool(onward),
        Act.SEND_BACK: not engine.back_targets(process, step),
    }
    return [
        act for act in acts if (act not in STEP_ACTS or holder) and not excluded.get(act, False)
    ]


def dossier_list_visible(*, user: User) -> QuerySet[Dossier]:
    """Every dossier `user` may see (see the module doc)."""
    dossiers = Dossier.objects.select_related(
        "procedure", "receiving_agency", "current_agency", "current_step"
    )
    if not getattr(user, "is_authenticated", False):
        return dossiers.none()
    memberships = Membership.objects.filter(user=user)
    if memberships.filter(role__in=PROVINCE_WIDE_ROLES).exists():
        return dossiers
    agency_ids = memberships.values("agency_id")
    # IN (subquery), not a correlated EXISTS: PostgreSQL hashes the handled dossiers once
    # instead of probing the step records for every dossier (4x faster at a million).
    handled = StepRecord.objects.filter(agency_id__in=agency_ids).values("dossier_id")
    return dossiers.filter(
        Q(applicant_user=user)
        | Q(receiving_agency_id__in=agency_ids)
        | Q(current_agency_id__in=agency_ids)
        | Q(pk__in=handled)
    )


def dossier_get_visible(*, user: User, key: str) -> Dossier:
    """One visible dossier by its code, its short reference or its uid; Dossier.DoesNotExist
    otherwise."""
    return dossier_list_visible(user=user).get(_key_filter(key))


def dossier_get_any(*, key: str) -> Dossier:
    """One dossier by code or reference, whoever asks: for administrators' commands only."""
    return Dossier.objects.get(_key_filter(key))


def _key_filter(key: str) -> Q:
    """By uid, else by code or by the short reference of an online submission (the two never
    look alike: codes carry dots and dashes, dossiers.references)."""
    return Q(uid=key) if _looks_like_uuid(key) else Q(code=key) | Q(reference=key)


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def dossier_events(*, dossier: Dossier) -> QuerySet[AuditEvent]:
    """The dossier's own audit chain, oldest first: its timeline."""
    return (
        AuditEvent.objects.filter(chain=audit.chain_of(dossier))
        .select_related("actor")
        .order_by("seq")
    )


def dossier_verify(*, dossier: Dossier) -> audit.BrokenLink | None:
    """The first broken link of the dossier's audit chain, or None when it is intact."""
    return audit.first_broken_link(audit.chain_of(dossier))


def dossier_overdue_q(*, now: datetime | None = None) -> Q:
    """Dossiers past their appointment and still open: not finished, not closed (refused,
    withdrawn, returned) and not paused (the legal clock stops during a pause; resuming gives
    a new appointment)."""
    return Q(
        due_at__lt=now or timezone.now(),
        finished_at__isnull=True,
        closed_at__isnull=True,
        paused_at__isnull=True,
    )


def dossier_filter(
    dossiers: QuerySet[Dossier],
    *,
    status: str = "",
    procedure: str = "",
    agency: str = "",
    channel: str = "",
    code: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Dossier]:
    """Narrow `dossiers` (e.g. `dossier_list_visible`); empty values do not filter.

    `procedure` is a national code, `agency` the receiving agency's key (slug);
    `received_from` / `received_to` are days in Vietnam time on `submitted_at`, both included;
    `overdue` True keeps the overdue dossiers (`dossier_overdue_q`), False the others.
    """
    filters = Q()
    if status:
        filters &= Q(status=status)
    if procedure:
        filters &= Q(procedure__national_code=procedure)
    if agency:
        filters &= Q(receiving_agency__slug=agency)
    if channel:
        filters &= Q(channel=channel)
    if code:
        filters &= Q(code=code)
    # The first and last days a datetime can hold have no start / no next day in UTC.
    if received_from is not None and received_from > date.min:
        filters &= Q(submitted_at__gte=datetime.combine(received_from, time.min, tzinfo=VN_TZ))
    if received_to is not None and received_to < date.max:
        next_day = received_to + timedelta(days=1)
        filters &= Q(submitted_at__lt=datetime.combine(next_day, time.min, tzinfo=VN_TZ))
    dossiers = dossiers.filter(filters)
    if overdue is True:
        dossiers = dossiers.filter(dossier_overdue_q(now=now))
    elif overdue is False:
        dossiers = dossiers.exclude(dossier_overdue_q(now=now))
    return dossiers


def reception_agencies(*, user: Any) -> QuerySet[Agency]:
    """The agencies where `user` is a reception officer (where they may receive dossiers)."""
    return Agency.objects.filter(
        memberships__user=user, memberships__role=Role.RECEPTION_OFFICER
    ).order_by("name")


def reception_queue(*, user: Any) -> QuerySet[Dossier]:
    """Online and postal dossiers waiting for acceptance at the user's reception desks, the
    longest-waiting first (newly registered, or back from an intake supplement request)."""
    return (
        Dossier.objects.filter(
            receiving_agency__in=reception_agencies(user=user),
            status__in=[DossierStatus.REGISTERED, DossierStatus.INTAKE_SUPPLEMENT_REQUESTED],
        )
        .select_related("procedure", "receiving_agency")
        .order_by("submitted_at", "id")
    )
