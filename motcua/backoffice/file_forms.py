"""Forms for the files of a dossier: one upload on the dossier page, and a file field that runs
the upload checks (documents.uploads) as form validation, for the reception desk's scans."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ValidationFailed
from motcua.documents.uploads import accept_attribute, check_upload, kind_labels
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import max_upload_bytes


def kinds_text(kinds: Iterable[str]) -> str:
    """ "PDF, JPEG, PNG, at most 20.0 MB": what a file input takes, for its hint."""
    return _("%(kinds)s, at most %(size)s") % {
        "kinds": kind_labels(kinds),
        "size": filesizeformat(max_upload_bytes()),
    }


class CheckedFileField(forms.FileField):
    """An optional upload checked like the service will check it (size, type from content), so
    a bad file is reported next to its input together with the form's other errors."""

    def __init__(self, *, kinds: frozenset[str], **kwargs: Any) -> None:
        self.kinds = kinds
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)  # check_upload says "is empty" by name
        kwargs.setdefault("help_text", kinds_text(kinds))
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": accept_attribute(kinds)}))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, UploadedFile):
            try:
                check_upload(value, allowed=self.kinds, max_bytes=max_upload_bytes())
            except ValidationFailed as error:
                raise forms.ValidationError(error.errors or [error.message]) from None


class DossierFileForm(forms.Form):
    """One file for the dossier: a component's scan (which component) or a result document."""

    purpose = forms.ChoiceField(choices=FilePurpose.choices)
    component = forms.IntegerField(required=False, min_value=1)
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # the service names the empty file
        error_messages={"required": _("Choose a file to upload.")},
    )
