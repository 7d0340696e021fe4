"""At the counter: find an applicant who came before by their ID number (or tax code) and fill
the intake form from their last dossier. A read only: nothing is recorded, and only dossiers
the officer may see (dossiers.selectors.dossier_list_visible) are searched."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.identifiers import id_number_normalise, id_number_variants
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_list_visible

from .forms import uswds_style

LOOKUP_PARAM = "so_giay_to"
# The applicant's details copied onto a new intake form; the representative is not copied
# (the person handing in papers for someone else changes from one visit to the next).
FILLED_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
)


class ApplicantLookupForm(forms.Form):
    """The ID number typed at the counter, any common way ("036 190 001 234")."""

    so_giay_to = forms.CharField(
        label=_("Find an earlier applicant by ID number or tax code"),
        help_text=_(
            "12-digit citizen ID, 9-digit old identity card, or a tax code of 10 or 13 digits."
        ),
        max_length=30,
        error_messages={"required": _("Enter the ID number or tax code to look for.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        uswds_style(self)

    def clean_so_giay_to(self) -> str:
        number = id_number_normalise(self.cleaned_data["so_giay_to"])
        if number is None:
            raise forms.ValidationError(
                _(
                    "This is not an ID number or a tax code: a citizen ID has 12 digits, an old "
                    "identity card 9, a tax code 10 or 13 (0123456789-001)."
                ),
                code="invalid_id_number",
            )
        return number


def applicant_last_dossier(*, user: Any, id_number: str) -> Dossier | None:
    """The latest dossier `user` may see whose applicant has `id_number` (normalised)."""
    return (
        dossier_list_visible(user=user)
        .filter(applicant_id_number__in=id_number_variants(id_number))
        .order_by("-submitted_at", "-id")
        .first()
    )


def applicant_initial(dossier: Dossier) -> dict[str, str]:
    """The intake form's initial values from `dossier`'s applicant."""
    return {name: getattr(dossier, name) for name in FILLED_FIELDS}
