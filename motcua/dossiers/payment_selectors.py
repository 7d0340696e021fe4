"""Reads of what dossiers owe and paid (the pages and the API; the visibility of the dossier
itself is checked by the caller, as for any part of a dossier)."""

from django.db.models import QuerySet

from motcua.payments.constants import PAYABLE
from motcua.payments.models import PaymentRequest

from .models import Dossier


def payment_requests_of(dossier: Dossier) -> list[PaymentRequest]:
    """The dossier's requests, oldest first, with their account, bank and receipt."""
    return list(
        PaymentRequest.objects.filter(dossier_pk=dossier.pk)
        .select_related("account__bank", "agency", "receipt")
        .order_by("id")
    )


def payable_requests(dossier: Dossier) -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(dossier_pk=dossier.pk, status__in=PAYABLE)


def has_payable(dossier: Dossier) -> bool:
    return payable_requests(dossier).exists()
