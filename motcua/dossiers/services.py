"""Writes for dossiers: registration, counter intake and every act of the status machine.

Each public function is one transaction: it locks the dossier row, checks the act against the
status machine (states.resolve) and the internal process, applies the act's effects (code,
deadlines, steps, fees) and appends exactly one event to the dossier's own audit chain. A
refused act raises a DomainError and changes nothing.

`at` (the moment of the act) exists for imports and the data generator; the interfaces never
pass it, so acts happen now.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.catalogue.constants import Channel, OnlineType, PublicationStatus
from motcua.catalogue.models import Component, Procedure
from motcua.catalogue.selectors import procedure_legal_period
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import nfc
from motcua.deadlines.calendar import judge, local
from motcua.payments.constants import Purpose
from motcua.workflow import engine
from motcua.workflow.constants import MoveKind
from motcua.workflow.selectors import process_in_force

from . import act_clock as clock
from . import notices, pauses, payment_bills, states, webhooks
from .act_context import ActContext, ActInput
from .codes import dossier_code_next
from .constants import (
    PAUSED_STATUSES,
    Act,
    ApplicantKind,
    DossierStatus,
    FeeStatus,
    FilePurpose,
    PauseKind,
    ReturnMethod,
)
from .models import (
    Apology,
    AppointmentChange,
    Dossier,
    DossierComponent,
    DossierFee,
)
from .results_check import check_signed_result
from .selectors import STEP_ACTS, actor_roles, holds_current_step, step_agency
from .warehouse import warehouse_collect_papers, warehouse_collect_results

# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """Who applies, and who represents them when someone else hands the dossier in."""

    name: str
    kind: str = ApplicantKind.CITIZEN
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    user: User | None = None
    representative_name: str = ""
    representative_id_number: str = ""
    representative_phone: str = ""
    authorisation: str = ""


@dataclass(frozen=True)
class ComponentReceived:
    """A component handed in: the catalogue component (None for an extra paper)."""

    component_id: int | None = None
    name: str = ""
    originals: int = 0
    copies: int = 0  # plain copies (photocopies)
    note: str = ""
    certified_copies: int = 0


# --- registration -----------------------------------------------------------------------------


def dossier_register(
    *,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: Applicant,
    actor: User,
    components: Sequence[ComponentReceived] = (),
    at: datetime | None = None,
) -> Dossier:
    """A new dossier, "newly registered": submitted online or by post, waiting for the one-stop
    officer. Online, the actor is the applicant; by post, a reception officer of `agency`."""
    now = at or timezone.now()
    with transaction.atomic():
        dossier = _new_dossier(procedure, agency, channel, applicant, actor, components, now)
        if channel != Channel.ONLINE or applicant.user is None or applicant.user != actor:
            roles = actor_roles(dossier=dossier, user=actor)
            if not states.RECEPTION & roles:
                raise DomainError(
                    _("Only a reception officer of %(agency)s can register this dossier.")
                    % {"agency": agency},
                    code="act_not_permitted",
                )
        bill = payment_bills.bill_at_registration(dossier, actor=actor)
        event = _record(
            dossier,
            actor,
            "register",
            now,
            {"to": dossier.status, "channel": channel, **payment_bills.billed(bill)},
        )
        webhooks.enqueue_dossier_webhooks(dossier, event)
    return dossier


COUNTER_OUTCOMES = frozenset({Act.ACCEPT, Act.REQUEST_SUPPLEMENT, Act.REFUSE})


def dossier_receive(
    *,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: Applicant,
    actor: User,
    components: Sequence[ComponentReceived] = (),
    outcome: Act = Act.ACCEPT,
    data: ActInput | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Counter intake in one transaction: register, then the officer's decision on the spot —
    accept (receipt, Mẫu 01), ask once for everything missing (Mẫu 02) or refuse with a reason
    (Mẫu 03). Two events, one per act; if the decision is refused, nothing is stored."""
    if outcome not in COUNTER_OUTCOMES:
        raise ValueError(
            f"a counter intake ends in accept, request_supplement or refuse: {outcome}"
        )
    with transaction.atomic():
        dossier = dossier_register(
            procedure=procedure,
            agency=agency,
            channel=channel,
            applicant=applicant,
            actor=actor,
            components=components,
            at=at,
        )
        return dossier_act(dossier=dossier, act=outcome, actor=actor, data=data, at=at)


def _new_dossier(
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: Applicant,
    actor: User,
    components: Sequence[ComponentReceived],
    now: datetime,
) -> Dossier:
    _check_offered(procedure, agency, channel, local(now).date())
    _check_applicant(applicant)
    dossier = Dossier.objects.create(
        procedure=procedure,
        receiving_agency=agency,
        current_agency=agency,
        channel=channel,
        submitted_at=now,
        applicant_kind=applicant.kind,
        applicant_name=nfc(applicant.name.strip()),
        applicant_id_number=applicant.id_number.strip(),
        applicant_phone=applicant.phone.strip(),
        applicant_email=applicant.email.strip(),
        applicant_address=nfc(applicant.address.strip()),
        applicant_user=applicant.user,
        representative_name=nfc(applicant.representative_name.strip()),
        representative_id_number=applicant.representative_id_number.strip(),
        representative_phone=applicant.representative_phone.strip(),
        authorisation=nfc(applicant.authorisation.strip()),
    )
    _add_components(dossier, components)
    _add_catalogue_fees(dossier)
    return dossier


def _check_offered(procedure: Procedure, agency: Agency, channel: str, day: date) -> None:
    errors = []
    if procedure.status != PublicationStatus.PUBLISHED or not procedure.is_valid_on(day):
        errors.append(
            _("The procedure %(code)s is not in force.") % {"code": procedure.national_code}
        )
    if channel not in Channel.values:
        errors.append(_("Unknown channel “%(channel)s”.") % {"channel": channel})
    elif channel == Channel.ONLINE and procedure.online_type == OnlineType.NONE:
        errors.append(_("This procedure is not offered online."))
    if not agency.is_valid_on(day):
        errors.append(_("%(agency)s no longer exists.") % {"agency": agency})
    if errors:
        raise ValidationFailed(_("The dossier cannot be registered."), errors=errors)


def _check_applicant(applicant: Applicant) -> None:
    errors = []
    if not applicant.name.strip():
        errors.append(_("The applicant's name is required."))
    if applicant.kind not in ApplicantKind.values:
        errors.append(_("Unknown applicant type “%(kind)s”.") % {"kind": applicant.kind})
    for label, number in (
        (_("ID number"), applicant.id_number),
        (_("Representative's ID number"), applicant.representative_id_number),
    ):
        digits = number.strip()
        if digits and applicant.kind == ApplicantKind.CITIZEN and not _is_citizen_id(digits):
            errors.append(_("%(label)s must have 12 digits.") % {"label": label})
    for phone in (applicant.phone, applicant.representative_phone):
        if phone.strip() and not _is_phone(phone.strip()):
            errors.append(_("“%(phone)s” is not a phone number.") % {"phone": phone})
    if applicant.email.strip():
        try:
            validate_email(applicant.email.strip())
        except ValidationError:
            errors.append(_("“%(email)s” is not an e-mail address.") % {"email": applicant.email})
    if applicant.representative_name.strip() and not applicant.authorisation.strip():
        errors.append(_("A representative must present a letter of authorisation."))
    if errors:
        raise ValidationFailed(_("The applicant's details are not valid."), errors=errors)


def _is_citizen_id(value: str) -> bool:
    return len(value) == 12 and value.isdigit()


def _is_phone(value: str) -> bool:
    digits = value.removeprefix("+").replace(" ", "").replace(".", "")
    return digits.isdigit() and 9 <= len(digits) <= 15


def _add_components(dossier: Dossier, received: Sequence[ComponentReceived]) -> None:
    required = {c.pk: c for c in Component.objects.filter(procedure=dossier.procedure)}
    rows, errors = [], []
    for position, item in enumerate(received, start=1):
        component = required.get(item.component_id) if item.component_id else None
        if item.component_id and component is None:
            errors.append(
                _("Component %(id)s is not a component of this procedure.")
                % {"id": item.component_id}
            )
            continue
        name = nfc(item.name.strip()) or (component.name if component else "")
        if not name:
            errors.append(_("Component %(n)d has no name.") % {"n": position})
        if min(item.originals, item.certified_copies, item.copies) < 0:
            errors.append(_("Component %(n)d: counts cannot be negative.") % {"n": position})
        rows.append(
            DossierComponent(
                dossier=dossier,
                component=component,
                position=position,
                name=name,
                originals=item.originals,
                certified_copies=item.certified_copies,
                copies=item.copies,
                note=item.note.strip(),
            )
        )
    if errors:
        raise ValidationFailed(_("The components are not valid."), errors=errors)
    DossierComponent.objects.bulk_create(rows)


def _add_catalogue_fees(dossier: Dossier) -> None:
    """The fees the catalogue states with an amount for the dossier's channel (or the counter)."""
    channels = {c.channel: c for c in dossier.procedure.channels.prefetch_related("fees")}
    channel = channels.get(dossier.channel) or channels.get(Channel.DIRECT)
    if channel is None:
        return
    DossierFee.objects.bulk_create(
        DossierFee(dossier=dossier, fee=fee, description=fee.description, amount=fee.amount)
        for fee in channel.fees.all()
        if fee.amount
    )


# --- acts -------------------------------------------------------------------------------------


_REQUIRED: dict[Act, tuple[str, ...]] = {
    Act.REFUSE: ("comment",),
    Act.REQUEST_SUPPLEMENT: ("missing",),  # Mẫu 02 lists them; a comment is optional
    Act.REQUEST_FINANCIAL_OBLIGATION: ("comment", "amount"),
    Act.SEND_BACK: ("comment",),
    Act.STOP: ("comment",),
    Act.RETURN_RESULT: ("return_method",),
    Act.APOLOGISE: ("comment", "new_appointment"),
}


def dossier_act(
    *,
    dossier: Dossier,
    act: Act | str,
    actor: User,
    data: ActInput | None = None,
    at: datetime | None = None,
    system: bool = False,
) -> Dossier:
    """Perform `act` on `dossier` as `actor`: one transaction, one audit event. `system` is the
    installation acting on a fact it verified itself (a payment confirmed by the gateway or the
    bank), allowed only for the acts the status machine marks so."""
    act, data = Act(act), data or ActInput()
    _check_input(act, data)
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        prefetch_related_objects([locked], "process__steps", "process__moves")
        _check_version(locked, data.expected_version)
        source = DossierStatus(locked.status)
        target = states.resolve(
            source,
            act,
            roles=actor_roles(dossier=locked, user=actor),
            is_applicant=_is_applicant(locked, actor),
            system=system,
        )
        if act in STEP_ACTS and locked.current_step_id is not None:
            _check_step_holder(locked, actor)
        ctx = ActContext(locked, actor, act, at or timezone.now(), data)
        _EFFECTS[act](ctx)
        locked.status = target
        locked.version += 1
        locked.save()
        if source != target:
            clock.end_pause(ctx, source)
            clock.begin_pause(ctx, target)
        event = _record(locked, actor, act, ctx.now, {"from": source, "to": target, **ctx.event})
        if ctx.appointment is not None:
            AppointmentChange.objects.create(
                dossier=locked,
                previous_due_at=ctx.appointment[0],
                new_due_at=ctx.appointment[1],
                act=act,
                changed_at=ctx.now,
                event=event,
            )
        for write in ctx.after_event:
            write(event)
        notices.notify_applicant(locked, event)
        webhooks.enqueue_dossier_webhooks(locked, event)
    return locked


def _check_input(act: Act, data: ActInput) -> None:
    errors = []
    for name in _REQUIRED.get(act, ()):
        value = getattr(data, name)
        if name == "missing":
            if not [item for item in value if str(item).strip()]:
                errors.append(_("List every missing component."))
        elif name == "amount":
            if value is None or value <= 0:
                errors.append(_("The amount must be a positive number of đồng."))
        elif name == "return_method":
            if value not in ReturnMethod.values:
                errors.append(_("Say how the result was returned (counter, post or online)."))
        elif name == "new_appointment":
            if value is None:
                errors.append(_("Give the new appointment date."))
        elif not str(value).strip():
            errors.append(_("A reason or comment is required."))
    if errors:
        raise ValidationFailed(
            _("“%(act)s” needs more information.") % {"act": act.label}, errors=errors
        )


def _check_version(dossier: Dossier, expected: int | None) -> None:
    """Two officers clicking at once: the second one's act was meant for a dossier that has
    moved on, so it is refused instead of being applied to the new state."""
    if expected is not None and expected != dossier.version:
        raise DomainError(
            _("The dossier was changed by someone else after you opened it; reload it."),
            code="stale_version",
        )


def _is_applicant(dossier: Dossier, actor: User) -> bool:
    return bool(actor.is_authenticated and dossier.applicant_user_id == actor.pk)


def _check_step_holder(dossier: Dossier, actor: User) -> None:
    step = dossier.current_step
    assert step is not None
    agency = step_agency(dossier=dossier, step=step)
    if not holds_current_step(dossier=dossier, user=actor):
        raise DomainError(
            _("This step (“%(step)s”) belongs to the %(role)s of %(agency)s.")
            % {"step": step.name, "role": step.get_role_display().lower(), "agency": agency},
            code="act_not_permitted",
        )


def _record(
    dossier: Dossier, actor: User, act: str, now: datetime, data: dict[str, Any]
) -> audit.AuditEvent:
    return audit.record(
        action=f"dossier.{act}",
        actor=actor,
        subject=dossier,
        chain=audit.chain_of(dossier),
        data={"code": dossier.code or "", "at": now.isoformat(), **data},
    )


# --- effects of each act ----------------------------------------------------------------------


def _accept(ctx: ActContext) -> None:
    dossier = ctx.dossier
    payment_bills.check_paid_before_acceptance(dossier)
    dossier.code = dossier_code_next(
        agency=dossier.receiving_agency, received_on=local(ctx.now).date()
    )
    dossier.accepted_at = ctx.now
    period = procedure_legal_period(procedure=dossier.procedure, channel=dossier.channel)
    dossier.legal_time = clock.period_json(period)
    dossier.resume_mode = dossier.procedure.resume_mode
    due = ctx.calendar(dossier.receiving_agency).due(ctx.now, period) if period else None
    clock.set_due(ctx, due)
    ctx.event["code"] = dossier.code
    payment_bills.rename_requests(dossier)
    process = process_in_force(procedure=dossier.procedure, agency=dossier.receiving_agency)
    if process is not None:
        dossier.process = process
        clock.enter(ctx, engine.first_step(process))
    warehouse_collect_papers(dossier, actor=ctx.actor)  # verified papers of the applicant


def _refuse(ctx: ActContext) -> None:
    ctx.dossier.closed_at = ctx.now
    ctx.event["reason"] = ctx.data.comment
    if cancelled := payment_bills.cancel_unpaid(
        ctx.dossier, actor=ctx.actor, reason=ctx.data.comment
    ):
        ctx.event["cancelled_payments"] = cancelled


def _request_supplement(ctx: ActContext) -> None:
    """Mẫu 02: what is missing, why, and the date by which the applicant must answer. During
    processing the clock pauses, and the request is made once (dossiers.pauses)."""
    dossier = ctx.dossier
    calendar = ctx.calendar(dossier.receiving_agency)
    if dossier.status == DossierStatus.IN_PROCESSING:
        earlier = dossier.pauses.filter(kind=PauseKind.SUPPLEMENT).count()
        pauses.check_supplement_allowed(
            calendar, now=ctx.now, accepted_at=dossier.accepted_at, earlier=earlier
        )
    answer_by = ctx.data.answer_by
    if answer_by is None:
        answer_by = pauses.default_answer_by(calendar, ctx.now)
    else:
        pauses.check_answer_by(calendar, ctx.now, answer_by)
    ctx.answer_by = answer_by
    ctx.event |= {
        "reason": ctx.data.comment,
        "missing": list(ctx.data.missing),
        "answer_by": answer_by.isoformat(),
    }
    if dossier.status == DossierStatus.IN_PROCESSING:
        clock.pause(ctx)


def _receive_supplement(ctx: ActContext) -> None:
    if ctx.dossier.status in PAUSED_STATUSES:
        clock.resume(ctx)


def _request_financial_obligation(ctx: ActContext) -> None:
    assert ctx.data.amount is not None
    DossierFee.objects.create(
        dossier=ctx.dossier,
        description=ctx.data.comment,
        amount=ctx.data.amount,
        purpose=Purpose.OBLIGATION,
    )
    bill = payment_bills.bill_due_fees(
        ctx.dossier,
        purpose=Purpose.OBLIGATION,
        actor=ctx.actor,
        legal_basis=ctx.data.comment,
        record_event=False,
    )
    ctx.event |= {"reason": ctx.data.comment, "amount": ctx.data.amount}
    ctx.event |= payment_bills.billed(bill)
    clock.pause(ctx)


def _confirm_payment(ctx: ActContext) -> None:
    """The obligation is paid: online (dossiers.payments settles its request, then confirms as
    the system) or elsewhere, with the proof shown to the officer (settled here)."""
    due = ctx.dossier.fees.filter(status=FeeStatus.DUE, purpose=Purpose.OBLIGATION)
    # Paid online, the request was settled before this act: its amount comes with the act.
    paid = sum(fee.amount for fee in due) or ctx.data.amount or 0
    ctx.event |= {"paid": paid, "reference": ctx.data.reference}
    settled = payment_bills.settle_shown_proof(
        ctx.dossier, actor=ctx.actor, at=ctx.now, data=ctx.data
    )
    if settled:
        ctx.event["settled"] = settled
    due.update(status=FeeStatus.PAID, paid_at=ctx.now, reference=ctx.data.reference)
    clock.resume(ctx)


def _forward(ctx: ActContext) -> None:
    clock.move(ctx, MoveKind.FORWARD, into_transfer=False)


def _send_back(ctx: ActContext) -> None:
    clock.move(ctx, MoveKind.BACK, into_transfer=False)


def _transfer(ctx: ActContext) -> None:
    if ctx.dossier.process is None:
        raise DomainError(
            _("This dossier has no internal process, so there is no other agency to send it to."),
            code="no_transfer_step",
        )
    clock.move(ctx, MoveKind.FORWARD, into_transfer=True)


def _receive_back(ctx: ActContext) -> None:
    clock.move(ctx, MoveKind.FORWARD, into_transfer=False)


def _stop(ctx: ActContext) -> None:
    """Stop processing; a dossier waiting for a supplement only once its answer-by date has
    passed (the clock stays paused from the supplement request)."""
    if ctx.dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        pause = clock.open_pause(ctx.dossier)
        pauses.check_stop_after_answer_by(now=ctx.now, answer_by=pause.answer_by if pause else None)
    ctx.event["reason"] = ctx.data.comment
    clock.pause(ctx)


def _resume_act(ctx: ActContext) -> None:
    clock.resume(ctx)


def _withdraw(ctx: ActContext) -> None:
    ctx.dossier.closed_at, ctx.dossier.paused_at = ctx.now, None
    ctx.event["reason"] = ctx.data.comment
    if cancelled := payment_bills.cancel_unpaid(
        ctx.dossier, actor=ctx.actor, reason=ctx.data.comment
    ):
        ctx.event["cancelled_payments"] = cancelled
    clock.leave(ctx)
    # A withdrawn dossier goes back to the desk that received it (papers to hand back).
    ctx.dossier.current_step, ctx.dossier.current_agency = None, ctx.dossier.receiving_agency


def _finish(ctx: ActContext) -> None:
    dossier = ctx.dossier
    step = dossier.current_step
    if (
        dossier.process is not None
        and step is not None
        and not engine.is_last(dossier.process, step)
    ):
        raise DomainError(
            _("The internal process has further steps; forward the dossier first."),
            code="process_not_finished",
        )
    if errors := check_signed_result(dossier):
        raise ValidationFailed(
            _("The result is not signed as the procedure requires."), errors=errors
        )
    clock.leave(ctx)
    dossier.current_step = None
    dossier.finished_at = ctx.now
    dossier.result_number = ctx.data.result_number.strip() or dossier.result_number
    dossier.judgement = judge(ctx.now, dossier.due_at) if dossier.due_at else ""
    ctx.event |= {"result_number": dossier.result_number, "judgement": dossier.judgement}


def _return_result(ctx: ActContext) -> None:
    """Counter: who took it (and the originals taken back); post: the tracking number; online:
    the electronic result must be on the dossier."""
    dossier, data = ctx.dossier, ctx.data
    method = data.return_method
    recipient = nfc(data.recipient_name.strip())
    tracking = data.tracking_number.strip()
    errors = []
    if method == ReturnMethod.COUNTER and not recipient:
        errors.append(_("Record who received the result."))
    if method == ReturnMethod.POST and not tracking:
        errors.append(_("Record the postal tracking number."))
    if method == ReturnMethod.ONLINE and not dossier.files.filter(purpose=FilePurpose.RESULT):
        errors.append(_("Upload the electronic result before returning it online."))
    elif method == ReturnMethod.ONLINE:
        errors += check_signed_result(dossier)
    if len(data.recipient_id_number.strip()) > 20 or len(tracking) > 50:
        errors.append(_("The ID number or tracking number is too long."))
    if errors:
        raise ValidationFailed(_("The result cannot be returned yet."), errors=errors)
    dossier.returned_at = dossier.closed_at = ctx.now
    dossier.return_method = method
    dossier.result_recipient_name = recipient if method == ReturnMethod.COUNTER else ""
    dossier.result_recipient_id_number = (
        data.recipient_id_number.strip() if method == ReturnMethod.COUNTER else ""
    )
    dossier.originals_collected = nfc(data.originals_collected.strip())
    dossier.post_tracking_number = tracking if method == ReturnMethod.POST else ""
    ctx.event |= {
        "return_method": method,
        "recipient": dossier.result_recipient_name,
        "originals_collected": dossier.originals_collected,
        "tracking_number": dossier.post_tracking_number,
    }
    warehouse_collect_results(dossier, actor=ctx.actor)  # into the applicant's e-warehouse


def _apologise(ctx: ActContext) -> None:
    """Mẫu 04: the agency now responsible for the dossier apologises for the delay and gives a
    new appointment, at the close of a later working day. The legal deadline stays (timeliness
    is judged by it) unless MOTCUA_APOLOGY_MOVES_DEADLINE says the apology moves it."""
    dossier, data = ctx.dossier, ctx.data
    assert data.new_appointment is not None
    current = dossier.appointment_at
    if current is None:
        raise DomainError(_("This dossier has no appointment date to move."), code="no_appointment")
    calendar = ctx.calendar(dossier.receiving_agency)
    day = data.new_appointment
    if day <= local(current).date() or not calendar.is_working_day(day):
        raise ValidationFailed(
            _("The new appointment is not valid."),
            errors=[
                _("The new appointment must be a working day after %(day)s.")
                % {"day": local(current).strftime("%d/%m/%Y")}
            ],
        )
    pauses.check_apology_allowed(
        now=ctx.now, due_at=dossier.due_at, earlier=dossier.apologies.count()
    )
    new = calendar.closing(day)
    dossier.apology_due_at = new
    ctx.appointment = (current, new)
    if settings.MOTCUA_APOLOGY_MOVES_DEADLINE:
        dossier.due_at = new
    ctx.event |= {"reason": data.comment, "new_appointment": new.isoformat()}

    def write(event: audit.AuditEvent) -> None:
        Apology.objects.create(
            dossier=dossier,
            agency=_apologising_agency(ctx),
            reason=nfc(data.comment.strip()),
            previous_appointment=current,
            new_appointment=new,
            issued_at=ctx.now,
            issued_by=ctx.actor,
            event=event,
        )

    ctx.after_event.append(write)


def _apologising_agency(ctx: ActContext) -> Agency:
    """The agency in whose name the apology goes out: the one holding the dossier (liên thông:
    the partner that is late) when the actor may apologise there, else the receiving one."""
    dossier = ctx.dossier
    held = actor_roles(dossier=dossier, user=ctx.actor, agencies=[dossier.current_agency])
    return dossier.current_agency if held & states.APOLOGISERS else dossier.receiving_agency


_EFFECTS: dict[Act, Callable[[ActContext], None]] = {
    Act.ACCEPT: _accept,
    Act.REFUSE: _refuse,
    Act.REQUEST_SUPPLEMENT: _request_supplement,
    Act.RECEIVE_SUPPLEMENT: _receive_supplement,
    Act.REQUEST_FINANCIAL_OBLIGATION: _request_financial_obligation,
    Act.CONFIRM_PAYMENT: _confirm_payment,
    Act.FORWARD: _forward,
    Act.SEND_BACK: _send_back,
    Act.TRANSFER: _transfer,
    Act.RECEIVE_BACK: _receive_back,
    Act.STOP: _stop,
    Act.RESUME: _resume_act,
    Act.WITHDRAW: _withdraw,
    Act.FINISH: _finish,
    Act.RETURN_RESULT: _return_result,
    Act.APOLOGISE: _apologise,
}
