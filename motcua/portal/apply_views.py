"""Applying online: the e-form of a procedure with its upload slots, kept as a draft at every
press (resume it later, on another device), then submitted as a dossier.

One page, `/nop-ho-so/<national code>/`. Every POST first keeps what was typed (the draft, even
when invalid), the files chosen (each checked by its content) and the documents taken from the
citizen's e-warehouse instead of an upload (`reuse-<component id>`, dossiers.warehouse_reuse);
then it does what the button
asked: save, add or remove a row of a group, remove a file, or submit. Submitting validates
everything at once — the answers, the receiving agency, how the result is wanted, the papers
(a refused file does not hide the other errors) and the applicant's declaration — then creates
the dossier (dossiers.online) and shows the confirmation page with its short reference.

Errors are listed in a summary at the top of the page (the GOV.UK "error summary" pattern),
each linking to its field; the summary takes the focus (`autofocus` on a `tabindex="-1"`
container, and a few lines of script for browsers that ignore it) and the page title starts with
"Error". How the result is wanted is not part of the draft (drafts keep only the e-form's
answers): it travels with the page from press to press.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from motcua.accounts.models import User
from motcua.catalogue.constants import PublicationStatus
from motcua.catalogue.models import Procedure
from motcua.core.errors import DomainError, ValidationFailed
from motcua.documents.qr import qr_svg
from motcua.dossiers.constants import ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.online import (
    declaration_missing,
    delivery_errors,
    delivery_options,
    missing_components,
    receiving_agencies,
)
from motcua.dossiers.references import lookup_url
from motcua.dossiers.warehouse import reusable_documents
from motcua.dossiers.warehouse_reuse import (
    dossier_submit_online_reusing,
    draft_reused_file_ids,
    warehouse_reuse_in_draft,
)
from motcua.eforms import answers as eform_answers
from motcua.eforms import selectors as eform_selectors
from motcua.eforms import services as eform_services
from motcua.eforms.models import Draft
from motcua.eforms.rendering import bind

from .auth import citizen_login_required

SUBMIT = "submit"
DECLARATION = "declaration"
REUSE = "reuse-"  # + a component's id: the e-warehouse document taken for it


@dataclass
class Page:
    """What one rendering of the application page needs."""

    procedure: Procedure
    definition: eform_selectors.FormDefinition
    answers: dict[str, Any]
    version: int
    agency: str = ""
    delivery: str = ""
    delivery_address: str = ""
    declared: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # the e-form's, by answer path
    page_errors: dict[str, str] = field(default_factory=dict)  # agency, delivery, declaration
    problems: list[str] = field(default_factory=list)  # errors not tied to one field
    slot_errors: dict[int, list[str]] = field(default_factory=dict)

    def has_errors(self) -> bool:
        return bool(self.errors or self.page_errors or self.problems or self.slot_errors)


def _procedure(national_code: str) -> Procedure:
    procedure = get_object_or_404(
        Procedure, national_code=national_code, status=PublicationStatus.PUBLISHED
    )
    if not eform_selectors.offered_online(procedure):
        raise Http404
    return procedure


@citizen_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, national_code: str) -> HttpResponse:
    procedure = _procedure(national_code)
    user: User = request.user  # type: ignore[assignment]
    definition = eform_selectors.eform_for(procedure)
    draft = eform_selectors.draft_for(user=user, procedure=procedure)
    if request.method != "POST":
        saved = dict(draft.data) if draft is not None else {}
        answers = saved or eform_answers.prefill(definition.definition, user)
        page = Page(
            procedure=procedure,
            definition=definition,
            answers=answers,
            version=draft.version if draft is not None else 0,
            agency=draft.receiving_agency.slug if draft and draft.receiving_agency else "",
            delivery_address=str(answers.get("applicant_address") or ""),
        )
        return _render(request, page, draft)
    return _post(request, procedure, definition, user)


def _post(
    request: HttpRequest,
    procedure: Procedure,
    definition: eform_selectors.FormDefinition,
    user: User,
) -> HttpResponse:
    answers = eform_answers.answers_from_post(definition.definition, request.POST)
    action = eform_answers.row_action(definition.definition, request.POST)
    if action is not None:
        answers = eform_answers.apply_row_action(definition.definition, answers, action)
    page = Page(
        procedure=procedure,
        definition=definition,
        answers=answers,
        version=_int(request.POST.get("draft_version")),
        agency=request.POST.get("agency", "").strip(),
        delivery=request.POST.get("delivery", "").strip(),
        delivery_address=request.POST.get("delivery_address", "").strip(),
        declared=request.POST.get(DECLARATION) == "1",
    )
    try:
        draft = eform_services.draft_save(
            user=user,
            procedure=procedure,
            data=answers,
            expected_version=page.version,
            agency=receiving_agencies(procedure).filter(slug=page.agency).first(),
        )
    except DomainError as error:  # another device saved in between: show theirs is newer
        page.problems.append(error.message)
        current = eform_selectors.draft_for(user=user, procedure=procedure)
        page.version = current.version if current is not None else 0
        return _render(request, page, current, status=409)
    page.version = draft.version
    _keep_files(request, draft, user, page)
    _reuse_documents(request, draft, user, page)
    _remove_file(request, draft, user)
    if request.POST.get(SUBMIT) is None:
        if not page.slot_errors and action is None:
            messages.success(request, _("Your application was saved as a draft."))
        return _render(request, page, draft, status=400 if page.slot_errors else 200)
    return _submit(request, page, draft, user)


def _keep_files(request: HttpRequest, draft: Draft, user: User, page: Page) -> None:
    """Each file chosen in a slot, checked by its content; every refused one is named in its
    slot, and the good ones are kept."""
    for slot in eform_selectors.component_slots(procedure=page.procedure, draft=draft):
        for upload in request.FILES.getlist(slot.input_name):
            try:
                eform_services.draft_add_file(
                    draft=draft, component=slot.component, upload=upload, actor=user
                )
            except ValidationFailed as error:
                page.slot_errors.setdefault(slot.component.pk, []).append(
                    " ".join(error.errors or [error.message])
                )


def _reuse_documents(request: HttpRequest, draft: Draft, user: User, page: Page) -> None:
    """Each document taken from the citizen's e-warehouse for a slot instead of an upload
    (dossiers.warehouse_reuse); one that is not theirs, or no longer valid, is named in its
    slot and nothing is kept."""
    for slot in eform_selectors.component_slots(procedure=page.procedure, draft=draft):
        wanted = request.POST.get(f"{REUSE}{slot.component.pk}", "").strip()
        if not wanted:
            continue
        try:
            warehouse_reuse_in_draft(
                draft=draft, component=slot.component, document_id=wanted, actor=user
            )
        except ValidationFailed as error:
            page.slot_errors.setdefault(slot.component.pk, []).append(
                " ".join(error.errors or [error.message])
            )


def _remove_file(request: HttpRequest, draft: Draft, user: User) -> None:
    wanted = request.POST.get("eform-remove-file")
    if not wanted:
        return
    row = eform_selectors.draft_file_get(user=user, file_id=_int(wanted))
    if row is not None and row.draft_id == draft.pk:
        eform_services.draft_remove_file(draft_file=row, actor=user)


def _submit(request: HttpRequest, page: Page, draft: Draft, user: User) -> HttpResponse:
    """Check everything, report every error at once, or submit."""
    clean, page.errors = eform_answers.validate_answers(page.definition.definition, page.answers)
    agency = receiving_agencies(page.procedure).filter(slug=page.agency).first()
    if agency is None:
        page.page_errors["agency"] = _("Choose the agency that will receive your application.")
    page.page_errors |= delivery_errors(page.procedure, page.delivery, page.delivery_address)
    if not page.declared:
        page.page_errors[DECLARATION] = declaration_missing()
    missing = set(missing_components(page.procedure, list(draft.files.all())))
    for slot in eform_selectors.component_slots(procedure=page.procedure, draft=draft):
        if slot.component.name in missing and slot.component.pk not in page.slot_errors:
            page.slot_errors[slot.component.pk] = [
                _("Attach “%(component)s”.") % {"component": slot.component.name}
            ]
    if page.has_errors() or agency is None:
        return _render(request, page, draft, status=400)
    try:
        dossier = dossier_submit_online_reusing(
            draft=draft,
            agency=agency,
            answers=clean,
            form_version=page.definition.version,
            actor=user,
            delivery=page.delivery,
            delivery_address=page.delivery_address,
            declared=page.declared,
        )
    except ValidationFailed as error:
        page.problems += error.errors or [error.message]
        return _render(request, page, draft, status=400)
    return redirect("portal:apply-submitted", uid=dossier.uid)


def _render(
    request: HttpRequest, page: Page, draft: Draft | None, *, status: int = 200
) -> HttpResponse:
    slots = eform_selectors.component_slots(procedure=page.procedure, draft=draft)
    for slot in slots:
        slot.error = " ".join(page.slot_errors.get(slot.component.pk, []))
    eform = bind(page.definition.definition, page.answers, page.errors)
    options = delivery_options(page.procedure)
    context = {
        "procedure": page.procedure,
        # The page's own summary lists the e-form's errors with the others.
        "eform": replace(eform, errors=[]),
        "summary": _summary(page, eform.errors, slots, options),
        "page_errors": page.page_errors,
        "version": page.version,
        "agencies": receiving_agencies(page.procedure),
        "agency": page.agency,
        "delivery_options": [(option.value, option.label) for option in options],
        "delivery": page.delivery,
        "delivery_address": page.delivery_address,
        "post": ReturnMethod.POST.value,
        "declared": page.declared,
        "slots": slots,
        "orphans": eform_selectors.orphan_files(draft) if draft is not None else [],
        "hint": eform_selectors.upload_hint(),
        "accept": eform_selectors.accept_attribute(),
        "saved_at": draft.updated_at if draft is not None else None,
        # The e-warehouse picker (portal/warehouse_picker.html).
        "reusable": reusable_documents(user=request.user),
        "reused_files": draft_reused_file_ids(draft),
    }
    return render(request, "portal/apply/form.html", context, status=status)


def _summary(
    page: Page,
    eform_errors: list[tuple[str, str]],
    slots: list[eform_selectors.Slot],
    options: list[ReturnMethod],
) -> list[tuple[str, str]]:
    """Every error of the page in the page's order, as (id of the field to link to, message);
    an empty id for a problem that belongs to no field."""
    fields = page.page_errors
    rows = [("", problem) for problem in page.problems]
    rows += eform_errors
    if "agency" in fields:
        rows.append(("agency", fields["agency"]))
    if "delivery" in fields:
        rows.append((f"delivery-{options[0].value}", fields["delivery"]))
    if "delivery_address" in fields:
        rows.append(("delivery-address", fields["delivery_address"]))
    rows += [(slot.input_name, slot.error) for slot in slots if slot.error]
    if DECLARATION in fields:
        rows.append((DECLARATION, fields[DECLARATION]))
    return rows


@citizen_login_required
@require_safe
def submitted(request: HttpRequest, uid: str) -> HttpResponse:
    """The confirmation page, for the applicant only (404 for anyone else)."""
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency")
        .filter(uid=uid, applicant_user_id=request.user.pk)
        .first()
    )
    if dossier is None:
        raise Http404
    context = {"dossier": dossier, "qr": qr_svg(lookup_url(dossier)) if dossier.reference else ""}
    return render(request, "portal/apply/submitted.html", context)


def _int(value: Any) -> int:
    try:
        return max(int(str(value)), 0)
    except (TypeError, ValueError):
        return 0
