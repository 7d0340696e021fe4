"""Payment tables: the banks and collecting accounts, what a dossier owes (a payment request),
the tries through a gateway, the credits read from bank statements and notifications, and the
e-receipts with their books.

A payment request names its dossier by primary key and code only (`dossier_pk`,
`dossier_code`): payments sit below dossiers (docs/architecture.md "Payments"); the dossier's
orchestrator (dossiers.payments) creates requests and applies what a payment does to the
dossier. Every change of a request is an audit event in its dossier's own chain.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency

from .constants import AttemptStatus, EntrySource, EntryStatus, Method, PaymentStatus, Purpose

bin_validator = RegexValidator(r"^\d{6}$", _("A bank BIN has 6 digits."))
account_validator = RegexValidator(
    r"^[0-9A-Za-z]{1,19}$", _("An account number has up to 19 letters or digits.")
)


class Bank(models.Model):
    """A bank of the NAPAS network, by its BIN (assigned by the State Bank of Vietnam)."""

    bin = models.CharField(_("BIN"), max_length=6, unique=True, validators=[bin_validator])
    short_name = models.CharField(_("short name"), max_length=40)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.bin})"


class CollectionAccount(models.Model):
    """The account into which an agency collects fees (tài khoản thu), with how its bank's
    statement files are laid out."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("collecting agency"),
        on_delete=models.PROTECT,
        related_name="collection_accounts",
    )
    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT)
    account_number = models.CharField(
        _("account number"), max_length=19, validators=[account_validator]
    )
    account_name = models.CharField(_("account name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    statement_columns = models.JSONField(
        _("statement columns"),
        default=dict,
        blank=True,
        help_text=_(
            'The column headings of the bank\'s statement file for each field: "date", '
            '"amount" (credit), "description", "reference" (the bank\'s transaction number), '
            'e.g. {"date": "Ngày giao dịch", "amount": "Số tiền ghi có", ...}.'
        ),
    )
    statement_header_row = models.PositiveSmallIntegerField(
        _("heading row"), default=1, help_text=_("The row of the statement holding the headings.")
    )
    statement_date_format = models.CharField(
        _("date format"), max_length=30, default="%d/%m/%Y", blank=True
    )

    class Meta:
        verbose_name = _("collection account")
        verbose_name_plural = _("collection accounts")
        ordering = ["agency", "bank"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "account_number"], name="collection_account_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank.short_name} {self.account_number}"


class PaymentRequest(models.Model):
    """What the applicant owes for one purpose of one dossier, and how it was settled."""

    dossier_pk = models.PositiveBigIntegerField(_("dossier"), db_index=True)
    dossier_code = models.CharField(
        _("dossier code"), max_length=40, help_text=_("Its code, or its reference before one.")
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("collecting agency"),
        on_delete=models.PROTECT,
        related_name="payment_requests",
    )
    account = models.ForeignKey(
        CollectionAccount,
        verbose_name=_("collection account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    description = models.TextField(_("what for"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    reference = models.CharField(
        _("payment reference"),
        max_length=20,
        unique=True,
        help_text=_("Written in the transfer and sent to the gateway; matches a payment to it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    payer_name = models.CharField(_("payer"), max_length=255)
    payer_id_number = models.CharField(_("payer's ID number"), max_length=20, blank=True)
    expires_at = models.DateTimeField(_("pay by"), null=True, blank=True)
    method = models.CharField(_("paid by"), max_length=10, choices=Method.choices, blank=True)
    gateway = models.CharField(_("gateway"), max_length=20, blank=True)
    transaction_ref = models.CharField(
        _("transaction number"),
        max_length=100,
        blank=True,
        help_text=_("The gateway's or bank's transaction number, or the counter receipt's."),
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refund_ref = models.CharField(_("refund reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["dossier_pk", "id"]
        constraints = [
            # One gateway or bank transaction pays one request, however often it is reported.
            models.UniqueConstraint(
                fields=["method", "gateway", "transaction_ref"],
                condition=~Q(transaction_ref=""),
                name="payment_transaction_once",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "status", "paid_at"], name="payment_agency_idx"),
            models.Index(fields=["dossier_code"], name="payment_dossier_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class PaymentAttempt(models.Model):
    """One try to pay a request through a gateway: the order sent to it and what came back."""

    request = models.ForeignKey(
        PaymentRequest,
        verbose_name=_("payment request"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    gateway = models.CharField(_("gateway"), max_length=20)
    order_ref = models.CharField(_("order reference"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"), max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    created_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("expires at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    transaction_no = models.CharField(_("gateway transaction number"), max_length=40, blank=True)
    response_code = models.CharField(_("response code"), max_length=10, blank=True)
    notification = models.JSONField(_("notification received"), null=True, blank=True)

    class Meta:
        verbose_name = _("gateway payment")
        verbose_name_plural = _("gateway payments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.order_ref


class StatementImport(models.Model):
    """A bank statement file an officer imported; the same file twice is refused by its hash."""

    account = models.ForeignKey(
        CollectionAccount, verbose_name=_("account"), on_delete=models.PROTECT
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"))
    lines = models.PositiveIntegerField(_("lines"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    queued = models.PositiveIntegerField(_("queued"), default=0)
    duplicates = models.PositiveIntegerField(_("already seen"), default=0)

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sha256"], name="statement_file_once")
        ]

    def __str__(self) -> str:
        return self.file_name


class BankEntry(models.Model):
    """Money received: a credit to a collection account (a statement line or a bank
    notification) or a gateway payment that did not match its order. One that does not match
    one request exactly waits in the reconciliation queue of the collecting agency."""

    account = models.ForeignKey(
        CollectionAccount,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for a gateway payment that did not match its order."),
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("collecting agency"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=10, choices=EntrySource.choices)
    statement = models.ForeignKey(
        StatementImport,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    entry_key = models.CharField(
        _("transaction key"),
        max_length=100,
        help_text=_("The bank's transaction number, or a digest of the line when it has none."),
    )
    booked_at = models.DateTimeField(_("booked at"))
    amount = models.BigIntegerField(_("amount (VND)"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices)
    reason = models.CharField(_("why it waits"), max_length=255, blank=True)
    request = models.ForeignKey(
        PaymentRequest,
        verbose_name=_("payment request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_entries",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    note = models.TextField(_("officer's note"), blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank credit")
        verbose_name_plural = _("bank credits")
        ordering = ["-booked_at", "-id"]
        constraints = [
            # A statement line and a notification of the same bank transaction share the key;
            # a gateway entry's key is "gateway:<gateway>:<transaction number>".
            models.UniqueConstraint(fields=["agency", "entry_key"], name="bank_entry_once")
        ]
        indexes = [models.Index(fields=["status", "agency"], name="bank_entry_queue_idx")]

    def __str__(self) -> str:
        return f"{self.entry_key} {self.amount}"


class ReceiptBook(models.Model):
    """An agency's e-receipt form and series (Decree 123/2020 Art. 32: ký hiệu mẫu, ký hiệu)
    for one year: numbers run from 0000001 each 1 January."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("collecting agency"), on_delete=models.PROTECT
    )
    form_symbol = models.CharField(_("form number (ký hiệu mẫu)"), max_length=20)
    series = models.CharField(_("series (ký hiệu)"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("receipt book")
        verbose_name_plural = _("receipt books")
        ordering = ["agency", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "form_symbol", "series", "year"], name="receipt_book_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form_symbol} {self.series} ({self.year})"


class Receipt(models.Model):
    """The e-receipt of a paid request (biên lai thu phí, lệ phí điện tử)."""

    request = models.OneToOneField(
        PaymentRequest,
        verbose_name=_("payment request"),
        on_delete=models.PROTECT,
        related_name="receipt",
    )
    book = models.ForeignKey(ReceiptBook, verbose_name=_("book"), on_delete=models.PROTECT)
    number = models.PositiveIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued at"))
    file = models.FileField(_("PDF"), upload_to="receipts/%Y/%m/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed = models.BooleanField(
        _("signed"), default=False, help_text=_("Carries the organisation's digital signature.")
    )
    token = models.CharField(_("public token"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("e-receipt")
        verbose_name_plural = _("e-receipts")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="receipt_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.book.series} {self.number:07d}"

    @property
    def number_text(self) -> str:
        return f"{self.number:07d}"
