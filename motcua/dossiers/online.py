"""Online submission: a citizen's draft application (motcua.eforms) becomes a dossier.

`dossier_submit_online` is one transaction: the dossier is registered online by the applicant's
own account ("newly registered", waiting for the one-stop desk), the e-form answers are kept on
it with the form's version, every file of the draft is checked and kept again as a file of its
component, and the draft is deleted. If anything fails, nothing is left: no dossier, no stored
file, and the draft is still there with everything typed. The applicant's receipt (on the
channels they chose) joins the notification outbox in the same transaction
(notices.enqueue_submission_receipt) and goes out once it has committed.

The answers must already be valid (eforms.answers.validate_answers); the caller passes the
clean ones. Components that the procedure needs in every case (no `case` in the catalogue)
must each have a file; conditional ones may be left empty.
"""

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure
from motcua.core.errors import ValidationFailed
from motcua.core.validity import valid_on
from motcua.eforms.answers import applicant_fields
from motcua.eforms.models import Draft, DraftFile
from motcua.eforms.selectors import draft_file_open
from motcua.eforms.services import draft_delete

from . import notices
from .constants import FilePurpose
from .files import delete_stored, dossier_file_add
from .models import Dossier, DossierFile
from .services import Applicant, ComponentReceived, dossier_register

ELECTRONIC = "Bản điện tử"  # how a component submitted online is noted (no paper yet)


def receiving_agencies(procedure: Procedure) -> QuerySet[Agency]:
    """Where a citizen may send an application for `procedure`: the agencies of the kind that
    settles it, in force today, that can number dossiers (they have an identifier code).
    Reception does not depend on where the applicant lives (Decree 118/2025)."""
    today = timezone.localdate()
    return (
        Agency.objects.filter(valid_on(today), kind=procedure.agency_kind)
        .exclude(identifier="")
        .order_by("name")
    )


def missing_components(procedure: Procedure, files: Sequence[DraftFile]) -> list[str]:
    """The components needed in every case that have no file yet."""
    with_files = {row.component_id for row in files}
    return [
        component.name
        for component in procedure.components.order_by("position", "id")
        if not component.case.strip() and component.pk not in with_files
    ]


def dossier_submit_online(
    *,
    draft: Draft,
    agency: Agency,
    answers: Mapping[str, Any],
    form_version: int,
    actor: User,
) -> Dossier:
    """Submit `draft` (the actor's own) to `agency` with the clean `answers` (see module doc)."""
    if draft.owner_id != actor.pk:
        raise ValidationFailed(_("This application is not yours."))
    procedure = draft.procedure
    # Files whose component left the catalogue (a re-import) have no place on the dossier.
    files = list(
        DraftFile.objects.filter(draft=draft, component__isnull=False).select_related("component")
    )
    errors = []
    if not receiving_agencies(procedure).filter(pk=agency.pk).exists():
        errors.append(_("Choose an agency that receives this procedure."))
    errors += [
        _("Attach “%(component)s”.") % {"component": name}
        for name in missing_components(procedure, files)
    ]
    if errors:
        raise ValidationFailed(_("The application cannot be submitted yet."), errors=errors)
    details = applicant_fields(answers)
    applicant = Applicant(
        **details | {"email": details["email"] or actor.email or ""},
        user=actor,
    )
    kept: list[DossierFile] = []
    try:
        with transaction.atomic(), ExitStack() as opened:
            dossier = dossier_register(
                procedure=procedure,
                agency=agency,
                channel=Channel.ONLINE,
                applicant=applicant,
                actor=actor,
                components=_components(procedure, files),
            )
            dossier.form_data = dict(answers)
            dossier.form_version = form_version
            dossier.save(update_fields=["form_data", "form_version", "updated_at"])
            by_component = {c.component_id: c for c in dossier.components.all()}
            for row in files:
                upload = opened.enter_context(draft_file_open(row))
                kept.append(
                    dossier_file_add(
                        dossier=dossier,
                        actor=actor,
                        upload=upload,
                        purpose=FilePurpose.COMPONENT,
                        component=by_component[row.component_id],
                    )
                )
            draft_delete(draft=draft, actor=actor)
            notices.enqueue_submission_receipt(dossier)
    except BaseException:
        for stored in kept:
            delete_stored(stored.file)
        raise
    return dossier


def _components(procedure: Procedure, files: Sequence[DraftFile]) -> list[ComponentReceived]:
    """The components that came with files, in the procedure's order."""
    with_files = {row.component_id for row in files if row.component_id}
    return [
        ComponentReceived(component_id=component.pk, note=ELECTRONIC)
        for component in procedure.components.order_by("position", "id")
        if component.pk in with_files
    ]
