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
must each have a file; conditional ones may be left empty. The dossier gets its short reference
(dossiers.references) at once, and keeps how the applicant wants the result (`delivery_options`:
at the counter, by post to the address given, or online where the procedure is fully online).
The caller has had the applicant tick the declaration (`DECLARATION`); the event
"dossier.declared" keeps its words, the reference and the delivery chosen in the audit chain.
"""

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.accounts.selectors import account_applicant
from motcua.catalogue.constants import Channel, OnlineType
from motcua.catalogue.models import Procedure
from motcua.core import audit
from motcua.core.errors import ValidationFailed
from motcua.core.validity import valid_on
from motcua.eforms.answers import applicant_fields
from motcua.eforms.models import Draft, DraftFile
from motcua.eforms.selectors import draft_file_open
from motcua.eforms.services import draft_delete

from . import notices, payment_bills
from .codes import numbering_filter
from .constants import FilePurpose, ReturnMethod
from .files import delete_stored, dossier_file_add
from .models import Dossier, DossierFile
from .references import reference_new
from .services import Applicant, ComponentReceived, dossier_register

ELECTRONIC = "Bản điện tử"  # how a component submitted online is noted (no paper yet)
# What the applicant ticks before submitting, kept word for word in the dossier's audit chain.
DECLARATION = (
    "Tôi xin cam đoan những thông tin khai trên là đúng sự thật và chịu trách nhiệm trước "
    "pháp luật về lời khai của mình."
)
MAX_ADDRESS_LENGTH = 500  # Dossier.result_delivery_address


def receiving_agencies(procedure: Procedure) -> QuerySet[Agency]:
    """Where a citizen may send an application for `procedure`: the agencies of the kind that
    settles it, in force today, that can number dossiers (dossiers.codes.numbering_filter: an
    identifier code of their own, or an ancestor's under MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER).
    Reception does not depend on where the applicant lives (Decree 118/2025)."""
    today = timezone.localdate()
    return Agency.objects.filter(
        valid_on(today), numbering_filter(), kind=procedure.agency_kind
    ).order_by("name")


def declaration_missing() -> str:
    """The error when the declaration was not ticked."""
    return _("Tick the declaration to confirm that the information is true.")


def delivery_options(procedure: Procedure) -> list[ReturnMethod]:
    """How the applicant may ask to receive the result: at the counter or by post always
    (public postal service, Decision 45/2016/QĐ-TTg); online only when the procedure is fully
    online, the level whose result is returned online (Decree 42/2022 Art. 11)."""
    options = [ReturnMethod.COUNTER, ReturnMethod.POST]
    if procedure.online_type == OnlineType.FULL:
        options.append(ReturnMethod.ONLINE)
    return options


def delivery_errors(procedure: Procedure, method: str, address: str) -> dict[str, str]:
    """What is wrong with the delivery chosen, by field ("delivery", "delivery_address")."""
    if method not in delivery_options(procedure):
        return {"delivery": _("Choose how you want to receive the result.")}
    if method == ReturnMethod.POST and not address.strip():
        return {"delivery_address": _("Enter the address the result should be posted to.")}
    if len(address.strip()) > MAX_ADDRESS_LENGTH:
        return {
            "delivery_address": _("The address is too long (at most %(n)d characters).")
            % {"n": MAX_ADDRESS_LENGTH}
        }
    return {}


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
    delivery: str,
    delivery_address: str = "",
    declared: bool,
) -> Dossier:
    """Submit `draft` (the actor's own) to `agency` with the clean `answers`, the result wanted
    by `delivery` (a ReturnMethod; by post to `delivery_address`); see the module doc."""
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
    errors += list(delivery_errors(procedure, delivery, delivery_address).values())
    if not declared:
        errors.append(declaration_missing())
    if errors:
        raise ValidationFailed(_("The application cannot be submitted yet."), errors=errors)
    details = applicant_fields(answers)
    # The account holder applies: a person, or the organisation they represent.
    applicant = Applicant(**account_applicant(user=actor, details=details), user=actor)
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
            dossier.reference = reference_new()
            dossier.result_delivery = delivery
            dossier.result_delivery_address = (
                delivery_address.strip() if delivery == ReturnMethod.POST else ""
            )
            dossier.save(
                update_fields=[
                    "form_data",
                    "form_version",
                    "reference",
                    "result_delivery",
                    "result_delivery_address",
                    "updated_at",
                ]
            )
            payment_bills.rename_requests(dossier)
            audit.record(
                action="dossier.declared",
                actor=actor,
                subject=dossier,
                chain=audit.chain_of(dossier),
                data={
                    "declaration": DECLARATION,
                    "submission_reference": dossier.reference,
                    "result_delivery": delivery,
                    "result_delivery_address": dossier.result_delivery_address,
                },
            )
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
