"""The public search form: a query and three optional filters, all read from the query string."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.constants import OnlineType, ProcedureLevel

LEVEL_CHOICES = [("", _("All levels")), *ProcedureLevel.choices]
ONLINE_CHOICES = [
    ("", _("All service types")),
    *((t.value, t.label) for t in (OnlineType.FULL, OnlineType.PARTIAL)),
]


class ProcedureSearchForm(forms.Form):
    """Unknown filter values are dropped, never an error: a bad link still shows procedures."""

    q = forms.CharField(label=_("Search for a procedure"), max_length=200, required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=LEVEL_CHOICES, required=False)
    online = forms.ChoiceField(label=_("Online service"), choices=ONLINE_CHOICES, required=False)

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        english = get_language() == "en"
        field_choice = self.fields["field"]
        assert isinstance(field_choice, forms.ChoiceField)
        field_choice.choices = [("", _("All fields"))] + [
            (f.slug, f"{f.name_en if english and f.name_en else f.name} ({f.procedure_count})")
            for f in fields
        ]

    def criteria(self) -> dict[str, str]:
        """Keyword arguments for `procedure_find`, keeping only the valid values."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name, "") for name in ("q", "field", "level", "online")}
        return {
            "query": data["q"].strip(),
            "field": data["field"],
            "level": data["level"],
            "online_type": data["online"],
        }
