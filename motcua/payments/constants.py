"""The words of payments: what a request is for, where it stands and how it was paid."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """What a payment request is for (the issue's three kinds of what is owed)."""

    SUBMISSION = "submission", _("Fees and charges of the dossier")
    OBLIGATION = "obligation", _("Financial obligation")
    POSTAGE = "postage", _("Postage for the result")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")  # the last attempt failed; it may be paid again
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


#: A request in these states may still be paid.
PAYABLE = frozenset({PaymentStatus.PENDING, PaymentStatus.FAILED})


class Method(models.TextChoices):
    GATEWAY = "gateway", _("Online payment gateway")
    TRANSFER = "transfer", _("Bank transfer (VietQR)")
    CASH = "cash", _("Cash at the counter")
    CARD = "card", _("Card at the counter")
    PROOF = "proof", _("Paid elsewhere, proof shown to the officer")


#: Paid online, as Decision 766 counts it (reporting.index766).
ONLINE_METHODS = frozenset({Method.GATEWAY, Method.TRANSFER})


class AttemptStatus(models.TextChoices):
    """One try through a payment gateway."""

    PENDING = "pending", _("Started")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled by the payer")
    EXPIRED = "expired", _("Expired")


class EntryStatus(models.TextChoices):
    """A credit seen on a bank statement or in a bank notification."""

    MATCHED = "matched", _("Matched to a payment request")
    QUEUED = "queued", _("Waiting for an officer")
    RESOLVED = "resolved", _("Assigned by an officer")
    DISMISSED = "dismissed", _("Set aside by an officer")
    IGNORED = "ignored", _("Not a credit")


class EntrySource(models.TextChoices):
    STATEMENT = "statement", _("Statement file")
    WEBHOOK = "webhook", _("Bank notification")
    GATEWAY = "gateway", _("Payment gateway")
