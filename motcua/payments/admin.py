"""Admin for payments: the banks, the agencies' collection accounts (with how their bank's
statement files are laid out) and the e-receipt books are kept here; the payment requests, the
gateway payments, the bank credits, the statement imports and the receipts are written by the
services and only shown."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import AuditedAdminMixin

from .models import (
    Bank,
    BankEntry,
    CollectionAccount,
    PaymentAttempt,
    PaymentRequest,
    Receipt,
    ReceiptBook,
    StatementImport,
)

#: The statement fields an account maps to the headings of its bank's file (payments.statements).
STATEMENT_FIELDS = {
    "date": (_("heading of the date column"), _("E.g. Ngày giao dịch"), True),
    "amount": (_("heading of the credit amount column"), _("E.g. Số tiền ghi có"), True),
    "description": (
        _("heading of the description column"),
        _("E.g. Nội dung giao dịch"),
        True,
    ),
    "reference": (
        _("heading of the transaction number column"),
        _("E.g. Số bút toán; leave empty if the statement has none."),
        False,
    ),
}


LAYOUT_FIELDS = (
    "statement_header_row",
    "statement_date_format",
    *[f"column_{key}" for key in STATEMENT_FIELDS],
)


@admin.register(Bank)
class BankAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["short_name", "bin", "name"]
    search_fields = ["short_name", "bin", "name"]


def _column(key: str) -> forms.CharField:
    label, hint, required = STATEMENT_FIELDS[key]
    return forms.CharField(label=label, help_text=hint, required=required, max_length=100)


class CollectionAccountForm(forms.ModelForm):
    """The statement layout as one field per heading instead of raw JSON."""

    class Meta:
        model = CollectionAccount
        fields = [
            "agency",
            "bank",
            "account_number",
            "account_name",
            "active",
            "statement_header_row",
            "statement_date_format",
        ]

    column_date = _column("date")
    column_amount = _column("amount")
    column_description = _column("description")
    column_reference = _column("reference")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = self.instance.statement_columns or {}
        for key in STATEMENT_FIELDS:
            self.fields[f"column_{key}"].initial = columns.get(key, "")

    def save(self, commit: bool = True) -> CollectionAccount:
        self.instance.statement_columns = {
            key: self.cleaned_data[f"column_{key}"].strip()
            for key in STATEMENT_FIELDS
            if self.cleaned_data.get(f"column_{key}", "").strip()
        }
        return super().save(commit=commit)


@admin.register(CollectionAccount)
class CollectionAccountAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CollectionAccountForm
    list_display = ["agency", "bank", "account_number", "account_name", "active"]
    list_filter = ["active", "bank"]
    search_fields = ["account_number", "account_name", "agency__name"]
    autocomplete_fields = ["bank"]
    fieldsets = (
        (None, {"fields": ("agency", "bank", "account_number", "account_name", "active")}),
        (_("Statement file layout"), {"fields": LAYOUT_FIELDS}),
    )


@admin.register(ReceiptBook)
class ReceiptBookAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["agency", "form_symbol", "series", "year", "last_number"]
    list_filter = ["year"]
    search_fields = ["agency__name", "series", "form_symbol"]
    readonly_fields = ["last_number"]  # moved by the receipts service only


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the payment services: shown, never added, edited or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttemptInline(admin.TabularInline):
    model = PaymentAttempt
    extra = 0
    can_delete = False
    fields = ("order_ref", "gateway", "amount", "status", "created_at", "transaction_no")
    readonly_fields = ("order_ref", "gateway", "amount", "status", "created_at", "transaction_no")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "dossier_code",
        "agency",
        "purpose",
        "amount",
        "status",
        "method",
        "paid_at",
    ]
    list_filter = ["status", "purpose", "method"]
    search_fields = ["reference", "dossier_code", "payer_name", "transaction_ref"]
    date_hierarchy = "created_at"
    list_select_related = ["agency"]
    inlines = [AttemptInline]


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdmin):
    list_display = ["order_ref", "request", "gateway", "amount", "status", "created_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["order_ref", "transaction_no", "request__reference"]
    list_select_related = ["request"]


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "account",
        "imported_at",
        "imported_by",
        "lines",
        "matched",
        "queued",
        "duplicates",
    ]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["account__bank", "imported_by"]


@admin.register(BankEntry)
class BankEntryAdmin(ReadOnlyAdmin):
    list_display = ["booked_at", "agency", "amount", "status", "source", "request", "reason"]
    list_filter = ["status", "source"]
    search_fields = ["entry_key", "description", "request__reference"]
    list_select_related = ["agency", "request"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "request", "issued_at", "signed"]
    list_filter = ["signed"]
    search_fields = ["request__reference", "request__dossier_code", "token"]
    list_select_related = ["book", "request"]
