"""Notices the applicant must receive, put in the notification outbox by the act that causes
them, inside its transaction (a rolled-back act sends nothing; a committed one cannot lose its
notice: the worker delivers it, with retries, see motcua.notifications).

`notify_applicant(dossier, event)` is called by `dossier_act` after every act (and by the
online submission with its registration event). For the acts the applicant must hear about
(`EVENTS`: the online submission's receipt, acceptance with the appointment (Mẫu 01), a
supplement request listing what is missing (Mẫu 02), a financial obligation, a refusal with its
reason (Mẫu 03), the result ready, the result returned, a withdrawal, an apology with the new
appointment (Mẫu 04)) it sends one message per channel chosen for the applicant
(`notifications.preferences.routes_for`: their account's preferences, else the defaults — the
e-mail address and phone number given on the dossier, the inbox of their account). The text of
each is `render_notice(event="dossiers.<name>", ...)`: an administrator's template or the
default files under `templates/notices/`. The e-mail carries the act's slip as a PDF where it
has one. Every message's idempotency key is `notice-<audit event id>-<channel>`, so a repeat
adds nothing and every copy delivered carries the same id.

Each event is registered (`register`, from DossiersConfig.ready) with a sample context for the
template preview and a real one for a dossier chosen by its code.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalogue.models import Procedure
from motcua.core.models import AuditEvent
from motcua.core.text import money
from motcua.notifications.attachments import Rendered, register_renderer
from motcua.notifications.models import Message
from motcua.notifications.notice_templates import register_event, render_notice
from motcua.notifications.preferences import routes_for
from motcua.notifications.services import enqueue_email, enqueue_inbox, enqueue_sms

from .constants import Act, ReturnMethod
from .models import Apology, Dossier
from .references import lookup_url
from .selectors import dossier_events
from .slips import Moment, SlipNotApplicable, render_slip, slip_filename

log = logging.getLogger(__name__)

# The dossier act (audit action "dossier.<act>") → the notice's event id.
EVENTS: dict[str, str] = {
    "register": "dossiers.submitted",  # online submissions only, see notify_applicant
    Act.ACCEPT.value: "dossiers.accepted",
    Act.REQUEST_SUPPLEMENT.value: "dossiers.supplement_requested",
    Act.REQUEST_FINANCIAL_OBLIGATION.value: "dossiers.financial_obligation",
    Act.REFUSE.value: "dossiers.refused",
    Act.FINISH.value: "dossiers.result_ready",
    Act.RETURN_RESULT.value: "dossiers.result_returned",
    Act.WITHDRAW.value: "dossiers.withdrawn",
    Act.STOP.value: "dossiers.stopped",
    Act.RESUME.value: "dossiers.resumed",
    Act.APOLOGISE.value: "dossiers.apology",
}
# The slip (motcua.dossiers.slips) attached to the e-mail of an event.
SLIPS = {
    "dossiers.accepted": "receipt",
    "dossiers.supplement_requested": "supplement",
    "dossiers.refused": "refusal",
    "dossiers.apology": "apology",
}
CHANNELS = ("email", "sms", "inbox")
SLIP_RENDERER = "dossiers.slip"


def notify_applicant(dossier: Dossier, event: AuditEvent) -> list[Message]:
    """Queue the notices of `event` (an act on `dossier`, just recorded) to its applicant;
    nothing for acts the applicant need not hear about. Call inside the act's transaction."""
    act = event.action.removeprefix("dossier.")
    name = EVENTS.get(act)
    if name is None:
        return []
    if act == "register" and dossier.applicant_user_id is None:
        return []  # by post: the desk writes when it accepts or refuses
    routes, language = routes_for(
        user=dossier.applicant_user, email=dossier.applicant_email, phone=dossier.applicant_phone
    )
    if not routes:
        return []
    context = _CONTEXTS[name](dossier, event)
    queued = []
    for route in routes:
        rendered = render_notice(
            event=name, channel=route.channel, language=language, context=context
        )
        key = f"notice-{event.pk}-{route.channel}"
        if route.channel == "email":
            queued.append(
                enqueue_email(
                    key=key,
                    to=route.to,
                    subject=rendered.subject,
                    body=rendered.body,
                    attachments=_slip(name, dossier),
                )
            )
        elif route.channel == "sms":
            queued.append(enqueue_sms(key=key, to=route.to, body=rendered.body))
        else:
            queued.append(
                enqueue_inbox(
                    key=key,
                    user=route.user,
                    subject=rendered.subject,
                    body=rendered.body,
                    link=f"/ho-so-cua-toi/{dossier.display_key}/",
                )
            )
    return queued


def enqueue_submission_receipt(dossier: Dossier) -> list[Message]:
    """The receipt of an online submission (not yet accepted: the one-stop desk checks it and
    the appointment comes with acceptance), from the submission's registration event."""
    event = dossier_events(dossier=dossier).filter(action="dossier.register").last()
    return notify_applicant(dossier, event) if event is not None else []


def _slip(name: str, dossier: Dossier) -> list[Rendered]:
    """The act's slip, rendered by the worker when it sends the e-mail (a PDF takes a third of a
    second, which the act would otherwise spend holding the dossier and its agency's code
    counter locked)."""
    kind = SLIPS.get(name)
    if kind is None:
        return []
    params = {"kind": kind, "dossier": dossier.pk}
    return [Rendered(slip_filename(kind, dossier), "application/pdf", SLIP_RENDERER, params)]


def render_slip_attachment(*, kind: str, dossier: int) -> bytes | None:
    """The slip of a queued e-mail (the slips are Vietnamese documents); None, and the e-mail
    goes without it, when the dossier no longer has that slip."""
    try:
        return render_slip(kind, Dossier.objects.get(pk=dossier))
    except SlipNotApplicable:
        log.warning("slip %s of dossier %s no longer applies; sent without it", kind, dossier)
        return None


# --- contexts ---------------------------------------------------------------------------------


def _links(dossier: Dossier) -> dict[str, str]:
    base = settings.MOTCUA_PUBLIC_URL
    mine = f"{base}/ho-so-cua-toi/{dossier.display_key}/"  # the portal takes either key
    lookup = lookup_url(dossier)
    # Without an account the applicant follows the dossier on the public lookup page (by its
    # code, or the reference of an online submission: a dossier refused at the counter or by
    # post before acceptance has neither, and then no link).
    return {"link": mine if dossier.applicant_user_id else lookup, "lookup": lookup}


def _common(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    data = event.data or {}
    return {
        "dossier": dossier,
        "code": dossier.code or "",
        "reference": dossier.reference or "",
        "procedure": dossier.procedure.name,
        "agency": dossier.receiving_agency.name,
        "at": Moment.of(event.occurred_at),
        "reason": data.get("reason", ""),
        **_links(dossier),
    }


def _submitted(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    return _common(dossier, event) | {"submitted": Moment.of(dossier.submitted_at)}


def _accepted(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    return _common(dossier, event) | {"appointment": Moment.of(dossier.appointment_at)}


def _supplement(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    data = event.data or {}
    answer_by = parse_date(str(data.get("answer_by") or ""))
    return _common(dossier, event) | {
        "missing": list(data.get("missing", [])),
        "answer_by": answer_by.strftime("%d/%m/%Y") if answer_by else "",
    }


def _financial(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    return _common(dossier, event) | {"amount": money((event.data or {}).get("amount") or 0)}


def _result_ready(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    return _common(dossier, event) | {"result_number": (event.data or {}).get("result_number", "")}


def _returned(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    data = event.data or {}
    method = data.get("return_method", "")
    return _common(dossier, event) | {
        "method": ReturnMethod(method).label if method in ReturnMethod.values else "",
        "tracking_number": data.get("tracking_number", ""),
    }


def _apology(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    apology = Apology.objects.filter(event=event).select_related("agency").first()
    if apology is None:
        apology = Apology.objects.filter(dossier=dossier).select_related("agency").last()
    if apology is None:
        raise LookupError("no apology")
    return _common(dossier, event) | {
        "apology": apology,
        "previous": Moment.of(apology.previous_appointment),
        "new": Moment.of(apology.new_appointment),
    }


_CONTEXTS: dict[str, Callable[[Dossier, AuditEvent], dict[str, Any]]] = {
    "dossiers.submitted": _submitted,
    "dossiers.accepted": _accepted,
    "dossiers.supplement_requested": _supplement,
    "dossiers.financial_obligation": _financial,
    "dossiers.refused": _common,
    "dossiers.result_ready": _result_ready,
    "dossiers.result_returned": _returned,
    "dossiers.withdrawn": _common,
    "dossiers.stopped": _common,
    "dossiers.resumed": _accepted,
    "dossiers.apology": _apology,
}


# --- registration (preview) -------------------------------------------------------------------

LABELS = {
    "dossiers.submitted": _("Online dossier submitted (receipt)"),
    "dossiers.accepted": _("Dossier accepted, with the appointment (form 01)"),
    "dossiers.supplement_requested": _("Supplement requested (form 02)"),
    "dossiers.financial_obligation": _("Financial obligation requested"),
    "dossiers.refused": _("Dossier refused (form 03)"),
    "dossiers.result_ready": _("Result ready"),
    "dossiers.result_returned": _("Result returned"),
    "dossiers.withdrawn": _("Dossier withdrawn"),
    "dossiers.stopped": _("Processing of the dossier stopped"),
    "dossiers.resumed": _("Processing of the dossier resumed, with the appointment"),
    "dossiers.apology": _("Apology and new appointment (form 04)"),
}
HELP = _(
    "Variables: dossier (its fields, e.g. dossier.applicant_name, dossier.display_key: the "
    "code, else the reference), code, reference (of an online submission), procedure, "
    "agency, at (the moment of the act: at.long, at.date), reason, link, lookup; "
    "submitted: submitted; accepted: appointment; supplement: missing (a list), answer_by "
    "(dd/mm/yyyy); financial "
    "obligation: amount; result ready: result_number; resumed: appointment; returned: method, "
    "tracking_number; apology: apology.reason, apology.agency.name, previous, new."
)

_SAMPLE_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam


def _sample_dossier() -> Dossier:
    return Dossier(
        code="000.00.01.H49-260302-0001",
        reference="K7MW2QXD",
        applicant_name="Nguyễn Văn An",
        applicant_email="an.nguyen@example.vn",
        applicant_phone="0912345678",
        procedure=Procedure(name="Đăng ký biến động quyền sử dụng đất"),
        receiving_agency=Agency(name="UBND xã A"),
        submitted_at=_SAMPLE_AT,
        accepted_at=_SAMPLE_AT,
        due_at=_SAMPLE_AT + timedelta(days=7, hours=9),
        return_method=ReturnMethod.COUNTER,
    )


def _sample_event(act: str, data: dict[str, Any]) -> AuditEvent:
    return AuditEvent(action=f"dossier.{act}", occurred_at=_SAMPLE_AT, data=data)


_SAMPLE_DATA: dict[str, dict[str, Any]] = {
    "dossiers.supplement_requested": {
        "reason": "Bản sao chưa được chứng thực",
        "missing": ["Bản sao giấy chứng nhận quyền sử dụng đất (chứng thực)", "Tờ khai lệ phí"],
        "answer_by": "2026-03-16",
    },
    "dossiers.financial_obligation": {"reason": "Lệ phí trước bạ", "amount": 1250000},
    "dossiers.refused": {"reason": "Thủ tục không thuộc thẩm quyền giải quyết của xã"},
    "dossiers.result_ready": {"result_number": "125/GCN"},
    "dossiers.result_returned": {"return_method": "post", "tracking_number": "EB123456789VN"},
    "dossiers.withdrawn": {"reason": "Người nộp không còn nhu cầu"},
    "dossiers.stopped": {"reason": "Chờ kết quả giải quyết tranh chấp đất đai của Tòa án"},
}


def _sample(name: str) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        dossier = _sample_dossier()
        event = _sample_event(name, _SAMPLE_DATA.get(name, {}))
        if name != "dossiers.apology":
            return _CONTEXTS[name](dossier, event)
        apology = Apology(
            dossier=dossier,
            agency=dossier.receiving_agency,
            reason="Chờ ý kiến của Chi cục Thuế về nghĩa vụ tài chính",
            previous_appointment=dossier.due_at,
            new_appointment=_SAMPLE_AT + timedelta(days=10, hours=9),
        )
        return _common(dossier, event) | {
            "apology": apology,
            "previous": Moment.of(apology.previous_appointment),
            "new": Moment.of(apology.new_appointment),
        }

    return build


def _real(name: str) -> Callable[[str], dict[str, Any]]:
    act = next(a for a, n in EVENTS.items() if n == name)

    def build(reference: str) -> dict[str, Any]:
        reference = reference.strip()
        dossier = (
            Dossier.objects.select_related("procedure", "receiving_agency")
            .filter(code=reference)
            .first()
        )
        if dossier is None:
            raise LookupError(_("No dossier has the code %(code)s.") % {"code": reference})
        event = dossier_events(dossier=dossier).filter(action=f"dossier.{act}").last()
        if event is None:
            raise LookupError(_("Dossier %(code)s has no such event.") % {"code": reference})
        return _CONTEXTS[name](dossier, event)

    return build


def register() -> None:
    """Make the applicant notices known to the template admin (DossiersConfig.ready)."""
    register_renderer(SLIP_RENDERER, render_slip_attachment)
    for name, label in LABELS.items():
        register_event(
            event=name,
            label=label,
            channels=CHANNELS,
            sample_context=_sample(name),
            help_text=HELP,
            real_context=_real(name),
        )
