"""What the API shows of a dossier's payment requests (`GET .../payments` in
motcua.api.v1.payments and `payments` in the dossier detail): what is owed, where it stands, the
VietQR payload to pay it by bank transfer and the e-receipt once paid (docs/payments.md)."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request

from motcua.dossiers.models import Dossier
from motcua.dossiers.payment_selectors import payment_requests_of
from motcua.dossiers.payments import payment_vietqr
from motcua.payments.constants import Method, PaymentStatus, Purpose
from motcua.payments.models import PaymentRequest, Receipt

from .deadlines import AwareDateTimeField


class PaymentItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(
        help_text="The payment reference (MC + 8 characters), written in the transfer"
    )
    purpose = serializers.ChoiceField(
        choices=Purpose.choices,
        help_text="submission: the dossier's fees and charges; obligation: a financial "
        "obligation; postage: postage for the result",
    )
    description = serializers.CharField(help_text="What it is for")
    amount = serializers.IntegerField(help_text="VND")
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    method = serializers.ChoiceField(
        choices=Method.choices, allow_blank=True, help_text="How it was paid; empty before"
    )
    paid_at = AwareDateTimeField(allow_null=True, help_text="Paid at, Vietnam time")
    expires_at = AwareDateTimeField(allow_null=True, help_text="Pay by; null: no limit")
    vietqr = serializers.CharField(
        allow_null=True,
        help_text="The VietQR (EMVCo) payload of a bank transfer paying it, to show as a QR "
        "code; null when it cannot be paid now or the agency has no collection account",
    )
    receipt_url = serializers.URLField(
        allow_null=True, help_text="The e-receipt (biên lai điện tử, PDF) once issued; null before"
    )


def _receipt(payment: PaymentRequest) -> Receipt | None:
    try:
        return payment.receipt
    except Receipt.DoesNotExist:
        return None


def payment_item(request: Request, payment: PaymentRequest) -> dict[str, Any]:
    receipt = _receipt(payment)
    receipt_url = None
    if receipt is not None:
        path = reverse("portal:receipt", kwargs={"token": receipt.token})
        receipt_url = request.build_absolute_uri(path)
    return {
        "id": payment.pk,
        "reference": payment.reference,
        "purpose": payment.purpose,
        "description": payment.description,
        "amount": payment.amount,
        "status": payment.status,
        "method": payment.method,
        "paid_at": payment.paid_at,
        "expires_at": payment.expires_at,
        "vietqr": payment_vietqr(payment),
        "receipt_url": receipt_url,
    }


def payment_items(request: Request, dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's payment requests, oldest first (the caller checked that the user may see
    the dossier)."""
    items = [payment_item(request, payment) for payment in payment_requests_of(dossier)]
    return PaymentItemSerializer(items, many=True).data  # type: ignore[return-value]
