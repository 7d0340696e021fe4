"""The form of the back office's period pages (the register, the statistics, the 766 index): one
of the official's agencies and a period of whole days, checked by the page's own rule."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.core.errors import ValidationFailed
from motcua.reporting.statistics import check_period

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]  # the date picker's, and the Vietnamese order


class AgencyPeriodForm(forms.Form):
    """`agencies` are those the official may choose; a subclass may change the period rule
    (`period_check`) and relabel the dates."""

    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your agencies.")},
    )
    date_from = forms.DateField(label=_("From"), input_formats=DATE_INPUT_FORMATS)
    date_to = forms.DateField(label=_("To"), input_formats=DATE_INPUT_FORMATS)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["agency"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = agencies
        for name, field in self.fields.items():
            if name in ("date_from", "date_to"):
                field.widget = forms.DateInput(
                    attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"
                )
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "usa-select"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "usa-checkbox__input"

    def period_check(self, start: date, end: date) -> None:
        """Raise ValidationFailed when the page cannot show this period: the statistics' rule
        by default (the statistics and 766 pages); the register has its own."""
        check_period(start, end)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start is not None and end is not None:
            try:
                self.period_check(start, end)
            except ValidationFailed as error:
                for message in error.errors or [error.message]:
                    self.add_error(None, message)
        return data
