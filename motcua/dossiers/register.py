"""The dossier tracking register (Sổ theo dõi hồ sơ: Mẫu 06 of Circular 01/2018/TT-VPCP, Mẫu 07
of Circular 03/2025/TT-VPCP, by the period's last day) of one agency for a period, as rows, as a
PDF and as an XLSX workbook (docs/slips.md).

The register lists the dossiers the agency **received** (accepted, `accepted_at`, by date in
Vietnam time) in the period, both days included, oldest first, among those the user may see
(`selectors.dossier_list_visible`), numbered by their entry in the agency's book of the year
(`slip_register`). One row per dossier: code, procedure, number of sets,
applicant, address and phone, the lead agency, the dates (received, appointment, handed over
for processing, result ready, result returned), early / on time / late, a blank column for the
recipient's signature and notes. Nothing is written.

Like the slips, the PDF and the workbook are Vietnamese administrative documents: they come out
in Vietnamese whatever the language of the page that asks for them.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.catalogue.constants import Channel
from motcua.core.errors import ValidationFailed
from motcua.deadlines.calendar import VN_TZ, local
from motcua.documents.pdf import render_pdf

from .constants import PAUSED_STATUSES, DossierStatus
from .form_sets import FormSet, form_set_on
from .models import Dossier, StepRecord
from .selectors import dossier_list_visible
from .slip_parts import place_name
from .slip_register import RegisterEntry, register_entries
from .slips import JUDGEMENTS, SLIP_LANGUAGE, Moment

TEMPLATE = "slips/register.html"
MAX_DAYS = 366  # the longest period, both days counted: a leap year
MAX_PDF_ROWS = 3000  # about 200 A4 pages; longer registers are split by period
MAX_XLSX_ROWS = 50000
SETS = 1  # one dossier is one set (bộ) of papers, as on the receipt (Mẫu 01)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"

TITLE = gettext_lazy("DOSSIER TRACKING REGISTER")
NOTE_CHANNELS = {Channel.ONLINE, Channel.POST}  # the counter is the rule, the others are noted
NOTE_STATUSES = PAUSED_STATUSES | {DossierStatus.WITHDRAWN}


@dataclass(frozen=True)
class Column:
    key: str  # a RegisterRow attribute
    label: Any  # lazy
    width: float  # XLSX width (characters); the PDF's widths are in the template
    kind: str = "text"  # text | number | date


DATES_LABEL = gettext_lazy("Day, month, year")
COLUMNS: tuple[Column, ...] = (
    Column("number", gettext_lazy("No."), 5, "number"),
    Column("code", gettext_lazy("Dossier code"), 16),
    Column("procedure", gettext_lazy("Administrative procedure"), 30),
    Column("sets", gettext_lazy("Number of sets"), 8, "number"),
    Column("applicant", gettext_lazy("Individual or organisation"), 20),
    Column("contact", gettext_lazy("Address, phone number"), 24),
    Column("lead_agency", gettext_lazy("Lead processing agency"), 18),
    Column("received", gettext_lazy("Dossier received"), 11, "date"),
    Column("appointment", gettext_lazy("Appointment for the result"), 11, "date"),
    Column("transferred", gettext_lazy("Handed over for processing"), 11, "date"),
    Column("processed", gettext_lazy("Result received from the processing agency"), 11, "date"),
    Column("returned", gettext_lazy("Result returned to the applicant"), 11, "date"),
    Column("judgement", gettext_lazy("Early / on time / late"), 10),
    Column("signature", gettext_lazy("Signature of the recipient"), 12),
    Column("note", gettext_lazy("Notes"), 18),
)


@dataclass(frozen=True)
class RegisterRow:
    """One dossier in the register. Dates are days in Vietnam time; `judgement` and `note`
    are in the language active when the row was built. `number` is the dossier's entry (số thứ
    tự) in the agency's book `book` (quyển số) of its year of receipt."""

    number: int
    key: str  # the dossier's code (the back office addresses it by it)
    code: str
    procedure: str
    national_code: str
    sets: int
    applicant: str
    address: str
    phone: str
    lead_agency: str
    received: date
    appointment: date | None
    transferred: date | None
    processed: date | None
    returned: date | None
    judgement: str
    note: str
    book: str = ""
    signature: str = ""  # left blank: the recipient signs the printed register

    @property
    def contact(self) -> str:
        return "; ".join(part for part in (self.address, self.phone) if part)

    @property
    def code_parts(self) -> list[str]:
        """The code cut after each hyphen, where a narrow column may wrap it (a hyphen before
        a digit is not a line-break opportunity)."""
        return re.split(r"(?<=-)", self.code)


@dataclass(frozen=True)
class Register:
    """What the PDF and the workbook show: the agency, the period and the rows."""

    agency: Agency
    date_from: date
    date_to: date
    rows: list[RegisterRow]

    @property
    def period(self) -> str:
        return period_text(self.date_from, self.date_to)

    @property
    def form_set(self) -> FormSet:
        return form_set_on(self.date_to)

    @property
    def books(self) -> str:
        """ "Quyển số: 2026" (both years when the period spans two); empty without rows."""
        books = ", ".join(dict.fromkeys(row.book for row in self.rows if row.book))
        return _("Book no.: %(books)s") % {"books": books} if books else ""


# --- the rows -----------------------------------------------------------------------------------


def register_period_check(date_from: date, date_to: date) -> None:
    """ValidationFailed (translated) unless `date_from` <= `date_to` and the period, both days
    counted, is at most MAX_DAYS long."""
    if date_from > date_to:
        raise ValidationFailed(_("The start date must not be after the end date."))
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            ngettext(
                "The period must not be longer than %(days)d day.",
                "The period must not be longer than %(days)d days.",
                MAX_DAYS,
            )
            % {"days": MAX_DAYS}
        )


def register_agencies(*, user: User) -> QuerySet[Agency]:
    """The agencies whose register `user` may ask for: those where they hold a role."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return (
        Agency.objects.filter(memberships__user=user)
        .select_related("parent")
        .distinct()
        .order_by("name", "pk")
    )


def register_dossiers(
    *, user: User, agency: Agency, date_from: date, date_to: date
) -> QuerySet[Dossier]:
    """The dossiers of the register (see the module doc), oldest receipt first, each with
    `handed_over_at`: when it first left the one-stop desk for processing (the start of its
    first step held by another agency, or by another role than the reception officer)."""
    register_period_check(date_from, date_to)
    received = Q(receiving_agency=agency, accepted_at__isnull=False)
    # The first and last days a datetime can hold have no start / no next day in UTC.
    if date_from > date.min:
        received &= Q(accepted_at__gte=_start_of(date_from))
    if date_to < date.max:
        received &= Q(accepted_at__lt=_start_of(date_to + timedelta(days=1)))
    handed_over = (
        StepRecord.objects.filter(dossier=OuterRef("pk"))
        .exclude(agency=OuterRef("receiving_agency"), role=Role.RECEPTION_OFFICER)
        .order_by("started_at", "id")
        .values("started_at")[:1]
    )
    return (
        dossier_list_visible(user=user)
        .filter(received)
        .select_related("process__agency")
        .annotate(handed_over_at=Subquery(handed_over))
        .order_by("accepted_at", "code")
    )


def register_rows(
    *, user: User, agency: Agency, date_from: date, date_to: date, limit: int | None = None
) -> list[RegisterRow]:
    """The register's rows (at most `limit`), numbered by their entry in the agency's book, in
    one query for the dossiers and two for the entries; ValidationFailed for a bad period."""
    dossiers = register_dossiers(user=user, agency=agency, date_from=date_from, date_to=date_to)
    if limit is not None:
        dossiers = dossiers[:limit]
    entries = register_entries(agency=agency, date_from=date_from, date_to=date_to)
    return list(_rows(dossiers, entries))


def _rows(dossiers: Iterable[Dossier], entries: dict[int, RegisterEntry]) -> Iterator[RegisterRow]:
    for number, dossier in enumerate(dossiers, start=1):
        yield register_row(dossier, entries.get(dossier.pk) or RegisterEntry("", number))


def register_row(dossier: Dossier, entry: RegisterEntry) -> RegisterRow:
    """The row of one dossier of `register_dossiers` (which annotates `handed_over_at`)."""
    assert dossier.accepted_at is not None
    lead = dossier.process.agency if dossier.process else dossier.receiving_agency
    return RegisterRow(
        number=entry.entry,
        book=entry.book,
        key=dossier.key,
        code=dossier.code or "",
        procedure=dossier.procedure.name,
        national_code=dossier.procedure.national_code,
        sets=SETS,
        applicant=dossier.applicant_name,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        lead_agency=lead.name,
        received=local(dossier.accepted_at).date(),
        appointment=_day(dossier.appointment_at),
        transferred=_day(getattr(dossier, "handed_over_at", None)),
        processed=_day(dossier.finished_at),
        returned=_day(dossier.returned_at),
        judgement=str(JUDGEMENTS.get(dossier.judgement, "")),
        note=_note(dossier),
    )


def _note(dossier: Dossier) -> str:
    """What the dates do not tell: a channel other than the counter, a new appointment after
    an apology (Mẫu 04), a dossier paused or withdrawn."""
    notes = []
    if dossier.channel in NOTE_CHANNELS:
        notes.append(str(Channel(dossier.channel).label))
    if dossier.apology_due_at is not None:
        notes.append(_("New appointment after an apology (form 04)"))
    if dossier.status in NOTE_STATUSES:
        notes.append(str(DossierStatus(dossier.status).label))
    return "; ".join(notes)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def _day(moment: datetime | None) -> date | None:
    return local(moment).date() if moment is not None else None


def period_text(date_from: date, date_to: date) -> str:
    """ "Từ ngày 01/03/2026 đến ngày 31/03/2026"."""
    return _("From %(start)s to %(end)s") % {
        "start": f"{date_from:%d/%m/%Y}",
        "end": f"{date_to:%d/%m/%Y}",
    }


def register_filename(agency: Agency, date_from: date, date_to: date, extension: str) -> str:
    """ "mau-07-xa-a-20260301-20260331.pdf" (the form's number in the set of `date_to`)."""
    number = form_set_on(date_to).forms["register"].number
    return f"mau-{number}-{agency.slug}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{extension}"


def _register(
    *,
    user: User,
    agency: Agency,
    date_from: date,
    date_to: date,
    language: str,
    limit: int,
    too_long: str,
) -> Register:
    """The register with its labels in `language`; ValidationFailed in the caller's language
    for a bad period, or `too_long` when it holds more than `limit` dossiers."""
    register_period_check(date_from, date_to)
    with translation.override(language):
        rows = register_rows(
            user=user, agency=agency, date_from=date_from, date_to=date_to, limit=limit + 1
        )
    if len(rows) > limit:
        raise ValidationFailed(too_long)
    return Register(agency=agency, date_from=date_from, date_to=date_to, rows=rows)


def _total(count: int) -> str:
    if not count:
        return _("No dossier was received in this period.")
    return ngettext("%(n)d dossier in total.", "%(n)d dossiers in total.", count) % {"n": count}


def _masthead(agency: Agency) -> dict[str, str]:
    return {"name": agency.name, "parent": agency.parent.name if agency.parent else ""}


# --- the PDF ------------------------------------------------------------------------------------


def register_pdf(
    *,
    user: User,
    agency: Agency,
    date_from: date,
    date_to: date,
    language: str = SLIP_LANGUAGE,
) -> bytes:
    """The register as an A4 landscape PDF (`templates/slips/register.html`); ValidationFailed
    for a bad period or more than MAX_PDF_ROWS dossiers."""
    register = _register(
        user=user,
        agency=agency,
        date_from=date_from,
        date_to=date_to,
        language=language,
        limit=MAX_PDF_ROWS,
        too_long=_(
            "The register of this period holds more than %(max)d dossiers, too many for one "
            "PDF; choose a shorter period or download the spreadsheet."
        )
        % {"max": MAX_PDF_ROWS},
    )
    form_set = register.form_set
    with translation.override(language):
        issued = Moment(local(timezone.now()))
        context = {
            "kind": "register",
            "form_number": form_set.forms["register"].number,
            "form_ref": form_set.reference("register"),
            "title": str(TITLE),
            "agency": _masthead(agency),
            "issued": issued,
            "dated": issued.dated_in(place_name(agency)),
            "period": register.period,
            "books": register.books,
            "label": {column.key: column.label for column in COLUMNS},
            "dates_label": DATES_LABEL,
            "rows": register.rows,
            "total": _total(len(register.rows)),
        }
        return render_pdf(TEMPLATE, context)


# The workbook lives in slip_register_xlsx (this module would pass 500 lines); imported last,
# as it reads this module's names.
from .slip_register_xlsx import FIRST_DATA_ROW, HEADER_ROWS, register_xlsx  # noqa: E402

__all__ = ["FIRST_DATA_ROW", "HEADER_ROWS", "register_xlsx"]
