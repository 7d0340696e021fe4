"""Signing the result documents on the dossier page: the leader's digital signature (with the
PIN of their certificate) and the clerk's number, notation and organisation signature (the
seal). The forms are on the page (`_results.html`, through the `dossier_result_panel` tag);
these views take the POST, call dossiers.results and go back to the page."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, ValidationFailed
from motcua.dossiers import results
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import dossier_files
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.result_models import ResultSignature, SignaturePurpose

from .dossier_views import _render, _visible_or_404

# --- forms ------------------------------------------------------------------------------------


class SignForm(forms.Form):
    pin = forms.CharField(
        label=gettext_lazy("PIN of your signing certificate"),
        max_length=64,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class SealForm(forms.Form):
    number_notation = forms.CharField(
        label=gettext_lazy("Number and notation"),
        max_length=60,
        help_text=gettext_lazy("E.g. 125/QĐ-STP"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I have checked the document: give it this number and apply the organisation's "
            "signature."
        )
    )


# --- what the page shows ----------------------------------------------------------------------


@dataclass
class ResultRow:
    file: DossierFile
    signatures: list[ResultSignature]

    @property
    def personally_signed(self) -> bool:
        return any(s.purpose == SignaturePurpose.PERSONAL for s in self.signatures)

    @property
    def sealed(self) -> bool:
        return any(s.purpose == SignaturePurpose.ORGANISATION for s in self.signatures)


@dataclass
class ResultPanel:
    """The signing part of the dossier page for this user."""

    rows: list[ResultRow] = field(default_factory=list)
    may_sign: bool = False  # a leader with an active personal certificate
    may_seal: bool = False  # the clerk, with an organisation certificate on the server
    sign_without_certificate: bool = False  # a leader without one: told to ask for it
    seal_without_certificate: bool = False
    must_be_signed: bool = False


def result_panel(
    dossier: Dossier, user: Any, files: Sequence[DossierFile] | None = None
) -> ResultPanel:
    """The result documents (`files`, when the page read them already) with their signatures,
    and the signing forms the user may use."""
    files = list(dossier_files(dossier, FilePurpose.RESULT) if files is None else files)
    prefetch_related_objects(files, "signatures__signer")
    panel = ResultPanel(
        rows=[ResultRow(row, list(row.signatures.all())) for row in files],
        must_be_signed=dossier.procedure.result_must_be_signed,
    )
    if not files:
        return panel
    rights = results.signing_rights(dossier, user)
    if rights.sign:
        has = results.personal_credential(user) is not None
        panel.may_sign, panel.sign_without_certificate = has, not has
    if rights.seal:
        credential = results.organisation_credential(dossier)
        has = credential is not None and credential.way != "external"
        panel.may_seal, panel.seal_without_certificate = has, not has
    return panel


# --- views ------------------------------------------------------------------------------------


def _result_or_404(dossier: Dossier, file_id: int) -> DossierFile:
    row = DossierFile.objects.filter(
        dossier=dossier, pk=file_id, purpose=FilePurpose.RESULT
    ).first()
    if row is None:
        raise Http404
    return row


def _form_errors(form: forms.Form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def _refused(request: HttpRequest, dossier: Dossier, error: DomainError) -> HttpResponse:
    if isinstance(error, ValidationFailed):
        return _render(request, dossier, errors=[error.message, *error.errors], status=400)
    status = 403 if error.code == "act_not_permitted" else 409
    return _render(request, dossier, errors=[error.message], status=status)


def _back(dossier: Dossier) -> HttpResponse:
    return redirect(reverse("backoffice:dossier", args=[dossier.key]) + "#result-files")


@login_required
@require_POST
def result_sign_view(request: HttpRequest, key: str, file_id: int) -> HttpResponse:
    """The leader signs one result document. Bad input or a wrong PIN (400), the wrong user
    (403), a file that changed or is already sealed (409): the page with the reason."""
    dossier = _visible_or_404(request, key)
    row = _result_or_404(dossier, file_id)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _render(request, dossier, errors=_form_errors(form), status=400)
    try:
        results.result_sign(
            dossier=dossier,
            actor=request.user,  # type: ignore[arg-type]
            file=row,
            pin=form.cleaned_data["pin"],
        )
    except DomainError as error:
        return _refused(request, dossier, error)
    messages.success(request, _("You signed “%(name)s” digitally.") % {"name": row.original_name})
    return _back(dossier)


@login_required
@require_POST
def result_seal_view(request: HttpRequest, key: str, file_id: int) -> HttpResponse:
    """The clerk numbers one result document and applies the organisation's signature."""
    dossier = _visible_or_404(request, key)
    row = _result_or_404(dossier, file_id)
    form = SealForm(request.POST)
    if not form.is_valid():
        return _render(request, dossier, errors=_form_errors(form), status=400)
    try:
        results.result_seal(
            dossier=dossier,
            actor=request.user,  # type: ignore[arg-type]
            file=row,
            number_notation=form.cleaned_data["number_notation"],
        )
    except DomainError as error:
        return _refused(request, dossier, error)
    messages.success(
        request,
        _("“%(name)s” was given the number %(number)s and the organisation's signature.")
        % {"name": row.original_name, "number": dossier_number(dossier)},
    )
    return _back(dossier)


def dossier_number(dossier: Dossier) -> str:
    return Dossier.objects.values_list("result_number", flat=True).get(pk=dossier.pk)
