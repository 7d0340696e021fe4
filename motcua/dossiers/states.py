"""The dossier status machine: one table, pure functions, no database.

`TRANSITIONS[(status, act)]` says where the act leads and who may perform it. Roles are the
coarse gate (accounts.Role held in the dossier's agency); the internal process (workflow, later)
narrows `forward` / `send_back` to the role of the current step.

Detours come back where they left: every paused or delegated status returns to the status it
was entered from (`RETURNS_TO`). Pauses are entered from "in processing", so resume, receive
supplement and confirm payment lead back to "in processing"; a supplement asked before
acceptance leads back to "newly registered". One pause leads to another: a dossier waiting
for a supplement past its answer-by date may be stopped (dossiers.pauses checks the date), and
resuming it leads back to "in processing".
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.core.errors import DomainError

from .constants import Act, DossierStatus

S = DossierStatus

RECEPTION = frozenset({Role.RECEPTION_OFFICER})
PROCESSORS = frozenset({Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.LEADER})
DECIDERS = frozenset({Role.DEPARTMENT_HEAD, Role.LEADER})
ISSUERS = frozenset({Role.LEADER, Role.CLERK})
RECEPTION_OR_SPECIALIST = RECEPTION | {Role.SPECIALIST}
# The apology and new appointment (Mẫu 04) is issued by the agency responsible for the delay,
# through its one-stop desk: its leaders sign it, the desk hands or sends it to the applicant.
APOLOGISERS = RECEPTION | DECIDERS


@dataclass(frozen=True)
class Transition:
    target: DossierStatus
    roles: frozenset[str]
    applicant: bool = False  # the applicant (or their representative) may perform it too
    system: bool = False  # the installation may perform it on a fact it verified (a payment)


# Detour status -> the status it was entered from and returns to.
RETURNS_TO: Mapping[DossierStatus, DossierStatus] = {
    S.INTAKE_SUPPLEMENT_REQUESTED: S.REGISTERED,
    S.SUPPLEMENT_REQUESTED: S.IN_PROCESSING,
    S.FINANCIAL_OBLIGATION: S.IN_PROCESSING,
    S.STOPPED: S.IN_PROCESSING,
    S.IN_TRANSFER: S.IN_PROCESSING,
}

# The applicant may withdraw until the result is ready (national status 7); at the counter the
# reception officer records the written request.
_WITHDRAW = Transition(S.WITHDRAWN, RECEPTION, applicant=True)

TRANSITIONS: Mapping[tuple[DossierStatus, Act], Transition] = {
    # Online or postal intake, waiting for the one-stop officer (clock not started).
    (S.REGISTERED, Act.ACCEPT): Transition(S.ACCEPTED, RECEPTION),
    (S.REGISTERED, Act.REFUSE): Transition(S.NOT_ACCEPTED, RECEPTION),
    (S.REGISTERED, Act.REQUEST_SUPPLEMENT): Transition(S.INTAKE_SUPPLEMENT_REQUESTED, RECEPTION),
    (S.REGISTERED, Act.WITHDRAW): _WITHDRAW,
    (S.INTAKE_SUPPLEMENT_REQUESTED, Act.RECEIVE_SUPPLEMENT): Transition(
        RETURNS_TO[S.INTAKE_SUPPLEMENT_REQUESTED], RECEPTION, applicant=True
    ),
    (S.INTAKE_SUPPLEMENT_REQUESTED, Act.REFUSE): Transition(S.NOT_ACCEPTED, RECEPTION),
    (S.INTAKE_SUPPLEMENT_REQUESTED, Act.WITHDRAW): _WITHDRAW,
    # Accepted: receipt issued, clock running; the one-stop hands it over (control slip).
    (S.ACCEPTED, Act.FORWARD): Transition(S.IN_PROCESSING, RECEPTION),
    (S.ACCEPTED, Act.WITHDRAW): _WITHDRAW,
    # In processing: steps of the internal process, pauses, inter-agency transfer, the result.
    (S.IN_PROCESSING, Act.FORWARD): Transition(S.IN_PROCESSING, PROCESSORS),
    (S.IN_PROCESSING, Act.SEND_BACK): Transition(S.IN_PROCESSING, PROCESSORS),
    (S.IN_PROCESSING, Act.REQUEST_SUPPLEMENT): Transition(S.SUPPLEMENT_REQUESTED, PROCESSORS),
    (S.IN_PROCESSING, Act.REQUEST_FINANCIAL_OBLIGATION): Transition(
        S.FINANCIAL_OBLIGATION, PROCESSORS
    ),
    (S.IN_PROCESSING, Act.TRANSFER): Transition(S.IN_TRANSFER, PROCESSORS),
    (S.IN_PROCESSING, Act.STOP): Transition(S.STOPPED, DECIDERS),
    (S.IN_PROCESSING, Act.FINISH): Transition(S.PROCESSED, ISSUERS),
    (S.IN_PROCESSING, Act.WITHDRAW): _WITHDRAW,
    # Detours and their way back.
    (S.IN_TRANSFER, Act.RECEIVE_BACK): Transition(RETURNS_TO[S.IN_TRANSFER], PROCESSORS),
    (S.IN_TRANSFER, Act.WITHDRAW): _WITHDRAW,
    (S.SUPPLEMENT_REQUESTED, Act.RECEIVE_SUPPLEMENT): Transition(
        RETURNS_TO[S.SUPPLEMENT_REQUESTED], RECEPTION_OR_SPECIALIST, applicant=True
    ),
    (S.SUPPLEMENT_REQUESTED, Act.WITHDRAW): _WITHDRAW,
    (S.SUPPLEMENT_REQUESTED, Act.STOP): Transition(S.STOPPED, DECIDERS),
    # Confirmed by an officer who saw the proof, or by the system once the gateway or the bank
    # confirmed the online payment (dossiers.payments).
    (S.FINANCIAL_OBLIGATION, Act.CONFIRM_PAYMENT): Transition(
        RETURNS_TO[S.FINANCIAL_OBLIGATION], RECEPTION_OR_SPECIALIST, system=True
    ),
    (S.FINANCIAL_OBLIGATION, Act.WITHDRAW): _WITHDRAW,
    (S.STOPPED, Act.RESUME): Transition(RETURNS_TO[S.STOPPED], DECIDERS),
    (S.STOPPED, Act.WITHDRAW): _WITHDRAW,
    # A dossier that will be late: the responsible agency apologises and sets a new appointment
    # (Mẫu 04); the status does not change.
    (S.ACCEPTED, Act.APOLOGISE): Transition(S.ACCEPTED, APOLOGISERS),
    (S.IN_PROCESSING, Act.APOLOGISE): Transition(S.IN_PROCESSING, APOLOGISERS),
    (S.IN_TRANSFER, Act.APOLOGISE): Transition(S.IN_TRANSFER, APOLOGISERS),
    # Result ready: the one-stop returns it (counter, post or online).
    (S.PROCESSED, Act.RETURN_RESULT): Transition(S.RESULT_RETURNED, RECEPTION),
}


class TransitionNotAllowed(DomainError):
    """The act does not exist for the dossier's current status."""

    def __init__(self, status: DossierStatus, act: Act) -> None:
        message = _("“%(act)s” is not possible while the dossier is “%(status)s”.") % {
            "act": act.label,
            "status": status.label,
        }
        super().__init__(message, code="transition_not_allowed")


class ActNotPermitted(DomainError):
    """The act exists for the status, but this user may not perform it."""

    def __init__(self, status: DossierStatus, act: Act) -> None:
        message = _("You may not “%(act)s” a dossier that is “%(status)s”.") % {
            "act": act.label,
            "status": status.label,
        }
        super().__init__(message, code="act_not_permitted")


def _may(transition: Transition, roles: Iterable[str], is_applicant: bool) -> bool:
    return (is_applicant and transition.applicant) or not transition.roles.isdisjoint(roles)


def resolve(
    status: DossierStatus,
    act: Act,
    *,
    roles: Iterable[str],
    is_applicant: bool = False,
    system: bool = False,
) -> DossierStatus:
    """The status `act` leads to, or TransitionNotAllowed / ActNotPermitted."""
    status, act = DossierStatus(status), Act(act)
    transition = TRANSITIONS.get((status, act))
    if transition is None:
        raise TransitionNotAllowed(status, act)
    if system and transition.system:
        return transition.target
    if not _may(transition, frozenset(roles), is_applicant):
        raise ActNotPermitted(status, act)
    return transition.target


def allowed_acts(
    status: DossierStatus, *, roles: Iterable[str], is_applicant: bool = False
) -> list[Act]:
    """The acts this user may perform now, in the order of `Act`."""
    status, roles = DossierStatus(status), frozenset(roles)
    return [
        act
        for act in Act
        if (transition := TRANSITIONS.get((status, act))) and _may(transition, roles, is_applicant)
    ]
