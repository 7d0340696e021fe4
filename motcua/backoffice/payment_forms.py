"""The forms of the back office's payment pages (payment_views): what an officer records about a
payment request on the dossier page, the filters of the payments list, the statement upload,
the reconciliation of a bank credit and the day of the collection report.

They check the input only; whether the act is allowed is the orchestrator's to say
(dossiers.payments, dossiers.payment_bank)."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.deadlines.calendar import VN_TZ
from motcua.payments.constants import Method, PaymentStatus, Purpose
from motcua.payments.models import CollectionAccount, PaymentRequest

from .period_forms import DATE_INPUT_FORMATS

MAX_STATEMENT_BYTES = 5 * 1024 * 1024  # a month of a busy account is well under 1 MB
STATEMENT_EXTENSIONS = (".csv", ".xlsx")
COUNTER_METHODS = [(Method.CASH.value, Method.CASH.label), (Method.CARD.value, Method.CARD.label)]
AMOUNT_ERRORS = {
    "required": _("Give the amount received, in đồng."),
    "invalid": _("Give the amount as a whole number of đồng, without dots or letters."),
    "min_value": _("The amount must be a positive number of đồng."),
}


def _styled(form: forms.Form) -> None:
    """USWDS classes on the widgets, as the other back-office forms have them."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "usa-checkbox__input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "usa-select")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "usa-textarea")
            widget.attrs.setdefault("rows", "3")
        elif isinstance(widget, forms.ClearableFileInput):
            widget.attrs.setdefault("class", "usa-file-input")
        else:
            widget.attrs.setdefault("class", "usa-input")


def _confirm(label: Any) -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        error_messages={"required": _("Tick the box to confirm; this cannot be undone.")},
    )


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


# --- the dossier page -------------------------------------------------------------------------


class CounterPaymentForm(StyledForm):
    """The reception officer took the money at the counter."""

    method = forms.ChoiceField(
        label=_("Paid by"),
        choices=COUNTER_METHODS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether it was paid in cash or by card.")},
    )
    amount = forms.IntegerField(
        label=_("Amount received (đồng)"), min_value=1, error_messages=AMOUNT_ERRORS
    )
    receipt_ref = forms.CharField(
        label=_("Receipt or card slip number"),
        max_length=90,
        help_text=_("The number of the paper receipt, or of the card terminal's slip."),
        error_messages={"required": _("Give the number of the receipt or of the card slip.")},
    )


class CancelPaymentForm(StyledForm):
    reason = forms.CharField(
        label=_("Why the request is cancelled"),
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": _("Give the reason for cancelling the payment request.")},
    )
    confirm = _confirm(_("I confirm: the applicant no longer owes this amount."))


class RefundForm(StyledForm):
    """`through_gateway`: the money goes back through the gateway that took it, which gives
    the refund's reference; otherwise the officer records the transfer or voucher."""

    refund_ref = forms.CharField(
        label=_("Reference of the refund (transfer or cash voucher)"),
        max_length=100,
        required=False,
    )
    confirm = _confirm(_("I confirm the refund of this payment to the applicant."))

    def __init__(self, *args: Any, through_gateway: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.through_gateway = through_gateway
        if through_gateway:
            del self.fields["refund_ref"]

    def clean_refund_ref(self) -> str:
        value = (self.cleaned_data.get("refund_ref") or "").strip()
        if not value:
            raise forms.ValidationError(
                _("Give the reference of the refund (transfer or voucher).")
            )
        return value


# --- the payments list ------------------------------------------------------------------------

DATE_KINDS = [("paid", _("Paid on")), ("created", _("Requested on"))]


class PaymentFilterForm(StyledForm):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All my agencies"),
        error_messages={"invalid_choice": _("Choose one of your agencies.")},
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *PaymentStatus.choices], required=False
    )
    purpose = forms.ChoiceField(
        label=_("What for"), choices=[("", _("Anything")), *Purpose.choices], required=False
    )
    method = forms.ChoiceField(
        label=_("Paid by"), choices=[("", _("Any way")), *Method.choices], required=False
    )
    date_kind = forms.ChoiceField(label=_("Dates are"), choices=DATE_KINDS, required=False)
    date_from = forms.DateField(label=_("From"), input_formats=DATE_INPUT_FORMATS, required=False)
    date_to = forms.DateField(label=_("To"), input_formats=DATE_INPUT_FORMATS, required=False)
    q = forms.CharField(
        label=_("Dossier code, payment reference, transaction number or payer"),
        max_length=100,
        required=False,
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["agency"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = agencies
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(
                attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period ends before it starts."))
        return data

    def filter(self, payments: QuerySet[PaymentRequest]) -> QuerySet[PaymentRequest]:
        """Narrow `payments` by the valid form (empty values do not filter); days are days in
        Vietnam, both included."""
        data = self.cleaned_data
        filters = Q()
        for name in ("status", "purpose", "method"):
            if data.get(name):
                filters &= Q(**{name: data[name]})
        if data.get("agency"):
            filters &= Q(agency=data["agency"])
        moment = "created_at" if data.get("date_kind") == "created" else "paid_at"
        if data.get("date_from"):
            filters &= Q(**{f"{moment}__gte": _day_start(data["date_from"])})
        if data.get("date_to"):
            filters &= Q(**{f"{moment}__lt": _day_start(data["date_to"] + timedelta(days=1))})
        text = (data.get("q") or "").strip()
        if text:
            filters &= (
                Q(reference__iexact=text)
                | Q(dossier_code__icontains=text)
                | Q(transaction_ref__iexact=text)
                | Q(payer_name__icontains=text)
            )
        return payments.filter(filters)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


# --- bank statements and the reconciliation queue ---------------------------------------------


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.agency.name}: {obj.bank.short_name} {obj.account_number}"


class StatementForm(StyledForm):
    account = AccountChoiceField(
        label=_("Collection account"),
        queryset=CollectionAccount.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your agencies' accounts.")},
    )
    file = forms.FileField(
        label=_("Statement file (CSV or XLSX)"),
        help_text=_("The account's statement exported from the bank's internet banking."),
        error_messages={"required": _("Choose the statement file.")},
    )

    def __init__(self, *args: Any, accounts: QuerySet[CollectionAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["account"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = accounts
        self.fields["file"].widget.attrs["accept"] = ",".join(STATEMENT_EXTENSIONS)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(STATEMENT_EXTENSIONS):
            raise forms.ValidationError(_("The statement must be a CSV or an XLSX file."))
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        return upload


class EntrySearchForm(forms.Form):
    entry = forms.IntegerField(min_value=1)
    q = forms.CharField(max_length=60, required=False, strip=True)


class EntryResolveForm(StyledForm):
    request = forms.IntegerField(
        min_value=1, error_messages={"required": _("Choose the payment request it pays.")}
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class EntryDismissForm(StyledForm):
    note = forms.CharField(
        label=_("Why it is set aside"),
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": _("Say why this credit is set aside.")},
    )
    confirm = _confirm(_("I confirm: this credit pays no payment request in MotCua."))


# --- the daily collection report --------------------------------------------------------------


class DailyReportForm(StyledForm):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All my agencies"),
        error_messages={"invalid_choice": _("Choose one of your agencies.")},
    )
    day = forms.DateField(
        label=_("Day"),
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"required": _("Choose the day."), "invalid": _("Give a valid date.")},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["agency"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = agencies
        self.fields["day"].widget = forms.DateInput(
            attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"
        )
