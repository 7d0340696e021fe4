"""The public search form: a query and three optional filters, all read from the query string."""

from django import forms
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.constants import OnlineType, ProcedureLevel

LEVEL_CHOICES = [
    ("", _("All levels")),
    (ProcedureLevel.PROVINCE.value, _("Province")),
    (ProcedureLevel.COMMUNE.value, _("Commune")),
]
ONLINE_CHOICES = [
    ("", _("All service types")),
    (OnlineType.FULL.value, _("Full online")),
    (OnlineType.PARTIAL.value, _("Partial online")),
]

# Choice labels of the catalogue that the portal shows through get_FOO_display(); listed here so
# that the portal's Vietnamese catalogue translates them.
CATALOGUE_LABELS = (
    gettext_noop("Not online"),
    gettext_noop("At the counter"),
    gettext_noop("Online"),
    gettext_noop("By post"),
    gettext_noop("working days"),
    gettext_noop("working hours"),
    gettext_noop("days"),
    gettext_noop("Fee (lệ phí)"),
    gettext_noop("Charge (phí)"),
    gettext_noop("Provincial People's Committee"),
    gettext_noop("Department"),
    gettext_noop("Public administration service centre"),
    gettext_noop("Commune People's Committee"),
    gettext_noop("Other agency"),
)


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
