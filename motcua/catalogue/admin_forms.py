"""Admin forms of the catalogue: the lists of texts a procedure holds (applicants, results,
steps) are edited as text with one item per line, not as JSON."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from motcua.core.text import nfc

from .models import Procedure


class LinesField(forms.Field):
    """A list of texts as a text area, one item per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 80})

    def __init__(self, *, encoder: Any = None, decoder: Any = None, **kwargs: Any) -> None:
        # The model's JSONField offers its encoder and decoder; plain text needs neither.
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return "" if value is None else str(value)

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, list | tuple):
            lines = [str(item) for item in value]
        else:
            lines = str(value).splitlines()
        return [nfc(line).strip() for line in lines if line.strip()]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        # The admin's form of a procedure: every field, as the admin's default form has.
        fields = "__all__"  # noqa: DJ007
        field_classes = {"applicants": LinesField, "results": LinesField, "steps": LinesField}
        help_texts = {
            "applicants": gettext_lazy("One kind of applicant per line."),
            "results": gettext_lazy("One result per line, as the published record names it."),
            "steps": gettext_lazy("One step per line, in order; citizens see them numbered."),
        }
