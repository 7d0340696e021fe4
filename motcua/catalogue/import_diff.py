"""What a catalogue import would change, procedure by procedure, for the admin's preview: the
procedures the file adds, those it changes (with the changed fields named), how many it leaves
as they are, and the catalogue's procedures the file does not hold (the import keeps them).

Both sides go through the same cleaner (interchange.clean_procedure), so a value written
differently in the file (15 and 15.0 days, a date as text) is not reported as a change.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from .interchange import clean_procedure, procedure_to_entry
from .models import Component, Field, Procedure, ProcedureChannel


@dataclass(frozen=True)
class ProcedureChange:
    national_code: str
    name: str
    fields: tuple[str, ...]  # the labels of the changed fields, in the file's order


@dataclass(frozen=True)
class CatalogueDiff:
    added: tuple[tuple[str, str], ...]  # (national code, name)
    changed: tuple[ProcedureChange, ...]
    unchanged: int
    not_in_file: tuple[tuple[str, str], ...]


def field_label(key: str) -> str:
    """The admin's name of an entry key: the model field's verbose name, or the related model's."""
    related = {
        "channels": ProcedureChannel._meta.verbose_name_plural,
        "components": Component._meta.verbose_name_plural,
    }
    if key in related:
        return str(related[key])
    try:
        field = Procedure._meta.get_field(key)
    except FieldDoesNotExist:
        return key
    return str(getattr(field, "verbose_name", key))


def _comparable(key: str, value: Any) -> Any:
    """Legal bases are a set (the catalogue lists them in its own order); the rest keep order."""
    if key == "legal_bases" and isinstance(value, list):
        return sorted(value, key=lambda basis: str(basis.get("number")))
    return value


def _current(procedure: Procedure, field_slugs: set[str]) -> dict[str, Any]:
    entry = procedure_to_entry(procedure)
    try:
        return clean_procedure(entry, field_slugs=field_slugs)
    except ValueError:  # stored data the file format would refuse: compare it as it is
        return entry


def catalogue_diff(clean: dict[str, Any]) -> CatalogueDiff:
    """The differences between a clean document (interchange.clean_document) and the catalogue."""
    incoming = {entry["national_code"]: entry for entry in clean["procedures"]}
    field_slugs = set(Field.objects.values_list("slug", flat=True))
    field_slugs |= {field["slug"] for field in clean["fields"]}
    procedures = (
        Procedure.objects.select_related("field")
        .prefetch_related("legal_bases", "channels__fees", "components__form")
        .order_by("national_code")
    )
    changed: list[ProcedureChange] = []
    not_in_file: list[tuple[str, str]] = []
    existing: set[str] = set()
    unchanged = 0
    for procedure in procedures:
        entry = incoming.get(procedure.national_code)
        if entry is None:
            not_in_file.append((procedure.national_code, procedure.name))
            continue
        existing.add(procedure.national_code)
        current = _current(procedure, field_slugs)
        keys = [
            key
            for key, value in entry.items()
            if _comparable(key, current.get(key)) != _comparable(key, value)
        ]
        if keys:
            changed.append(
                ProcedureChange(
                    entry["national_code"], entry["name"], tuple(map(field_label, keys))
                )
            )
        else:
            unchanged += 1
    added = tuple((code, entry["name"]) for code, entry in incoming.items() if code not in existing)
    return CatalogueDiff(added, tuple(changed), unchanged, tuple(not_in_file))
