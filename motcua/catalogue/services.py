"""Writes to the catalogue: import a whole catalogue document, re-index a procedure.

Other apps and the admin change the catalogue only through here. Every write is one
transaction with its audit event.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.errors import ValidationFailed

from . import interchange, search
from .models import Component, Fee, Field, FormTemplate, LegalDocument, Procedure, ProcedureChannel


@dataclass(frozen=True)
class ImportReport:
    fields_created: int
    fields_updated: int
    procedures_created: int
    procedures_updated: int


def procedure_reindex(*, procedure: Procedure) -> None:
    """Recompute the folded search text of one procedure (after any edit of it or its field)."""
    text = search.procedure_search_text(procedure)
    if text != procedure.search_text:
        procedure.search_text = text
        Procedure.objects.filter(pk=procedure.pk).update(search_text=text)
    search.index(procedure_id=procedure.pk, text=text)


@transaction.atomic
def procedure_save(*, procedure: Procedure, actor: Any) -> Procedure:
    """Save a procedure edited by hand (admin) and keep its search text in step."""
    created = procedure.pk is None
    procedure.search_text = search.procedure_search_text(procedure)
    procedure.full_clean()
    procedure.save()
    search.index(procedure_id=procedure.pk, text=procedure.search_text)
    audit.record(
        action="catalogue.procedure_created" if created else "catalogue.procedure_changed",
        actor=actor,
        subject=procedure,
        data={"national_code": procedure.national_code},
    )
    return procedure


@transaction.atomic
def procedure_delete(*, procedure: Procedure, actor: Any) -> None:
    """Delete a procedure (only while no dossier refers to it) and drop it from the index."""
    procedure_id, code = procedure.pk, procedure.national_code
    procedure.delete()
    search.unindex(procedure_ids=[procedure_id])
    audit.record(
        action="catalogue.procedure_deleted",
        actor=actor,
        data={"id": procedure_id, "national_code": code},
    )


@transaction.atomic
def field_save(*, field: Field, actor: Any) -> Field:
    """Save a field; procedures of the field are re-indexed because its name is searchable."""
    field.full_clean()
    field.save()
    for procedure in field.procedures.select_related("field"):
        procedure_reindex(procedure=procedure)
    audit.record(
        action="catalogue.field_saved", actor=actor, subject=field, data={"slug": field.slug}
    )
    return field


def catalogue_import(*, document: Any, actor: Any) -> ImportReport:
    """Create or update fields and procedures from a document: all rows or none.

    Procedures are matched by national code and fields by key; children (channels, fees,
    components, legal bases) of an imported procedure are replaced by those in the document.
    Procedures absent from the document are left as they are.
    """
    clean, errors = interchange.clean_document(document)
    if errors:
        raise ValidationFailed(
            _("The catalogue file has errors; nothing was imported."), errors=errors
        )
    with transaction.atomic():
        fields_by_slug, fields_created = _upsert_fields(clean["fields"])
        procedures_created = 0
        for entry in clean["procedures"]:
            procedures_created += _upsert_procedure(entry, field=fields_by_slug[entry["field"]])
        report = ImportReport(
            fields_created=fields_created,
            fields_updated=len(clean["fields"]) - fields_created,
            procedures_created=procedures_created,
            procedures_updated=len(clean["procedures"]) - procedures_created,
        )
        audit.record(action="catalogue.imported", actor=actor, data=report.__dict__)
    return report


def _upsert_fields(entries: list[dict[str, Any]]) -> tuple[dict[str, Field], int]:
    fields: dict[str, Field] = {}
    created = 0
    for entry in entries:
        field, was_created = Field.objects.update_or_create(
            slug=entry["slug"],
            defaults={k: v for k, v in entry.items() if k != "slug"},
        )
        fields[field.slug] = field
        created += was_created
    return fields, created


def _upsert_procedure(entry: dict[str, Any], *, field: Field) -> bool:
    scalars = {
        k: v
        for k, v in entry.items()
        if k not in {"national_code", "field", "legal_bases", "channels", "components"}
    }
    procedure, created = Procedure.objects.update_or_create(
        national_code=entry["national_code"], defaults={**scalars, "field": field}
    )
    procedure.legal_bases.set([_legal_document(doc) for doc in entry["legal_bases"]])
    procedure.channels.all().delete()
    for channel_entry in entry["channels"]:
        fees = channel_entry["fees"]
        channel = ProcedureChannel.objects.create(
            procedure=procedure, **{k: v for k, v in channel_entry.items() if k != "fees"}
        )
        Fee.objects.bulk_create(
            Fee(channel=channel, position=i, **fee) for i, fee in enumerate(fees)
        )
    procedure.components.all().delete()
    Component.objects.bulk_create(
        Component(
            procedure=procedure,
            position=i,
            form=_form_template(c["form"]),
            **{k: v for k, v in c.items() if k != "form"},
        )
        for i, c in enumerate(entry["components"])
    )
    procedure_reindex(procedure=procedure)
    return created


def _legal_document(entry: dict[str, Any]) -> LegalDocument:
    document, _created = LegalDocument.objects.update_or_create(
        number=entry["number"], defaults={"title": entry["title"], "issued_on": entry["issued_on"]}
    )
    return document


def _form_template(entry: dict[str, Any] | None) -> FormTemplate | None:
    if entry is None:
        return None
    same = FormTemplate.objects.filter(name=entry["name"])
    template = same.filter(file=entry["file"]).first()
    if template is None and entry["name"] and not entry["file"]:
        # A catalogue without file names keeps the file an administrator uploaded to the form.
        template = same.exclude(file="").order_by("id").first()
    return template or FormTemplate.objects.create(name=entry["name"], file=entry["file"])
