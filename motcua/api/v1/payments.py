"""Payments in the API (docs/payments.md, docs/payments-bank.md).

- `GET /api/v1/dossiers/{key}/payments`: what a dossier owes and paid, each request with its
  VietQR payload while it can be paid and its e-receipt once issued. Like every part of a
  dossier, a dossier the caller may not see is 404 (motcua.api.v1.dossiers).
- `POST /api/v1/payments/bank-notifications`: a bank (or its integration partner, or the
  agency's treasury system) says a transfer reached a collection account. No user signs in: the
  body is authenticated by its HMAC-SHA256 in the `X-MotCua-Signature` header
  (dossiers.payment_bank, MotCua's own documented contract: no public specification of a
  Vietnamese bank's notification API was found). A bad signature is 400 and changes nothing.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import DomainError
from motcua.dossiers.payment_bank import bank_notification_receive
from motcua.payments.constants import EntryStatus

from .common import PROBLEM
from .dossier_serializers import DomainProblemSerializer
from .dossiers import KEY, WWW_AUTHENTICATE, _problems, _user, _visible_or_404
from .payment_serializers import PaymentItemSerializer, payment_items

SIGNATURE_HEADER = "X-MotCua-Signature"
MATCHED, QUEUED, DUPLICATE, IGNORED = "matched", "queued", "duplicate", "ignored"


class DossierPaymentsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossiers_payments",
        tags=["payments"],
        parameters=[KEY, WWW_AUTHENTICATE],
        responses={200: PaymentItemSerializer(many=True), **_problems(401, 404)},
        summary="The dossier's payment requests (phí, lệ phí, nghĩa vụ tài chính)",
        description="Oldest first. `vietqr` is the payload of a VietQR code paying the request "
        "by bank transfer into the collecting agency's account (with the amount and the "
        "reference filled in); null once paid, cancelled or expired, or when the agency has no "
        "collection account. `receipt_url` is the e-receipt once issued.",
    )
    def get(self, request: Request, key: str) -> Response:
        dossier = _visible_or_404(_user(request), key)
        return Response(payment_items(request, dossier))


# --- the bank's notification -----------------------------------------------------------------


class BankNotificationSerializer(serializers.Serializer):
    """The notification body (documentation: the view reads the raw bytes it verifies)."""

    account_number = serializers.CharField(help_text="The collection account credited")
    bank_bin = serializers.CharField(help_text="The bank's 6-digit BIN (NAPAS)")
    transaction_id = serializers.CharField(
        max_length=100, help_text="The bank's transaction number, as on the statement"
    )
    amount = serializers.IntegerField(help_text="Đồng; 0 or less (a debit) is ignored")
    description = serializers.CharField(
        required=False, help_text="The transfer's description (it names the payment reference)"
    )
    booked_at = serializers.DateTimeField(help_text="ISO 8601; without an offset, Vietnam time")


class BankNotificationAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[MATCHED, QUEUED, DUPLICATE, IGNORED],
        help_text="matched: it paid a payment request; queued: it waits for an officer of the "
        "agency (no request matches it exactly); duplicate: this transaction was already "
        "recorded, nothing changed; ignored: not a credit",
    )


def _answer(description: str) -> OpenApiResponse:
    return OpenApiResponse(DomainProblemSerializer, description=description)


class BankNotificationApi(APIView):
    authentication_classes: list[Any] = []  # the signature authenticates the body
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="payments_bank_notification",
        tags=["payments"],
        request=BankNotificationSerializer,
        parameters=[
            OpenApiParameter(
                SIGNATURE_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="Lowercase hex HMAC-SHA256 of the raw request body with the "
                "installation's MOTCUA_BANK_WEBHOOK_SECRET",
            )
        ],
        auth=[],
        responses={
            200: BankNotificationAnswerSerializer,
            (400, PROBLEM): _answer(
                "A missing or wrong signature (code bad_signature), or a malformed body "
                "(validation_failed). Nothing was recorded.",
            ),
            (409, PROBLEM): _answer(
                "The account is not a collection account of MotCua (unknown_account)."
            ),
        },
        summary="A bank notifies a credit to a collection account (webhook)",
        description="Idempotent on `transaction_id`: the same notification again, or one for "
        "a transaction already seen on an imported statement, answers `duplicate` and changes "
        "nothing, so retry freely. A credit naming exactly one payable request of the agency, "
        "for its exact amount, pays it (and the e-receipt follows); anything else waits in "
        "the agency's reconciliation queue.",
        examples=[
            OpenApiExample(
                "A transfer paying a dossier's fees",
                request_only=True,
                value={
                    "account_number": "0011001234567",
                    "bank_bin": "970436",
                    "transaction_id": "FT26070123456789",
                    "amount": 1250000,
                    "description": "MC7K2QX9PA 000.00.01.H49-260311-0001",
                    "booked_at": "2026-03-11T09:15:00+07:00",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        started = timezone.now()
        try:
            entry = bank_notification_receive(body=request.body, signature=signature)
        except DomainError as refused:
            if refused.code != "bad_signature":
                raise
            return _bad_signature(refused)
        if entry is None:
            answer = IGNORED
        elif entry.created_at < started:  # recorded by an earlier notification or statement
            answer = DUPLICATE
        else:
            answer = MATCHED if entry.status == EntryStatus.MATCHED else QUEUED
        return Response(BankNotificationAnswerSerializer({"status": answer}).data)


def _bad_signature(refused: DomainError) -> Response:
    """400, not the 409 of other rules: the request itself is not acceptable."""
    body = {
        "type": "about:blank",
        "title": "Bad Request",
        "status": status.HTTP_400_BAD_REQUEST,
        "detail": refused.message,
        "code": refused.code,
    }
    return Response(body, status=status.HTTP_400_BAD_REQUEST, content_type=PROBLEM)
