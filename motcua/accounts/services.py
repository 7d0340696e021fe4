"""Writes to users, agencies and memberships; each is one transaction with its audit event."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.core.validity import parse_optional_date

from .constants import AgencyKind, Level
from .models import ACCOUNT_FIELDS, Agency, Membership, User

AGENCIES_FORMAT = "motcua.agencies"


def _clean_agency(raw: Any, *, keys: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(_("expected an object"))
    values = {
        "slug": nfc(str(raw.get("key") or "")).strip(),
        "identifier": str(raw.get("identifier") or "").strip(),
        "name": nfc(str(raw.get("name") or "")).strip(),
        "short_name": nfc(str(raw.get("short_name") or "")).strip(),
        "kind": str(raw.get("kind") or ""),
        "level": str(raw.get("level") or ""),
        "admin_unit_code": str(raw.get("admin_unit_code") or "").strip(),
        "valid_from": parse_optional_date(raw.get("valid_from")),
        "valid_to": parse_optional_date(raw.get("valid_to")),
        "source": nfc(str(raw.get("source") or "")).strip(),
    }
    if values["kind"] not in AgencyKind.values:
        raise ValueError(_("unknown kind “%(kind)s”") % {"kind": values["kind"]})
    if values["level"] not in Level.values:
        raise ValueError(_("unknown level “%(level)s”") % {"level": values["level"]})
    links = [raw.get("parent")] if raw.get("parent") else []
    links += list(raw.get("predecessors") or [])
    unknown = [key for key in links if key not in keys]
    if unknown:
        raise ValueError(
            _("unknown agency keys: %(keys)s") % {"keys": ", ".join(map(str, unknown))}
        )
    return values


@transaction.atomic
def agency_import(*, document: Any, actor: Any) -> int:
    """Create or update the agency tree from an agencies document (all rows or none)."""
    if not isinstance(document, dict) or document.get("format") != AGENCIES_FORMAT:
        raise ValidationFailed(_("This is not a MotCua agencies file."))
    rows = document.get("agencies") or []
    keys = {str(r.get("key")) for r in rows if isinstance(r, dict)}
    errors: list[str] = []
    agencies: dict[str, Agency] = {}
    for i, raw in enumerate(rows, start=1):
        try:
            values = _clean_agency(raw, keys=keys)
            agency = Agency.objects.filter(slug=values["slug"]).first() or Agency()
            for name, value in values.items():
                setattr(agency, name, value)
            agency.full_clean(exclude=["parent", "predecessors"])
            agency.save()
            agencies[agency.slug] = agency
        except (ValueError, ValidationError) as exc:
            errors.append(_("Agency %(row)s: %(error)s") % {"row": i, "error": _message(exc)})
    if errors:
        raise ValidationFailed(
            _("The agencies file has errors; nothing was imported."), errors=errors
        )
    for raw in rows:
        agency = agencies[raw["key"]]
        agency.parent = agencies[raw["parent"]] if raw.get("parent") else None
        agency.save(update_fields=["parent"])
        agency.predecessors.set([agencies[key] for key in raw.get("predecessors") or []])
    audit.record(action="accounts.agencies_imported", actor=actor, data={"count": len(agencies)})
    return len(agencies)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.message_dict.items())
    return str(exc)


@transaction.atomic
def membership_grant(*, user: User, agency: Agency, role: str, actor: Any) -> Membership:
    """Give an official a role in an agency (idempotent)."""
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if created:
        audit.record(
            action="accounts.role_granted",
            actor=actor,
            subject=user,
            data={"agency": agency.slug, "role": role},
        )
    return membership


@transaction.atomic
def user_account_kind_set(*, user: User, values: dict[str, str], actor: Any) -> User:
    """Set whom `user`'s account applies for (the fields of ACCOUNT_FIELDS, cleaned by
    forms.AccountKindForm); the change is audited. ValidationFailed when the model refuses it
    (an organisation without name or tax code)."""
    changed = [name for name in ACCOUNT_FIELDS if getattr(user, name) != values.get(name, "")]
    for name in ACCOUNT_FIELDS:
        setattr(user, name, values.get(name, ""))
    try:
        user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in ACCOUNT_FIELDS])
    except ValidationError as exc:
        raise ValidationFailed(
            _("The account details are not valid."), errors=list(exc.messages)
        ) from None
    if changed:
        user.save(update_fields=list(ACCOUNT_FIELDS))
        audit.record(
            action="accounts.account_kind_set",
            actor=actor,
            subject=user,
            data={"account_kind": user.account_kind, "fields": changed},
        )
    return user
