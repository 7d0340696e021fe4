"""What the applicant and the public may see of a dossier (reads only).

- **The applicant's own dossiers** (`dossier_list_own`, `dossier_get_own`): only those whose
  `applicant_user` is the user. An official who also applies sees here only their own
  applications; every other dossier does not exist for the portal.
- **The public lookup** (`dossier_lookup`): by the code printed on the receipt (Mẫu 01) of an
  accepted dossier, or by the short reference an online submission gets at once
  (dossiers.references): the procedure, the national status, the receiving agency, the
  appointment and its timeliness. The applicant's name and the timeline need a second factor
  (`second_factor_matches`): the phone number or ID number of the applicant or of their
  representative.
- **The public timeline** (`public_timeline`): the facts the applicant is told, never the
  internal ones. Officials' names, internal steps, step judgements, comments between officials,
  files added and hand-overs between steps are left out.
"""

import hmac
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from motcua.catalogue.constants import Channel
from motcua.catalogue.selectors import procedure_legal_period
from motcua.deadlines.calendar import WorkingCalendar, local
from motcua.deadlines.constants import Judgement, JudgementLevel
from motcua.deadlines.selectors import judgement_level

from .act_clock import period_json
from .constants import PAUSED_STATUSES, Act, DossierStatus, ReturnMethod
from .models import Dossier
from .references import normalise_reference, reference_is_well_formed
from .selectors import dossier_events
from .worklists import working_days_between

S = DossierStatus

# The slips the applicant was given (or sent) and may download again; the process control
# slip (Mẫu 05) is internal.
APPLICANT_SLIPS = ("receipt", "supplement", "refusal", "apology")

# Each internal status shown as the national status it maps to (domain-vn §2.1): a transfer to
# another agency is still "in processing", a supplement before acceptance a supplement request.
_PUBLIC_STATUS = {
    S.IN_TRANSFER: S.IN_PROCESSING,
    S.INTAKE_SUPPLEMENT_REQUESTED: S.SUPPLEMENT_REQUESTED,
}
RUNNING = frozenset({S.ACCEPTED, S.IN_PROCESSING, S.IN_TRANSFER})
WAITING = frozenset({S.REGISTERED, S.INTAKE_SUPPLEMENT_REQUESTED})
FINISHED = frozenset({S.PROCESSED, S.RESULT_RETURNED})

MAX_CODE_LENGTH = 60
_CODE_CHARS = re.compile(r"^[0-9A-Z.\-]+$")


def public_status(status: str) -> DossierStatus:
    """The status as the national catalogue names it (its label is what the public sees)."""
    status = DossierStatus(status)
    return _PUBLIC_STATUS.get(status, status)


# --- the applicant's own dossiers -------------------------------------------------------------


def dossier_list_own(*, user: Any) -> QuerySet[Dossier]:
    """The dossiers `user` applied for (as the applicant's account), newest first."""
    dossiers = Dossier.objects.select_related("procedure", "receiving_agency")
    if not getattr(user, "is_authenticated", False):
        return dossiers.none()
    return (
        dossiers.filter(applicant_user=user)
        .prefetch_related("fees__payment_request__receipt")  # pay or receipt link per row
        .order_by("-submitted_at", "-id")
    )


def dossier_get_own(*, user: Any, key: str) -> Dossier:
    """One of the user's own dossiers by its code or reference; Dossier.DoesNotExist otherwise
    (for a dossier that exists but is someone else's too)."""
    return dossier_list_own(user=user).get(_key_filter(key))


def _key_filter(key: str) -> Q:
    try:
        return Q(uid=uuid.UUID(key))
    except ValueError:
        reference = normalise_reference(key)
        if reference_is_well_formed(reference):
            return Q(code=key) | Q(reference=reference)
        return Q(code=key)


def legal_time_shown(dossier: Dossier) -> dict[str, Any] | None:
    """The legal processing time to show: the one copied at acceptance; before acceptance (or
    for a dossier refused at the desk) the catalogue's time for the procedure through the
    dossier's channel, which acceptance will copy."""
    if dossier.accepted_at is not None or dossier.legal_time:
        return dossier.legal_time
    period = procedure_legal_period(procedure=dossier.procedure, channel=dossier.channel)
    return period_json(period)


# --- the public lookup ------------------------------------------------------------------------


def normalise_code(value: str) -> str:
    """A code as typed or scanned: without surrounding spaces, in capitals."""
    return value.strip().upper()


def dossier_lookup(*, code: str) -> Dossier | None:
    """The accepted dossier with this code (normalised), or the dossier with this short
    reference (an online submission, accepted or not), or None. Never by uid."""
    dossiers = Dossier.objects.select_related("procedure", "receiving_agency")
    reference = normalise_reference(code)
    if reference_is_well_formed(reference):
        found = dossiers.filter(reference=reference).first()
        if found is not None:
            return found
    typed = code.strip()
    code = normalise_code(code)
    if not code or len(code) > MAX_CODE_LENGTH or not _CODE_CHARS.match(code):
        return None
    # Exact matches (the unique index), in capitals as codes are given, or as typed.
    return dossiers.filter(code__in={code, typed}, accepted_at__isnull=False).first()


def normalise_phone(value: str) -> str:
    """A Vietnamese phone number as digits with the leading 0: "+84 912.345.678", "84912345678"
    and "0912 345 678" are all "0912345678"."""
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if digits.isdigit() else ""


def _normalise_id(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def second_factor_matches(dossier: Dossier, value: str) -> bool:
    """Whether `value` is the phone number or the ID number (or tax code) of the dossier's
    applicant or representative. Empty values never match; comparisons take constant time."""
    phone, number = normalise_phone(value), _normalise_id(value)
    candidates = [
        (phone, normalise_phone(dossier.applicant_phone)),
        (phone, normalise_phone(dossier.representative_phone)),
        (number, _normalise_id(dossier.applicant_id_number)),
        (number, _normalise_id(dossier.representative_id_number)),
    ]
    matched = False
    for given, known in candidates:
        if given and known and len(given) >= 6:
            matched |= hmac.compare_digest(given.encode(), known.encode())
    return matched


# --- timeliness -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    """Where a dossier stands against its appointment, as the applicant is told.

    `kind` is one of: "waiting" (not accepted yet, no appointment), "running" (`days` working
    days left), "due_today", "overdue" (`days` working days late), "paused" (the clock stops
    during a supplement, payment or stop), "early" / "on_time" / "late" (processed, judged by
    the legal deadline), or "" (closed without a result, or no appointment).
    """

    kind: str
    days: int = 0

    @property
    def is_late(self) -> bool:
        return self.kind in {"overdue", "late"}


def dossier_timeliness(dossier: Dossier, *, calendar: WorkingCalendar, now: datetime) -> Timeliness:
    status = DossierStatus(dossier.status)
    if status in WAITING:
        return Timeliness("waiting")
    if status in FINISHED:
        judgement = dossier.judgement
        return Timeliness(judgement if judgement in {j.value for j in Judgement} else "")
    if status in PAUSED_STATUSES:
        return Timeliness("paused")
    appointment = dossier.appointment_at
    if status not in RUNNING or appointment is None:
        return Timeliness("")
    today, day = local(now).date(), local(appointment).date()
    days = working_days_between(calendar, today, day)
    # At time level (MOTCUA_JUDGEMENT_LEVEL) a dossier past its due hour is overdue that day.
    if day < today or (judgement_level() == JudgementLevel.TIME and appointment < now):
        return Timeliness("overdue", -days)
    if day == today:
        return Timeliness("due_today")
    return Timeliness("running", days)


# --- the public timeline ----------------------------------------------------------------------


@dataclass
class Detail:
    label: str
    text: str = ""
    at: datetime | None = None
    amount: int | None = None


@dataclass
class PublicEvent:
    at: datetime
    act: str
    title: str
    details: list[Detail] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _titles() -> dict[str, str]:
    return {
        "register": _("Dossier registered"),
        Act.ACCEPT: _("Dossier accepted"),
        Act.REFUSE: _("Dossier not accepted"),
        Act.REQUEST_SUPPLEMENT: _("Asked to supplement the dossier"),
        Act.RECEIVE_SUPPLEMENT: _("Supplement received"),
        Act.REQUEST_FINANCIAL_OBLIGATION: _("Asked to pay the financial obligation"),
        Act.CONFIRM_PAYMENT: _("Payment confirmed"),
        Act.STOP: _("Processing stopped"),
        Act.RESUME: _("Processing resumed"),
        Act.APOLOGISE: _("Apology and new appointment"),
        Act.FINISH: _("Result ready"),
        Act.RETURN_RESULT: _("Result returned"),
        Act.WITHDRAW: _("Dossier withdrawn"),
    }


def _moment(value: Any) -> datetime | None:
    moment = parse_datetime(str(value or ""))
    return local(moment) if moment is not None and moment.tzinfo is not None else None


def public_timeline(dossier: Dossier) -> list[PublicEvent]:
    """The dossier's public facts, oldest first (see the module doc)."""
    titles = _titles()
    rows = []
    for event in dossier_events(dossier=dossier):
        act = event.action.removeprefix("dossier.")
        if act not in titles:
            continue
        data = event.data or {}
        row = PublicEvent(
            at=_moment(data.get("at")) or local(event.occurred_at),
            act=act,
            title=titles[act],
            missing=[str(item) for item in data.get("missing") or []]
            if act == Act.REQUEST_SUPPLEMENT
            else [],
        )
        row.details = _details(act, data)
        rows.append(row)
    return rows


def _details(act: str, data: dict[str, Any]) -> list[Detail]:
    details = []
    if act == "register" and data.get("channel") in Channel.values:
        details.append(Detail(_("Submission channel"), str(Channel(data["channel"]).label)))
    if act == Act.ACCEPT and data.get("code"):
        details.append(Detail(_("Dossier code"), str(data["code"])))
    # The applicant's reasons, the officials' reasons given to the applicant (the slips carry
    # them), never a comment between officials (forward, send back: "comment").
    if act in {
        Act.REFUSE,
        Act.REQUEST_SUPPLEMENT,
        Act.STOP,
        Act.APOLOGISE,
        Act.WITHDRAW,
    } and data.get("reason"):
        details.append(Detail(_("Reason"), str(data["reason"])))
    if act == Act.REQUEST_FINANCIAL_OBLIGATION:
        if data.get("reason"):
            details.append(Detail(_("What for"), str(data["reason"])))
        if isinstance(data.get("amount"), int):
            details.append(Detail(_("Amount (đồng)"), amount=data["amount"]))
    if act in {Act.ACCEPT, Act.RECEIVE_SUPPLEMENT, Act.CONFIRM_PAYMENT, Act.RESUME}:
        due = _moment(data.get("due_at"))
        if due is not None:
            label = _("Appointment") if act == Act.ACCEPT else _("New appointment")
            details.append(Detail(label, at=due))
    if act == Act.APOLOGISE:
        new = _moment(data.get("new_appointment"))
        if new is not None:
            details.append(Detail(_("New appointment"), at=new))
    if act == Act.RETURN_RESULT and data.get("return_method") in ReturnMethod.values:
        method = ReturnMethod(data["return_method"]).label
        details.append(Detail(_("How it was returned"), str(method)))
    return details


# --- supplement requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class SupplementRequest:
    at: datetime
    reason: str
    missing: tuple[str, ...]
    answer_by: date | None = None  # absent on requests made before it was asked


def latest_supplement_request(dossier: Dossier) -> SupplementRequest | None:
    """What the latest supplement request asked for (the list of Mẫu 02)."""
    event = (
        dossier_events(dossier=dossier).filter(action=f"dossier.{Act.REQUEST_SUPPLEMENT}").last()
    )
    if event is None:
        return None
    data = event.data or {}
    return SupplementRequest(
        at=_moment(data.get("at")) or local(event.occurred_at),
        reason=str(data.get("reason") or ""),
        missing=tuple(str(item) for item in data.get("missing") or [] if str(item).strip()),
        answer_by=parse_date(str(data.get("answer_by") or "")),
    )
