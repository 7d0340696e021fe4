"""Forms of the reception desk: the applicant and the checklist of components received."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Component
from motcua.dossiers.constants import ApplicantKind
from motcua.dossiers.files import COMPONENT_KINDS

from .file_forms import CheckedFileField
from .forms import uswds_style

OUTCOME_ACCEPT, OUTCOME_SUPPLEMENT, OUTCOME_REFUSE = "accept", "supplement", "refuse"


class IntakeForm(forms.Form):
    """A walk-in or postal dossier: who applies, what was handed in, and the decision."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Receiving agency"))
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.DIRECT, _("At the counter")), (Channel.POST, _("By post"))],
        initial=Channel.DIRECT,
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant type"), choices=ApplicantKind.choices, initial=ApplicantKind.CITIZEN
    )
    applicant_name = forms.CharField(label=_("Full name of the applicant"), max_length=255)
    applicant_id_number = forms.CharField(
        label=_("Applicant's ID number or tax code"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=500, required=False)
    representative_name = forms.CharField(
        label=_("Authorised representative (if any)"), max_length=255, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Representative's ID number"), max_length=20, required=False
    )
    representative_phone = forms.CharField(
        label=_("Representative's phone"), max_length=20, required=False
    )
    authorisation = forms.CharField(
        label=_("Letter of authorisation"), max_length=500, required=False
    )
    other_papers = forms.CharField(
        label=_("Other papers received (one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (OUTCOME_ACCEPT, _("Complete: accept and issue the receipt (Form 01)")),
            (OUTCOME_SUPPLEMENT, _("Incomplete: ask once for everything missing (Form 02)")),
            (OUTCOME_REFUSE, _("Not eligible: refuse with a reason (Form 03)")),
        ],
        initial=OUTCOME_ACCEPT,
    )
    missing = forms.CharField(
        label=_("Also missing or to correct (one per line)"),
        help_text=_("Components not ticked above are listed as missing automatically."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason / note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        components: list[Component],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        if len(agencies) == 1:
            agency_field.initial = agencies[0]
        self.components = components
        for component in components:
            self.fields[f"c{component.pk}_received"] = forms.BooleanField(
                label=component.name, required=False
            )
            self.fields[f"c{component.pk}_originals"] = forms.IntegerField(
                label=_("Originals"), min_value=0, max_value=99, initial=component.originals or 0
            )
            self.fields[f"c{component.pk}_certified"] = forms.IntegerField(
                label=_("Certified copies"), min_value=0, max_value=99, initial=0, required=False
            )
            self.fields[f"c{component.pk}_copies"] = forms.IntegerField(
                label=_("Photocopies"), min_value=0, max_value=99, initial=component.copies or 0
            )
            self.fields[f"c{component.pk}_scan"] = CheckedFileField(
                label=_("Scan"), kinds=COMPONENT_KINDS
            )
        uswds_style(self)

    def component_rows(self) -> list[dict[str, Any]]:
        """Each catalogue component with its three bound fields, for the checklist table."""
        return [
            {
                "component": c,
                "received": self[f"c{c.pk}_received"],
                "originals": self[f"c{c.pk}_originals"],
                "certified": self[f"c{c.pk}_certified"],
                "copies": self[f"c{c.pk}_copies"],
                "scan": self[f"c{c.pk}_scan"],
            }
            for c in self.components
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == OUTCOME_REFUSE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for refusing."))
        if outcome == OUTCOME_SUPPLEMENT and not self.missing_items():
            self.add_error("missing", _("Nothing is missing: tick what was received or list it."))
        for component in self.components:
            name = f"c{component.pk}_scan"
            if not data.get(name):
                continue
            if not data.get(f"c{component.pk}_received"):
                self.add_error(name, _("Tick the component as received, or remove its scan."))
            elif outcome == OUTCOME_REFUSE:
                self.add_error(name, _("A refused dossier keeps no scans: remove this file."))
        return data

    def scans(self) -> list[tuple[int, UploadedFile]]:
        """(catalogue component id, upload) for every received component with a scan."""
        data = self.cleaned_data
        return [
            (c.pk, data[f"c{c.pk}_scan"])
            for c in self.components
            if data.get(f"c{c.pk}_received") and data.get(f"c{c.pk}_scan")
        ]

    def received(self) -> list[tuple[Component | None, str, int, int, int]]:
        """(component, name, originals, certified copies, photocopies) for every ticked
        component and other paper."""
        data = self.cleaned_data
        rows: list[tuple[Component | None, str, int, int, int]] = [
            (
                c,
                c.name,
                data[f"c{c.pk}_originals"] or 0,
                data.get(f"c{c.pk}_certified") or 0,
                data[f"c{c.pk}_copies"] or 0,
            )
            for c in self.components
            if data.get(f"c{c.pk}_received")
        ]
        rows += [(None, line, 0, 0, 0) for line in _lines(data.get("other_papers"))]
        return rows

    def missing_items(self) -> list[str]:
        data = getattr(self, "cleaned_data", {})
        unticked = [c.name for c in self.components if not data.get(f"c{c.pk}_received")]
        return unticked + _lines(data.get("missing"))


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
