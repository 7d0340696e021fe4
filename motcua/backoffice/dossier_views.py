"""One dossier for officials: everything it holds, its control slip, its timeline with the chain
check, and one form per act the official may do now (POST, then redirect back)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from motcua.catalogue.constants import Channel
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import WorkingCalendar, local
from motcua.deadlines.selectors import calendar_for
from motcua.dossiers import pauses
from motcua.dossiers.answers import (
    answers_correctable,
    dossier_answer_correct,
    dossier_answers,
    dossier_form,
    editable_answers,
)
from motcua.dossiers.constants import (
    NATIONAL_STATUS_CODE,
    Act,
    DossierStatus,
    ReturnMethod,
)
from motcua.dossiers.models import JUDGEMENT_CHOICES, Dossier, StepRecord
from motcua.dossiers.public import legal_time_shown
from motcua.dossiers.selectors import (
    dossier_allowed_acts,
    dossier_events,
    dossier_get_visible,
    dossier_verify,
)
from motcua.dossiers.services import ActInput, dossier_act
from motcua.dossiers.slips import legal_time_text as slip_legal_time_text
from motcua.dossiers.slips import slip_form, slips_available
from motcua.dossiers.worklists import RUNNING_STATUSES, working_days_between
from motcua.eforms.display import raw_text

from .forms import ActForm
from .payment_events import payment_event_details, payment_event_title
from .worklists import is_official

JUDGEMENTS = dict(JUDGEMENT_CHOICES)


def _visible_or_404(request: HttpRequest, key: str) -> Dossier:
    """The dossier if an official may see it; 404 for everyone else (existence is not told)."""
    if not is_official(request.user):
        raise Http404
    try:
        dossier = dossier_get_visible(user=request.user, key=key)  # type: ignore[arg-type]
    except Dossier.DoesNotExist:
        raise Http404 from None
    prefetch_related_objects(
        [dossier], "procedure__field", "process__agency", "process__steps", "process__moves"
    )
    return dossier


@dataclass(frozen=True)
class Deadline:
    """A due time seen from now: working days (by date) or working hours left, negative when
    it has passed."""

    due_at: datetime | None
    overdue: bool = False
    days_left: int | None = None
    hours_left: float | None = None

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def hours_late(self) -> float:
        return -self.hours_left if self.hours_left is not None and self.hours_left < 0 else 0.0


def _hours_left(calendar: WorkingCalendar, now: datetime, due: datetime) -> float:
    if due >= now:
        left = calendar.working_time_between(now, due)
    else:
        left = -calendar.working_time_between(due, now)
    return round(left / timedelta(hours=1), 1)


def _dossier_deadline(dossier: Dossier, calendar: WorkingCalendar, now: datetime) -> Deadline:
    if dossier.due_at is None or dossier.status not in RUNNING_STATUSES:
        return Deadline(dossier.due_at)
    return Deadline(
        dossier.due_at,
        overdue=dossier.due_at < now,
        days_left=working_days_between(calendar, local(now).date(), local(dossier.due_at).date()),
    )


APOLOGY_WARNING_DAYS = 1  # working days before the appointment when the page asks for Mẫu 04


def _apology_prompt(dossier: Dossier, calendar: WorkingCalendar, now: datetime) -> str:
    """ "due": the running dossier will miss the appointment the applicant holds, so the
    responsible agency should issue the apology and a new appointment (Mẫu 04) now, before the
    deadline; "missed": the deadline passed and the apology can no longer be given (dossiers.
    pauses: once, before the deadline); "" otherwise (on track, or the apology was given)."""
    appointment = dossier.appointment_at
    if appointment is None or dossier.status not in RUNNING_STATUSES:
        return ""
    if appointment < now:
        prompt = "missed" if pauses.apology_too_late(now, dossier.due_at) else "due"
    else:
        days = working_days_between(calendar, local(now).date(), local(appointment).date())
        prompt = "due" if days <= APOLOGY_WARNING_DAYS else ""
    if prompt and pauses.apology_used_up(dossier.apologies.count()):
        return ""
    return prompt


def _step_deadline(record: StepRecord | None, dossier: Dossier, now: datetime) -> Deadline | None:
    if record is None:
        return None
    if record.due_at is None or dossier.status not in RUNNING_STATUSES:
        return Deadline(record.due_at)
    calendar = calendar_for(record.agency)
    return Deadline(
        record.due_at,
        overdue=record.due_at < now,
        hours_left=_hours_left(calendar, now, record.due_at),
    )


def legal_time_text(legal_time: dict[str, Any] | None) -> str:
    """The legal time copied at acceptance, in words, as the slips word it except a same-day
    time, which the page explains."""
    return slip_legal_time_text(
        legal_time, same_day=_("Within the day (after 15:00, the next working day)")
    )


@dataclass
class EventRow:
    seq: int
    at: datetime
    actor: str
    title: str
    status_from: str = ""
    status_to: str = ""
    details: list[tuple[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _status_label(value: Any) -> str:
    return str(DossierStatus(value).label) if value in DossierStatus.values else ""


def _event_row(event: AuditEvent) -> EventRow:
    data = event.data or {}
    name = event.action.removeprefix("dossier.")
    if name in Act.values:
        title = str(Act(name).label)
    else:
        titles = {
            "register": _("Registered"),
            "file_added": _("File added"),
            "rated": _("Rated by the applicant"),
            "declared": _("Declaration made by the applicant"),
            "answer_corrected": _("Form answer corrected"),
            "assign": _("Assigned to an official"),
            "result_signed": _("Result signed digitally"),
            "result_sealed": _("Result numbered and sealed"),
            "result_signing_prepared": _("Signing of the result prepared"),
        }
        title = payment_event_title(event.action) or titles.get(name, event.action)
    at = parse_datetime(str(data.get("at") or "")) or event.occurred_at
    actor = event.actor
    row = EventRow(
        seq=event.seq,
        at=at,
        actor=str(getattr(actor, "full_name", "") or actor.get_username()) if actor else "",
        title=title,
        status_from=_status_label(data.get("from")),
        status_to=_status_label(data.get("to")),
        missing=[str(item) for item in data.get("missing") or []],
    )
    if name == "register" and data.get("channel") in Channel.values:
        row.details.append((_("Submission channel"), Channel(data["channel"]).label))
    if data.get("code") and name == Act.ACCEPT:
        row.details.append((_("Dossier code"), data["code"]))
    for key, label in (("reason", _("Reason")), ("comment", _("Comment"))):
        if data.get(key):
            row.details.append((label, data[key]))
    if data.get("file"):
        row.details.append((_("File"), data["file"]))
    if data.get("certificate"):
        row.details.append((_("Certificate"), data["certificate"]))
    if data.get("step"):
        row.details.append((_("Now at the step"), data["step"]))
    if data.get("assignee_name"):
        row.details.append((_("Assigned to"), data["assignee_name"]))
    if data.get("previous_assignee_name"):
        row.details.append((_("Previously assigned to"), data["previous_assignee_name"]))
    if data.get("step_judgement") in JUDGEMENTS:
        row.details.append((_("The step it left was"), JUDGEMENTS[data["step_judgement"]]))
    if "due_at" in data and name != "register":
        due = parse_datetime(str(data["due_at"] or ""))
        row.details.append((_("Appointment"), local(due) if due else _("none")))
    if data.get("amount"):
        row.details.append((_("Amount (đồng)"), data["amount"]))
    if data.get("reference"):
        row.details.append((_("Payment reference"), data["reference"]))
    if data.get("result_number"):
        row.details.append((_("Number of the result document"), data["result_number"]))
    row.details.extend(payment_event_details(data))
    if data.get("judgement") in JUDGEMENTS:
        row.details.append((_("Processed"), JUDGEMENTS[data["judgement"]]))
    if data.get("return_method") in ReturnMethod.values:
        row.details.append((_("Result returned"), ReturnMethod(data["return_method"]).label))
    for key, label in (
        ("recipient", _("Received by")),
        ("originals_collected", _("Originals collected back")),
        ("tracking_number", _("Postal tracking number")),
    ):
        if data.get(key):
            row.details.append((label, data[key]))
    if data.get("answer_by"):
        answer_by = parse_date(str(data["answer_by"]))
        row.details.append((_("To answer by"), answer_by or data["answer_by"]))
    if data.get("new_appointment"):
        new = parse_datetime(str(data["new_appointment"]))
        row.details.append((_("New appointment"), local(new) if new else data["new_appointment"]))
    if name == "answer_corrected":
        row.details += [
            (_("Field of the form"), data.get("label") or data.get("field", "")),
            (_("Answer before"), data.get("old_text") or _answer_text(data.get("old"))),
            (_("Answer after"), data.get("new_text") or _answer_text(data.get("new"))),
        ]
        if data.get("removed"):
            row.details.append((_("Answers no longer asked, removed"), ", ".join(data["removed"])))
    return row


def _answer_text(value: Any) -> str:
    return "–" if value is None or value == "" else raw_text(value)


def _answer_section(dossier: Dossier, user: Any, failed: dict[str, Any] | None) -> dict[str, Any]:
    """The answers of the e-form, and for the reception officer at intake, what each answer's
    correction form shows (`failed`: the path, value and errors of a refused correction)."""
    if not dossier.form_data:  # received at the counter or by post: no e-form, no query
        return {"answers": [], "may_correct": False}
    form = dossier_form(dossier)
    rows = dossier_answers(dossier, form)
    may_correct = answers_correctable(dossier=dossier, user=user)
    edits = editable_answers(dossier, form) if may_correct else {}
    failed = failed or {}

    def view(answer: Any) -> dict[str, Any]:
        edit = edits.get(answer.key)
        mine = edit is not None and failed.get("path") == edit.path
        typed = failed.get("value") if mine else None
        value, chosen = (edit.value, edit.chosen) if edit is not None else ("", ())
        if typed is not None and edit is not None:
            if isinstance(typed, list):
                chosen = tuple(typed)
            elif edit.options or edit.type == "boolean":
                chosen = (typed,)
            else:
                value = typed
        return {
            "answer": answer,
            "edit": edit,
            "failed": typed is not None,
            "value": value,
            "chosen": chosen,
            "errors": failed.get("errors", []) if typed is not None else [],
            "rows": [
                {"label": row.label, "answers": [view(item) for item in row.answers]}
                for row in answer.rows
            ],
        }

    return {
        "answers": [view(answer) for answer in rows],
        "answers_form_changed": form.changed,
        "answers_form_missing": bool(rows) and form.spec is None,
        "may_correct": may_correct,
    }


def _render(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: ActForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
    correction: dict[str, Any] | None = None,
) -> HttpResponse:
    now = timezone.now()
    calendar = calendar_for(dossier.receiving_agency)
    acts = dossier_allowed_acts(dossier=dossier, user=request.user)
    forms = [
        bound if bound is not None and bound.act == act else ActForm(act=act, dossier=dossier)
        for act in acts
    ]
    records = list(
        dossier.step_records.select_related("step", "agency", "ended_by").order_by(
            "started_at", "id"
        )
    )
    open_record = next((r for r in records if r.ended_at is None), None)
    broken = dossier_verify(dossier=dossier)
    context = {
        "dossier": dossier,
        "key": dossier.key,
        "national_status": NATIONAL_STATUS_CODE[DossierStatus(dossier.status)],
        "legal_time": legal_time_text(legal_time_shown(dossier)),
        "deadline": _dossier_deadline(dossier, calendar, now),
        "apology_prompt": _apology_prompt(dossier, calendar, now),
        "may_apologise": Act.APOLOGISE in acts,
        "step_deadline": _step_deadline(open_record, dossier, now),
        "open_record": open_record,
        "slips": [(kind, slip_form(kind, dossier)) for kind in slips_available(dossier)],
        "components": dossier.components.prefetch_related("files"),
        "fees": list(dossier.fees.all()),
        "appointments": dossier.appointment_changes.order_by("changed_at", "id"),
        "records": records,
        "events": [_event_row(event) for event in dossier_events(dossier=dossier)],
        "broken": broken,
        "forms": forms,
        "errors": errors or [],
        "failed": bound,
        **_answer_section(dossier, request.user, correction),
    }
    return render(request, "backoffice/dossier.html", context, status=status)


@login_required
@require_safe
def dossier_detail(request: HttpRequest, key: str) -> HttpResponse:
    return _render(request, _visible_or_404(request, key))


@login_required
@require_POST
def dossier_act_view(request: HttpRequest, key: str) -> HttpResponse:
    """Perform one act. Success: a message and a redirect to the dossier. Bad input (400), a
    refusal (403 for the wrong role, 409 when the dossier does not allow it or was changed by
    someone else): the page again, with what was typed and why."""
    dossier = _visible_or_404(request, key)
    try:
        act = Act(request.POST.get("act", ""))
    except ValueError:
        return _render(request, dossier, errors=[_("Unknown act.")], status=400)
    form = ActForm(request.POST, act=act, dossier=dossier)
    if not form.is_valid():
        return _render(request, dossier, bound=form, status=400)
    data = form.cleaned_data
    act_input = ActInput(
        comment=data.get("comment") or "",
        target_step_id=data.get("target_step") or (form.next_step.pk if form.next_step else None),
        missing=form.missing_items() if "missing" in form.fields else (),
        amount=data.get("amount"),
        reference=data.get("reference") or "",
        result_number=data.get("result_number") or "",
        return_method=data.get("return_method") or "",
        new_appointment=data.get("new_appointment"),
        answer_by=data.get("answer_by"),
        recipient_name=data.get("recipient_name") or "",
        recipient_id_number=data.get("recipient_id_number") or "",
        originals_collected=data.get("originals_collected") or "",
        tracking_number=data.get("tracking_number") or "",
        expected_version=data["version"],
    )
    try:
        updated = dossier_act(dossier=dossier, act=act, actor=request.user, data=act_input)  # type: ignore[arg-type]
    except ValidationFailed as error:
        for message in error.errors or [error.message]:
            form.add_error(None, message)
        return _render(request, dossier, bound=form, status=400)
    except DomainError as error:
        if error.code == "stale_version":
            # Keep what was typed, against the version now shown, so the official can check
            # the dossier as it is now and send it again if it still applies.
            form = _rebound(request.POST, act, dossier)
        form.add_error(None, error.message)
        status = 403 if error.code == "act_not_permitted" else 409
        return _render(request, dossier, bound=form, status=status)
    messages.success(request, _success_message(act, updated))
    return redirect("backoffice:dossier", key=updated.key)


@login_required
@require_POST
def dossier_answer_correct_view(request: HttpRequest, key: str) -> HttpResponse:
    """Correct one answer of the e-form at intake. Success: a message and back to the answers.
    Bad input (400), the wrong user (403), a dossier no longer at reception or changed by
    someone else (409): the page again with the reasons, and nothing changed."""
    dossier = _visible_or_404(request, key)
    path = request.POST.get("path", "")
    values = [value for value in request.POST.getlist("value") if isinstance(value, str)]
    value: Any = values if request.POST.get("multiple") else (values[0] if values else "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        updated = dossier_answer_correct(
            dossier=dossier,
            path=path,
            value=value,
            actor=request.user,  # type: ignore[arg-type]
            expected_version=version,
        )
    except ValidationFailed as error:
        messages_ = [error.message, *error.errors]
        edit = editable_answers(dossier).get(path)
        if edit is None:
            return _render(request, dossier, errors=messages_, status=400)
        # The reasons at the top of the page, and again next to the answer's open form.
        failed = {"path": path, "value": value, "errors": messages_}
        summary = [f"{edit.label}: {message}" for message in messages_]
        return _render(request, dossier, errors=summary, correction=failed, status=400)
    except DomainError as error:
        status = 403 if error.code == "act_not_permitted" else 409
        return _render(request, dossier, errors=[error.message], status=status)
    messages.success(request, _("The answer was corrected and recorded in the history."))
    return redirect(reverse("backoffice:dossier", kwargs={"key": updated.key}) + "#answers-title")


def _rebound(post: QueryDict, act: Act, dossier: Dossier) -> ActForm:
    data = post.copy()
    data[f"{act.value}-version"] = str(dossier.version)
    form = ActForm(data, act=act, dossier=dossier)
    form.is_valid()
    return form


def _success_message(act: Act, dossier: Dossier) -> str:
    message = _("Done: “%(act)s”. The dossier is now “%(status)s”.") % {
        "act": act.label,
        "status": dossier.get_status_display(),
    }
    step = dossier.current_step
    if step is not None and act in (Act.FORWARD, Act.SEND_BACK, Act.TRANSFER, Act.RECEIVE_BACK):
        message += " " + _("Next step: “%(step)s” (%(role)s, %(agency)s).") % {
            "step": step.name,
            "role": step.get_role_display(),
            "agency": dossier.current_agency,
        }
    return message
