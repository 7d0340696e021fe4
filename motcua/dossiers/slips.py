"""The official slips of a dossier as PDFs (Circular 01/2018/TT-VPCP forms, docs/slips.md).

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
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import local
from motcua.documents.pdf import render_pdf
from motcua.documents.qr import qr_svg

from .answers import answers_in_brief
from .constants import Act, ApplicantKind, DossierStatus
from .models import JUDGEMENT_CHOICES, Apology, AppointmentChange, Dossier, StepRecord
from .selectors import dossier_events


@dataclass(frozen=True)
class SlipForm:
    number: str  # the form's number in Circular 01/2018/TT-VPCP
    title: Any  # lazy, translated when the slip is rendered
    template: str


FORMS: dict[str, SlipForm] = {
    "receipt": SlipForm(
        "01",
        gettext_lazy("RECEIPT OF THE DOSSIER AND APPOINTMENT FOR THE RESULT"),
        "slips/receipt.html",
    ),
    "supplement": SlipForm(
        "02",
        gettext_lazy("REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER"),
        "slips/supplement.html",
    ),
    "refusal": SlipForm(
        "03",
        gettext_lazy("REFUSAL TO RECEIVE AND PROCESS THE DOSSIER"),
        "slips/refusal.html",
    ),
    "apology": SlipForm(
        "04",
        gettext_lazy("APOLOGY AND NEW APPOINTMENT FOR THE RESULT"),
        "slips/apology.html",
    ),
    "control": SlipForm(
        "05",
        gettext_lazy("CONTROL SLIP OF THE DOSSIER'S PROCESSING"),
        "slips/control.html",
    ),
}
SLIP_KINDS = tuple(FORMS)
SLIP_LANGUAGE = "vi"
LOOKUP_PATH = "/tra-cuu/"  # the public lookup page (portal) the receipt's QR code opens
JUDGEMENTS: dict[str, Any] = dict(JUDGEMENT_CHOICES)  # labels, lazy


class SlipNotApplicable(DomainError):
    """The dossier has no such slip (e.g. a refusal slip for an accepted dossier)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="slip_not_applicable")


@dataclass(frozen=True)
class Moment:
    """A moment in Vietnam time, in the forms' wordings."""

    at: datetime

    @classmethod
    def of(cls, moment: datetime | None) -> "Moment | None":
        return cls(local(moment)) if moment is not None else None

    @property
    def parts(self) -> dict[str, str]:
        return {
            "hour": f"{self.at:%H}",
            "minute": f"{self.at:%M}",
            "day": f"{self.at:%d}",
            "month": f"{self.at:%m}",
            "year": f"{self.at:%Y}",
            "date": self.date,
        }

    @property
    def date(self) -> str:
        return f"{self.at:%d/%m/%Y}"

    @property
    def dated(self) -> str:
        """The date line under the national motto: "ngày 02 tháng 03 năm 2026"."""
        return _("Date: %(day)s/%(month)s/%(year)s") % self.parts

    @property
    def long(self) -> str:
        """ "08 giờ 00 phút, ngày 02 tháng 03 năm 2026" (the receipt's wording)."""
        return _("%(hour)s:%(minute)s on %(day)s/%(month)s/%(year)s") % self.parts

    @property
    def medium(self) -> str:
        """ "08 giờ 00 phút, ngày 02/03/2026"."""
        return _("%(hour)s:%(minute)s on %(date)s") % self.parts

    @property
    def short(self) -> str:
        """ "08:00 02/03/2026", for table cells."""
        return f"{self.at:%H:%M} {self.date}"


# --- which slips apply ------------------------------------------------------------------------


def _event(dossier: Dossier, act: Act) -> AuditEvent | None:
    """The dossier's latest event of `act`."""
    return dossier_events(dossier=dossier).filter(action=f"dossier.{act}").last()


def _require(kind: str, dossier: Dossier) -> AuditEvent | None:
    """The event the slip reproduces (None for the control slip); SlipNotApplicable if the
    dossier has no such slip."""
    if kind not in FORMS:
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
    return f"mau-{FORMS[kind].number}-{dossier.key}.pdf"


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
                "copies": component.copies,
            }
            for position, component in enumerate(components, start=1)
        ],
        "sets": "01",  # one dossier is one set (bộ) of papers
        "legal_time": legal_time_text(dossier.legal_time),
        "received": Moment.of(dossier.accepted_at),
        "due": Moment.of(first_due or dossier.due_at),
        "return_place": dossier.receiving_agency.name,
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
RECEIPT_ROOM_MM = 83.0
ROW_MM, LINE_MM = 7.0, 5.3
ANSWER_LINE_MM, ANSWER_LINE_CHARS = 4.7, 105
SAFETY_MM = 5.0


def _lines(text: str, width: int) -> int:
    return max(1, -(-len(text) // width))


def _receipt_answer_room(dossier: Dossier, components: list[Any]) -> int:
    """How many characters of the declaration fit on the receipt's page (0: none)."""
    rows = [ROW_MM + LINE_MM * (_lines(c.name, 45) - 1) for c in components] or [ROW_MM]
    room = RECEIPT_ROOM_MM - SAFETY_MM - sum(rows)
    if dossier.representative_name:
        room -= LINE_MM * _lines(f"{dossier.representative_name} {dossier.authorisation}", 55)
    room -= LINE_MM * (_lines(f"Địa chỉ: {dossier.applicant_address}", 80) - 1)
    room -= LINE_MM * (_lines(f"Nội dung yêu cầu giải quyết: {dossier.procedure.name}", 80) - 1)
    lines = int(room // ANSWER_LINE_MM) - 1  # and one for the closing "…"
    return max(0, lines * ANSWER_LINE_CHARS)


def slip_supplement(dossier: Dossier) -> dict[str, Any]:
    """Mẫu 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: the latest request, its missing items
    and reason, and the officer who guides the applicant."""
    event = _require("supplement", dossier)
    assert event is not None
    return {
        **_common("supplement", dossier, _event_time(event)),
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
        return render_pdf(FORMS[kind].template, BUILDERS[kind](dossier))


# --- helpers ----------------------------------------------------------------------------------


def _common(kind: str, dossier: Dossier, issued_at: datetime) -> dict[str, Any]:
    form = FORMS[kind]
    agency = dossier.receiving_agency
    citizen = dossier.applicant_kind == ApplicantKind.CITIZEN
    return {
        "kind": kind,
        "form_number": form.number,
        "title": str(form.title),
        "agency": {"name": agency.name, "parent": agency.parent.name if agency.parent else ""},
        "issued": Moment.of(issued_at),
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


def legal_time_text(legal_time: dict[str, Any] | None, *, same_day: str | None = None) -> str:
    """The legal time stored at acceptance, as the receipt states it ("5 ngày làm việc");
    empty when the procedure states none. `same_day` words a time of zero days (default:
    "within the day")."""
    if not legal_time:
        return ""
    days, hours = legal_time.get("working_days"), legal_time.get("working_hours")
    calendar_days = legal_time.get("calendar_days")
    if days == 0 or calendar_days == 0:
        return same_day or _("within the day")
    if days is not None:
        return ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}
    if hours is not None:
        return ngettext("%(n)d working hour", "%(n)d working hours", hours) % {"n": hours}
    if calendar_days is not None:
        return ngettext("%(n)d day", "%(n)d days", calendar_days) % {"n": calendar_days}
    return ""


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
