"""The catalogue interchange document (docs/catalogue-format.md): validation and export.

A document is plain data (dicts and lists). JSON and XLSX are two spellings of it; the services
turn a validated document into rows and rows back into a document.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.constants import AgencyKind
from motcua.core.text import nfc
from motcua.core.validity import parse_optional_date
from motcua.deadlines.constants import DayCount, ResumeMode

from .constants import Channel, FeeKind, OnlineType, ProcedureLevel, PublicationStatus, TimeUnit
from .models import Procedure

FORMAT = "motcua.catalogue"
VERSION = 1
NATIONAL_CODE_RE = re.compile(r"^\d\.\d{6}$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


class RowErrors:
    """Collects problems per row, so an import can report every bad row at once."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float, Decimal)):
        raise ValueError(_("expected text"))
    return nfc(str(value)).strip()


def _count(value: Any) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not re.fullmatch(r"\d+", str(value).strip().removesuffix(".0")):
        raise ValueError(_("“%(value)s” is not a whole number") % {"value": value})
    return int(str(value).strip().removesuffix(".0"))


def _amount(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return _count(value)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None
    if not number.is_finite() or number < 0 or number >= 100000:
        raise ValueError(_("“%(value)s” is not a valid processing time") % {"value": value})
    return number


def _choice(value: Any, choices: type, *, default: str | None = None) -> str:
    text = _text(value) or (default or "")
    if text not in choices.values:  # type: ignore[attr-defined]
        allowed = ", ".join(choices.values)  # type: ignore[attr-defined]
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s") % {"value": text, "allowed": allowed}
        )
    return text


def _optional_choice(value: Any, choices: type) -> str:
    """A choice that may be left empty when the source does not say."""
    return _choice(value, choices) if _text(value) else ""


def _text_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [line.strip() for line in nfc(value).splitlines() if line.strip()]
    if not isinstance(value, list):
        raise ValueError(_("expected a list of texts"))
    return [_text(v) for v in value if _text(v)]


def _objects(value: Any) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(_("expected a list of objects"))
    return value


def clean_field(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(_("expected an object"))
    slug = _text(raw.get("slug"))
    if not SLUG_RE.match(slug):
        raise ValueError(
            _("the key “%(slug)s” may hold only letters, digits and -") % {"slug": slug}
        )
    name = _text(raw.get("name"))
    if not name:
        raise ValueError(_("the name is required"))
    return {
        "slug": slug,
        "national_code": _text(raw.get("national_code")),
        "name": name,
        "name_en": _text(raw.get("name_en")),
    }


def clean_procedure(raw: Any, *, field_slugs: set[str]) -> dict[str, Any]:
    """A validated copy of one procedure entry; raises ValueError naming the first problem."""
    if not isinstance(raw, dict):
        raise ValueError(_("expected an object"))
    code = _text(raw.get("national_code"))
    if not NATIONAL_CODE_RE.match(code):
        raise ValueError(_("the national code “%(code)s” must look like 1.001193") % {"code": code})
    name = _text(raw.get("name"))
    if not name:
        raise ValueError(_("the name is required"))
    field = _text(raw.get("field"))
    if field not in field_slugs:
        raise ValueError(_("the field “%(field)s” is not in the catalogue") % {"field": field})
    procedure_type = raw.get("procedure_type")
    if procedure_type in ("", None):
        procedure_type = None
    elif str(procedure_type).removesuffix(".0") not in {"1", "2", "3"}:
        raise ValueError(_("the procedure type must be 1, 2 or 3"))
    else:
        procedure_type = int(str(procedure_type).removesuffix(".0"))
    valid_from, valid_to = (
        parse_optional_date(raw.get("valid_from")),
        parse_optional_date(raw.get("valid_to")),
    )
    if valid_from and valid_to and valid_to < valid_from:
        raise ValueError(_("“valid to” is before “valid from”"))
    return {
        "national_code": code,
        "local_code": _text(raw.get("local_code")),
        "name": name,
        "field": field,
        "level": _choice(raw.get("level"), ProcedureLevel),
        "agency_kind": _choice(raw.get("agency_kind"), AgencyKind, default=AgencyKind.OTHER),
        "implementing_agency": _text(raw.get("implementing_agency")),
        "online_type": _optional_choice(raw.get("online_type"), OnlineType),
        "procedure_type": procedure_type,
        "applicants": _text_list(raw.get("applicants")),
        "legal_bases": [_clean_legal_basis(v) for v in _objects(raw.get("legal_bases"))],
        "channels": _clean_channels(_objects(raw.get("channels"))),
        "components": [_clean_component(v) for v in _objects(raw.get("components"))],
        "conditions": _text(raw.get("conditions")),
        "results": _text_list(raw.get("results")),
        "steps": _text_list(raw.get("steps")),
        "source": _text(raw.get("source")),
        "source_note": _text(raw.get("source_note")),
        "day_count": _choice(raw.get("day_count"), DayCount, default=DayCount.END_OF_DAY),
        "resume_mode": _choice(raw.get("resume_mode"), ResumeMode, default=ResumeMode.RESTART),
        "status": _choice(raw.get("status"), PublicationStatus, default=PublicationStatus.DRAFT),
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def _clean_legal_basis(raw: dict[str, Any]) -> dict[str, Any]:
    number = _text(raw.get("number"))
    if not number:
        raise ValueError(_("a legal basis needs its number"))
    return {
        "number": number,
        "title": _text(raw.get("title")),
        "issued_on": parse_optional_date(raw.get("issued_on")),
    }


def _clean_channels(raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
    channels = []
    for raw in raws:
        channels.append(
            {
                "channel": _choice(raw.get("channel"), Channel),
                "time_value": _decimal(raw.get("time_value")),
                "time_unit": _choice(raw.get("time_unit"), TimeUnit, default=TimeUnit.WORKING_DAY),
                "time_note": _text(raw.get("time_note")),
                "fees": [
                    {
                        "kind": _choice(fee.get("kind"), FeeKind, default=FeeKind.FEE),
                        "amount": _amount(fee.get("amount")),
                        "description": _text(fee.get("description")),
                    }
                    for fee in _objects(raw.get("fees"))
                ],
            }
        )
    names = [c["channel"] for c in channels]
    if len(names) != len(set(names)):
        raise ValueError(_("a channel is listed twice"))
    return channels


def _clean_component(raw: dict[str, Any]) -> dict[str, Any]:
    name = _text(raw.get("name"))
    if not name:
        raise ValueError(_("a dossier component needs its name"))
    form = raw.get("form") or {}
    if not isinstance(form, dict):
        raise ValueError(_("the form of a component must be an object"))
    return {
        "name": name,
        "case": _text(raw.get("case")),
        "originals": _amount(raw.get("originals")),
        "copies": _amount(raw.get("copies")),
        "form": {"name": _text(form.get("name")), "file": _text(form.get("file"))}
        if _text(form.get("name"))
        else None,
    }


def clean_document(document: Any) -> tuple[dict[str, Any], list[str]]:
    """Validate a whole document; returns the clean document and the list of row errors."""
    errors = RowErrors()
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return {}, [_("This is not a MotCua catalogue file (format must be “%s”).") % FORMAT]
    if document.get("version") != VERSION:
        return {}, [_("Unsupported catalogue file version: %s.") % document.get("version")]
    fields: list[dict[str, Any]] = []
    raw_fields = document.get("fields")
    raw_procedures = document.get("procedures")
    if not isinstance(raw_fields, list) or not isinstance(raw_procedures, list):
        return {}, [_("The file must contain the lists “fields” and “procedures”.")]
    for i, raw in enumerate(raw_fields, start=1):
        try:
            fields.append(clean_field(raw))
        except ValueError as exc:
            errors.add(_("Field %(row)s") % {"row": i}, str(exc))
    _report_duplicates(errors, [f["slug"] for f in fields], _("Field key"))
    known_fields = {f["slug"] for f in fields}
    procedures: list[dict[str, Any]] = []
    for i, raw in enumerate(raw_procedures, start=1):
        code = raw.get("national_code", "") if isinstance(raw, dict) else ""
        try:
            procedures.append(clean_procedure(raw, field_slugs=known_fields))
        except ValueError as exc:
            errors.add(_("Procedure %(row)s (%(code)s)") % {"row": i, "code": code}, str(exc))
    _report_duplicates(errors, [p["national_code"] for p in procedures], _("National code"))
    return {"fields": fields, "procedures": procedures}, errors.messages


def _report_duplicates(errors: RowErrors, values: list[str], label: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            errors.add(label, _("“%(value)s” appears more than once") % {"value": value})
        seen.add(value)


def procedure_to_entry(procedure: Procedure) -> dict[str, Any]:
    """One procedure as an interchange entry (the inverse of clean_procedure)."""
    return {
        "national_code": procedure.national_code,
        "local_code": procedure.local_code,
        "name": procedure.name,
        "field": procedure.field.slug,
        "level": procedure.level,
        "agency_kind": procedure.agency_kind,
        "implementing_agency": procedure.implementing_agency,
        "online_type": procedure.online_type,
        "procedure_type": procedure.procedure_type,
        "applicants": list(procedure.applicants),
        "legal_bases": [
            {
                "number": doc.number,
                "title": doc.title,
                "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
            }
            for doc in procedure.legal_bases.all()
        ],
        "channels": [
            {
                "channel": ch.channel,
                "time_value": _decimal_text(ch.time_value),
                "time_unit": ch.time_unit,
                "time_note": ch.time_note,
                "fees": [
                    {"kind": fee.kind, "amount": fee.amount, "description": fee.description}
                    for fee in ch.fees.all()
                ],
            }
            for ch in procedure.channels.all()
        ],
        "components": [
            {
                "name": c.name,
                "case": c.case,
                "originals": c.originals,
                "copies": c.copies,
                "form": {"name": c.form.name, "file": c.form.file.name} if c.form else None,
            }
            for c in procedure.components.all()
        ],
        "conditions": procedure.conditions,
        "results": list(procedure.results),
        "steps": list(procedure.steps),
        "source": procedure.source,
        "source_note": procedure.source_note,
        "day_count": procedure.day_count,
        "resume_mode": procedure.resume_mode,
        "status": procedure.status,
        "valid_from": procedure.valid_from.isoformat() if procedure.valid_from else None,
        "valid_to": procedure.valid_to.isoformat() if procedure.valid_to else None,
    }


def _decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text
