"""Forms of the citizen's dossier pages and the public lookup."""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ValidationFailed
from motcua.documents.uploads import accept_attribute, check_upload, kind_labels
from motcua.dossiers.files import COMPONENT_KINDS, max_upload_bytes
from motcua.dossiers.models import DossierComponent
from motcua.dossiers.public import MAX_CODE_LENGTH
from motcua.dossiers.ratings import MAX_COMMENT
from motcua.dossiers.satisfaction import CRITERIA, Satisfaction

MAX_REASON = 1000
MAX_FILES_PER_PAPER = 10


def kinds_text(kinds: Iterable[str]) -> str:
    return str(
        _("%(kinds)s, at most %(size)s each")
        % {"kinds": kind_labels(kinds), "size": filesizeformat(max_upload_bytes())}
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PaperFilesField(forms.FileField):
    """Optional files for one paper (several pages may be several files), each checked as the
    service will check it (size, type from its content), so a bad one is named next to its
    input."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)  # check_upload names the empty file
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": accept_attribute(COMPONENT_KINDS)})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_FILES_PER_PAPER:
            raise forms.ValidationError(
                _("At most %(n)d files per paper."), params={"n": MAX_FILES_PER_PAPER}
            )
        cleaned = [super(PaperFilesField, self).clean(item, initial) for item in files]
        errors = []
        for upload in cleaned:
            if isinstance(upload, UploadedFile):
                try:
                    check_upload(upload, allowed=COMPONENT_KINDS, max_bytes=max_upload_bytes())
                except ValidationFailed as error:
                    errors += error.errors or [error.message]
        if errors:
            raise forms.ValidationError(errors)
        return [upload for upload in cleaned if upload]


class SupplementForm(forms.Form):
    """One file input per missing paper of the latest request ("missing-<n>") and per component
    already in the dossier ("component-<id>")."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        *args: Any,
        missing: Sequence[str] = (),
        components: Sequence[DossierComponent] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.missing_names = [f"missing-{n}" for n in range(len(missing))]
        self.component_names = [f"component-{component.pk}" for component in components]
        for name, label in zip(self.missing_names, missing, strict=True):
            self.fields[name] = PaperFilesField(label=label)
        for name, component in zip(self.component_names, components, strict=True):
            self.fields[name] = PaperFilesField(label=component.name)

    def missing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.missing_names]

    def component_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.component_names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = self.missing_names + self.component_names
        if not self.errors and not any(data.get(name) for name in names):
            raise forms.ValidationError(_("Attach at least one file of the missing papers."))
        return data

    def uploads(self) -> tuple[list[tuple[int, Any]], list[tuple[int, Any]]]:
        """(position in the request's list, file) and (component id, file) pairs."""
        missing = [
            (n, upload)
            for n, name in enumerate(self.missing_names)
            for upload in self.cleaned_data.get(name) or []
        ]
        components = [
            (int(name.removeprefix("component-")), upload)
            for name in self.component_names
            for upload in self.cleaned_data.get(name) or []
        ]
        return missing, components


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
        error_messages={"required": _("Say why you withdraw the dossier.")},
    )
    confirm = forms.BooleanField(
        label=_("I confirm that I withdraw this dossier"),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class RatingForm(forms.Form):
    overall = forms.ChoiceField(
        label=_("Overall, how satisfied are you with the service?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are overall.")},
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us (optional)"),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[f"c-{criterion.code}"] = forms.ChoiceField(
                label=criterion.question,
                choices=[(answer.code, answer.label) for answer in criterion.answers],
                widget=forms.RadioSelect,
                required=False,
            )
        # The comment comes last, after the questions.
        self.order_fields(["overall", *(f"c-{c.code}" for c in CRITERIA), "comment"])

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[f"c-{criterion.code}"] for criterion in CRITERIA]

    def answers(self) -> dict[str, str]:
        return {
            criterion.code: self.cleaned_data.get(f"c-{criterion.code}") or ""
            for criterion in CRITERIA
        }


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Dossier code or reference"),
        max_length=MAX_CODE_LENGTH,
        help_text=_(
            "The code on the receipt (form 01), e.g. 000.00.01.H49-260302-0001, or the "
            "8-character reference given when you applied online."
        ),
        error_messages={"required": _("Enter the dossier code or reference.")},
        widget=forms.TextInput(
            attrs={"class": "usa-input", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class DetailsForm(forms.Form):
    """The second factor that shows the applicant's name and the dossier's history."""

    ma = forms.CharField(max_length=MAX_CODE_LENGTH, widget=forms.HiddenInput)
    xac_minh = forms.CharField(
        label=_("Phone number or ID number of the applicant"),
        max_length=30,
        help_text=_("The applicant's or the representative's, as given when submitting."),
        error_messages={"required": _("Enter the applicant's phone number or ID number.")},
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
