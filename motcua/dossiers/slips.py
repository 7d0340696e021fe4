"""The official slips of a dossier as PDFs, on the forms in force on the dossier's date
(`form_sets`: Circular 01/2018/TT-VPCP, then Circular 03/2025/TT-VPCP; docs/slips.md).

Each `slip_*` function reads a dossier (nothing is written) and returns the context of its
template under `templates/slips/`; `render_slip` renders one as a PDF. A slip reproduces what
was issued: the receipt shows the acceptance, its officer and the appointment given then; the
supplement request and the refusal show their act's reason, officer and moment. Times are in
Vietnam time. A slip that does not apply to the dossier raises `SlipNotApplicable`.

The slips are Vietnamese administrative documents, so `render_slip` renders them in Vietnamese
whatever the language of the page that asks for them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import local as local_moment
from motcua.documents.pdf import render_pdf
from motcua.documents.qr import qr_svg

from .answers import answers_in_brief
from .constants import Act, ApplicantKind, DossierStatus, PauseKind, ReturnMethod
from .form_sets import CIRCULAR_01_2018, FormRef, form_set_for
from .models import JUDGEMENT_CHOICES, Apology, AppointmentChange, Dossier, StepRecord
from .selectors import dossier_events
from .slip_parts import Moment, legal_time_text, place_name
from .slip_register import register_entry

__all__ = ["Moment", "legal_time_text"]  # re-exported: notices, register and pages use them


@dataclass(frozen=True)
class SlipForm:
    number: str  # the form's number in Circular 01/2018/TT-VPCP (see `slip_form` for a dossier)
    title: Any  # lazy, translated when the slip is rendered
    template: str


TEMPLATES: dict[str, str] = {
    "receipt": "slips/receipt.html",
    "supplement": "slips/supplement.html",
    "refusal": "slips/refusal.html",
    "apology": "slips/apology.html",
    "control": "slips/control.html",
}
# The forms under Circular 01/2018/TT-VPCP, kept for the pages that list slips without a
# dossier at hand; a dossier's own numbers and titles come from `slip_form`.
FORMS: dict[str, SlipForm] = {
    kind: SlipForm(
        CIRCULAR_01_2018.forms[kind].number, CIRCULAR_01_2018.forms[kind].title, template
    )
    for kind, template in TEMPLATES.items()
}
SLIP_KINDS = tuple(TEMPLATES)
SLIP_LANGUAGE = "vi"
LOOKUP_PATH = "/tra-cuu/"  # the public lookup page (portal) the receipt's QR code opens
JUDGEMENTS: dict[str, Any] = dict(JUDGEMENT_CHOICES)  # labels, lazy
SUPPLEMENT_PAUSES = (PauseKind.SUPPLEMENT, PauseKind.INTAKE_SUPPLEMENT)


def slip_form(kind: str, dossier: Dossier) -> FormRef:
    """The number and title of the slip `kind` on the forms in force on the dossier's date."""
    return form_set_for(dossier).forms[kind]


class SlipNotApplicable(DomainError):
    """The dossier has no such slip (e.g. a refusal slip for an accepted dossier)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="slip_not_applicable")


# --- which slips apply ------------------------------------------------------------------------


def _event(dossier: Dossier, act: Act) -> AuditEvent | None:
    """The dossier's latest event of `act`."""
    return dossier_events(dossier=dossier).filter(action=f"dossier.{act}").last()


def _require(kind: str, dossier: Dossier) -> AuditEvent | None:
    """The event the slip reproduces (None for the control slip); SlipNotApplicable if the
    dossier has no such slip."""
    if kind not in TEMPLATES:
        raise SlipNotApplicable(_("There is no slip “%(kind)s”.") % {"kind": kind})
    if kind == "refusal":
        event = _event(dossier, Act.REFUSE)
        if dossier.status != DossierStatus.NOT_ACCEPTED or event is None:
            raise SlipNotApplicable(
                _("This dossier was not refused, so it has no refusal slip (form 03).")
            )
        return event
    if kind == "supplement":
        event = _event(dossier, Act.REQUEST_SUPPLEMENT)
        if event is None:
            raise SlipNotApplicable(
                _("No supplement was requested for this dossier, so it has no request (form 02).")
            )
        return event
    if kind == "apology":
        event = _event(dossier, Act.APOLOGISE)
        if event is None:
            raise SlipNotApplicable(
                _("No apology was issued for this dossier, so it has no form 04.")
            )
        return event
    if dossier.accepted_at is None or not dossier.code:
        if kind == "receipt":
            raise SlipNotApplicable(
                _("The receipt (form 01) is issued when a dossier is accepted.")
            )
        raise SlipNotApplicable(
            _("The process control slip (form 05) starts when a dossier is accepted.")
        )
    return _event(dossier, Act.ACCEPT) if kind == "receipt" else None


def slips_available(dossier: Dossier) -> list[str]:
    """The kinds of slip the dossier has, in form order (for links on the dossier's page): the
    same rules as `_require`, from one query for the acts the dossier went through."""
    events = dossier_events(dossier=dossier).order_by()
    done = set(events.values_list("action", flat=True).distinct())
    accepted = dossier.accepted_at is not None and bool(dossier.code)
    has = {
        "receipt": accepted,
        "supplement": f"dossier.{Act.REQUEST_SUPPLEMENT}" in done,
        "refusal": dossier.status == DossierStatus.NOT_ACCEPTED and f"dossier.{Act.REFUSE}" in done,
        "apology": f"dossier.{Act.APOLOGISE}" in done,
        "control": accepted,
    }
    return [kind for kind in SLIP_KINDS if has[kind]]


def slip_filename(kind: str, dossier: Dossier) -> str:
    """ "mau-01-000.00.01.H49-260302-0001.pdf"; before acceptance, by the dossier's reference."""
    return f"mau-{slip_form(kind, dossier).number}-{dossier.key}.pdf"


# --- the contexts -----------------------------------------------------------------------------


def slip_receipt(dossier: Dossier) -> dict[str, Any]:
    """Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: as issued at acceptance."""
    event = _require("receipt", dossier)
    assert dossier.accepted_at is not None and dossier.code
    first_due = (
        AppointmentChange.objects.filter(dossier=dossier, act=Act.ACCEPT)
        .values_list("new_due_at", flat=True)
        .first()
    )
    lookup_url = (
        f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{LOOKUP_PATH}?ma={quote(dossier.code, safe='')}"
    )
    components = list(dossier.components.all())
    # What the applicant declared online (tờ khai), in the room the page leaves.
    answers = answers_in_brief(dossier, limit=_receipt_answer_room(dossier, components))
    return {
        **_common("receipt", dossier, dossier.accepted_at),
        "components": [
            {
                "number": position,
                "name": component.name,
                "originals": component.originals,
                "certified_copies": component.certified_copies,
                "copies": component.copies,
            }
            for position, component in enumerate(components, start=1)
        ],
        "sets": "01",  # one dossier is one set (bộ) of papers
        "legal_time": legal_time_text(dossier.legal_time),
        "received": Moment.of(dossier.accepted_at),
        "due": Moment.of(first_due or dossier.due_at),
        "return_channel": _return_channel(dossier),
        "entry": register_entry(dossier),
        "officer": _person(event.actor if event else None),
        "submitter": dossier.representative_name or dossier.applicant_name,
        "lookup_url": lookup_url,
        "qr": qr_svg(lookup_url),
        "answers": answers[0],
        "answers_cut": answers[1],
    }


# Mẫu 01 stays on one A4 page (12 pt). Measured on rendered receipts: the room (mm) a page
# with an empty table and one-line texts leaves above its bottom margin, signatures included;
# what a row of the table and each further line of text take; a line of the declaration
# (11 pt) and, conservatively, how many characters it holds.
RECEIPT_ROOM_MM = 79.0  # since the 2025 forms: a legal-basis line, the register entry and a
# three-count table whose header takes three lines
ROW_MM, LINE_MM = 7.0, 5.3
ANSWER_LINE_MM, ANSWER_LINE_CHARS = 4.7, 105
SAFETY_MM = 5.0


def _lines(text: str, width: int) -> int:
    return max(1, -(-len(text) // width))


def _receipt_answer_room(dossier: Dossier, components: list[Any]) -> int:
    """How many characters of the declaration fit on the receipt's page (0: none)."""
    # The name column is what the three count columns leave (about 38 characters a line).
    rows = [ROW_MM + LINE_MM * (_lines(c.name, 38) - 1) for c in components] or [ROW_MM]
    room = RECEIPT_ROOM_MM - SAFETY_MM - sum(rows)
    if dossier.representative_name:
        room -= LINE_MM * _lines(f"{dossier.representative_name} {dossier.authorisation}", 55)
    room -= LINE_MM * (_lines(f"Địa chỉ: {dossier.applicant_address}", 80) - 1)
    room -= LINE_MM * (_lines(f"Nội dung yêu cầu giải quyết: {dossier.procedure.name}", 80) - 1)
    room -= LINE_MM * (_lines(f"6. Trả kết quả tại: {_return_channel(dossier)}", 80) - 1)
    lines = int(room // ANSWER_LINE_MM) - 1  # and one for the closing "…"
    return max(0, lines * ANSWER_LINE_CHARS)


def slip_supplement(dossier: Dossier) -> dict[str, Any]:
    """Mẫu 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: the latest request, its missing items
    and reason, and the officer who guides the applicant."""
    event = _require("supplement", dossier)
    assert event is not None
    return {
        **_common("supplement", dossier, _event_time(event)),
        "answer_by": _answer_by(dossier, event),
        "missing": [str(item) for item in event.data.get("missing", []) if str(item).strip()],
        "reason": str(event.data.get("reason", "")),
        "officer": _person(event.actor),
        "officer_phone": event.actor.phone if event.actor else "",
    }


def slip_refusal(dossier: Dossier) -> dict[str, Any]:
    """Mẫu 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ: the reason and the officer."""
    event = _require("refusal", dossier)
    assert event is not None
    return {
        **_common("refusal", dossier, _event_time(event)),
        "legal_bases": [
            f"{document.number} {document.title}".strip()
            for document in dossier.procedure.legal_bases.order_by("issued_on", "number")
        ],
        "reason": str(event.data.get("reason", "")),
        "officer": _person(event.actor),
        "submitter": dossier.representative_name or dossier.applicant_name,
    }


def slip_apology(dossier: Dossier) -> dict[str, Any]:
    """Mẫu 04, Phiếu xin lỗi và hẹn lại ngày trả kết quả: the latest apology, issued in the name
    of the agency responsible for the delay, with the appointment it replaces."""
    event = _require("apology", dossier)
    assert event is not None and dossier.accepted_at is not None
    apology = Apology.objects.select_related("agency__parent", "issued_by").get(event=event)
    context = _common("apology", dossier, apology.issued_at)
    agency = apology.agency
    return {
        **context,
        "agency": {"name": agency.name, "parent": agency.parent.name if agency.parent else ""},
        "receiving_agency": dossier.receiving_agency.name,
        "received": Moment.of(dossier.accepted_at),
        "legal_time": legal_time_text(dossier.legal_time),
        "previous": Moment.of(apology.previous_appointment),
        "new": Moment.of(apology.new_appointment),
        "reason": apology.reason,
        "officer": _person(apology.issued_by),
    }


def slip_control(dossier: Dossier) -> dict[str, Any]:
    """Mẫu 05, Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per stay at a step (who
    handed the dossier to whom, received, due, handed on, early / on time / late)."""
    _require("control", dossier)
    assert dossier.accepted_at is not None
    records = list(
        StepRecord.objects.filter(dossier=dossier).select_related("agency", "step", "ended_by")
    )
    rows = []
    for number, record in enumerate(records, start=1):
        following = records[number] if number < len(records) else None
        rows.append(
            {
                "number": number,
                "giver": _holder(record),
                "step": record.step.name if record.step else "",
                "receiver": _receiver(dossier, record, following),
                "received": Moment.of(record.started_at),
                "due": Moment.of(record.due_at),
                "handed_on": Moment.of(record.ended_at),
                "handed_on_by": _person(record.ended_by) if record.ended_by else "",
                "judgement": JUDGEMENTS.get(record.judgement, ""),
                "note": Act(record.end_act).label if record.end_act in Act.values else "",
            }
        )
    changes = list(
        AppointmentChange.objects.filter(dossier=dossier).values_list("new_due_at", flat=True)
    )
    first_due = changes[0] if changes else None
    home = dossier.process.agency if dossier.process else dossier.receiving_agency
    partners = list(
        dict.fromkeys(
            record.agency.name
            for record in records
            if record.agency_id not in {home.pk, dossier.receiving_agency_id}
        )
    )
    return {
        **_common("control", dossier, dossier.accepted_at),
        "received": Moment.of(dossier.accepted_at),
        "due": Moment.of(dossier.due_at),
        "first_due": Moment.of(first_due) if first_due and first_due != dossier.due_at else None,
        "processing_agency": home.name,
        "partner_agencies": partners,
        "rows": rows,
        "judgement": JUDGEMENTS.get(dossier.judgement, ""),
        "finished": Moment.of(dossier.finished_at),
        "return_row": {
            "number": len(rows) + 1,
            "giver": _("Receiving and result-returning unit, %(agency)s")
            % {"agency": dossier.receiving_agency.name},
            "receiver": dossier.result_recipient_name
            or dossier.representative_name
            or dossier.applicant_name,
            "returned": Moment.of(dossier.returned_at),
            "method": ReturnMethod(dossier.return_method).label
            if dossier.return_method in ReturnMethod.values
            else "",
        },
    }


BUILDERS: dict[str, Callable[[Dossier], dict[str, Any]]] = {
    "receipt": slip_receipt,
    "supplement": slip_supplement,
    "refusal": slip_refusal,
    "apology": slip_apology,
    "control": slip_control,
}


def render_slip(kind: str, dossier: Dossier, *, language: str = SLIP_LANGUAGE) -> bytes:
    """The slip `kind` (a key of FORMS) of `dossier` as a PDF;
    SlipNotApplicable (in the caller's language) when the dossier has no such slip."""
    _require(kind, dossier)
    with translation.override(language):
        return render_pdf(TEMPLATES[kind], BUILDERS[kind](dossier))


# --- helpers ----------------------------------------------------------------------------------


def _common(kind: str, dossier: Dossier, issued_at: datetime) -> dict[str, Any]:
    """What every slip shows: the form (number, title, legal basis) of the set in force on the
    dossier's date, the masthead, the date line with its place name, the applicant."""
    form_set = form_set_for(dossier)
    form = form_set.forms[kind]
    agency = dossier.receiving_agency
    citizen = dossier.applicant_kind == ApplicantKind.CITIZEN
    issued = Moment(local_moment(issued_at))
    return {
        "kind": kind,
        "form_set": form_set.key,
        "form_number": form.number,
        "form_ref": form_set.reference(kind),
        "title": str(form.title),
        "agency": {"name": agency.name, "parent": agency.parent.name if agency.parent else ""},
        "issued": issued,
        "dated": issued.dated_in(place_name(agency)),
        "code": dossier.code or "",
        "procedure": dossier.procedure.name,
        "applicant": {
            "name": dossier.applicant_name,
            "id_label": _("Personal identification number") if citizen else _("Tax code"),
            "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
        },
        "representative": {
            "name": dossier.representative_name,
            "id_number": dossier.representative_id_number,
            "phone": dossier.representative_phone,
            "authorisation": dossier.authorisation,
        }
        if dossier.representative_name
        else None,
    }


def _return_channel(dossier: Dossier) -> str:
    """Where and how the applicant asked to receive the result (Mẫu 01, line 6): at the counter
    of the receiving agency, by post to the address given, or online; the receiving agency when
    the applicant chose nothing."""
    agency = dossier.receiving_agency.name
    if dossier.result_delivery == ReturnMethod.POST:
        address = dossier.result_delivery_address or dossier.applicant_address
        return _("By post to: %(address)s") % {"address": address or "……"}
    if dossier.result_delivery == ReturnMethod.ONLINE:
        return _("Online (electronic result), %(agency)s") % {"agency": agency}
    if dossier.result_delivery == ReturnMethod.COUNTER:
        return _("At the counter of %(agency)s") % {"agency": agency}
    return agency


def _answer_by(dossier: Dossier, event: AuditEvent) -> date | None:
    """The day by which the applicant must answer the request (Mẫu 02): the pause the request
    began, else the latest supplement pause, else what the act recorded."""
    pauses = dossier.pauses.filter(kind__in=SUPPLEMENT_PAUSES)
    pause = pauses.filter(started_event=event).first() or pauses.order_by("started_at").last()
    if pause is not None and pause.answer_by is not None:
        return pause.answer_by
    try:
        return date.fromisoformat(str(event.data["answer_by"]))
    except (KeyError, ValueError):
        return None


def _event_time(event: AuditEvent) -> datetime:
    """When the act happened (`at`, which imports set in the past), else when it was stored."""
    try:
        return datetime.fromisoformat(str(event.data["at"]))
    except (KeyError, ValueError):
        return event.occurred_at


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.get_full_name() or user.username


def _holder(record: StepRecord) -> str:
    """ "Chuyên viên – UBND xã A": the role and agency holding a step."""
    return f"{record.get_role_display()} – {record.agency.name}"


def _receiver(dossier: Dossier, record: StepRecord, following: StepRecord | None) -> str:
    """Who the stay at `record` handed the dossier to: the next step's holder; after the last
    step, the one-stop unit that returns the result; nobody while it is still there."""
    if following is not None:
        return _holder(following)
    if record.end_act == Act.FINISH:
        return _("Receiving and result-returning unit, %(agency)s") % {
            "agency": dossier.receiving_agency.name
        }
    return ""
