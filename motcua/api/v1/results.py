"""Result documents in the API (kết quả điện tử): the signing steps as on the dossier page,
interrupted signing for a plugin on the official's own computer, and the download.

- `POST .../results/{id}/sign {pin}`: a leader signs with their personal certificate;
- `POST .../results/{id}/seal {number_notation}`: the clerk numbers and applies the
  organisation's signature;
- `POST .../results/{id}/prepare {purpose, certificate[, number_notation]}` then
  `POST .../results/{id}/complete {pending_id, signature}`: interrupted signing;
- `GET .../results/{id}/file`: the PDF as stored now.

A dossier the caller may not see is 404, as everywhere in the dossier API; the wrong user 403,
bad input 400, a file that changed or a signer that failed 409 (dossiers.results).
"""

import base64
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.documents.downloads import private_file_response
from motcua.dossiers import results
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.result_models import SignaturePurpose
from motcua.dossiers.results_check import results_visible_to

from .dossiers import KEY, WWW_AUTHENTICATE, _problems, _user, _visible_or_404
from .result_serializers import ResultItemSerializer, result_item

TAGS = ["results"]
MAX_CERTIFICATE = 20_000  # characters of base64: a certificate is a few kilobytes
MAX_SIGNATURE = 20_000

FILE_ID = OpenApiParameter(
    "file_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The result document's id"
)

# --- output -----------------------------------------------------------------------------------


class PreparedSerializer(serializers.Serializer):
    pending_id = serializers.IntegerField(help_text="Send it back with the signature")
    digest = serializers.CharField(
        help_text="Base64 SHA-256 of `to_be_signed`: what a raw RSA/ECDSA hash signer signs"
    )
    to_be_signed = serializers.CharField(
        help_text="Base64 DER of the CMS signed attributes, for a signer that hashes itself"
    )
    expires_at = serializers.DateTimeField(help_text="Complete it before this time")


# --- input ------------------------------------------------------------------------------------


class SignInputSerializer(serializers.Serializer):
    pin = serializers.CharField(
        max_length=64, trim_whitespace=False, help_text="PIN of the signer's certificate"
    )


class SealInputSerializer(serializers.Serializer):
    number_notation = serializers.CharField(
        max_length=60, help_text="Số, ký hiệu: number / abbreviations, e.g. 125/QĐ-STP"
    )


class PrepareInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=SignaturePurpose.choices)
    certificate = serializers.CharField(
        max_length=MAX_CERTIFICATE, help_text="The signer's certificate, base64 DER"
    )
    number_notation = serializers.CharField(
        max_length=60,
        required=False,
        default="",
        allow_blank=True,
        help_text="For the organisation's signature: the number and notation it gives",
    )


class CompleteInputSerializer(serializers.Serializer):
    pending_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    signature = serializers.CharField(
        max_length=MAX_SIGNATURE, help_text="The signature value, base64 (PKCS#1 v1.5 / ECDSA)"
    )


# --- views ------------------------------------------------------------------------------------


def _file_id(value: str) -> int:
    """The id in the path (taken as text, so that junk is a problem+json 404, not Django's
    HTML one)."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound(_("Not found."))
    return int(value)


def _result_or_404(dossier: Dossier, file_id: str) -> DossierFile:
    row = DossierFile.objects.filter(
        dossier=dossier, pk=_file_id(file_id), purpose=FilePurpose.RESULT
    ).first()
    if row is None:
        raise NotFound(_("Not found."))
    return row


def _schema(summary: str, request: Any, response: Any, description: str) -> Any:
    return extend_schema(
        tags=TAGS,
        request=request,
        parameters=[KEY, FILE_ID, WWW_AUTHENTICATE],
        responses={200: response, **_problems(400, 401, 403, 404, 409)},
        summary=summary,
        description=description,
    )


class ResultSignApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @_schema(
        "Sign a result document (ký số) with the leader's personal certificate",
        SignInputSerializer,
        ResultItemSerializer,
        "A leader of the agency holding the dossier, at its result stage, signs with their "
        "active personal certificate (PKCS#12, token or remote signing) unlocked by `pin`. "
        "The first signature stamps the QR code of the public verification link. A wrong "
        "PIN or an unreachable signer is 409 (signing_failed).",
    )
    def post(self, request: Request, key: str, file_id: str) -> Response:
        user = _user(request)
        dossier = _visible_or_404(user, key)
        row = _result_or_404(dossier, file_id)
        params = SignInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        row = results.result_sign(
            dossier=dossier, actor=user, file=row, pin=params.validated_data["pin"]
        )
        return Response(result_item(request, dossier, row))


class ResultSealApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @_schema(
        "Number a result document and apply the organisation's signature (cấp số, đóng dấu)",
        SealInputSerializer,
        ResultItemSerializer,
        "The clerk (văn thư) of the agency holding the dossier (its leader when it has no "
        "clerk) gives the number and notation and applies the organisation's certificate "
        "kept by the server. Only after a valid personal signature; sets the dossier's "
        "result number.",
    )
    def post(self, request: Request, key: str, file_id: str) -> Response:
        user = _user(request)
        dossier = _visible_or_404(user, key)
        row = _result_or_404(dossier, file_id)
        params = SealInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        row = results.result_seal(
            dossier=dossier,
            actor=user,
            file=row,
            number_notation=params.validated_data["number_notation"],
        )
        return Response(result_item(request, dossier, row))


class ResultPrepareApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @_schema(
        "Prepare an interrupted signing: the digest for a signing plugin",
        PrepareInputSerializer,
        PreparedSerializer,
        "Step 1 of signing with a key the server cannot reach (a USB token on the "
        "official's computer, a remote service that asks the signer's phone): the server "
        "prepares the PDF with the signature's appearance and answers what to sign. The "
        "organisation's signature needs the agency's organisation certificate and "
        "`number_notation`. Then POST the signature value to `complete` before `expires_at`.",
    )
    def post(self, request: Request, key: str, file_id: str) -> Response:
        user = _user(request)
        dossier = _visible_or_404(user, key)
        row = _result_or_404(dossier, file_id)
        params = PrepareInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        pending = results.result_prepare_external(
            dossier=dossier,
            actor=user,
            file=row,
            purpose=data["purpose"],
            certificate_der=results.decode_base64(data["certificate"], what="certificate"),
            number_notation=data["number_notation"],
        )
        answer = {
            "pending_id": pending.pk,
            "digest": pending.digest,
            "to_be_signed": base64.b64encode(bytes(pending.to_be_signed)).decode("ascii"),
            "expires_at": pending.expires_at,
        }
        return Response(PreparedSerializer(answer).data)


class ResultCompleteApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @_schema(
        "Complete an interrupted signing with the signature value",
        CompleteInputSerializer,
        ResultItemSerializer,
        "Step 2: the server checks the value against the certificate for the prepared "
        "digest (409 signing_failed if it does not match), embeds it with a time stamp and "
        "revocation data, and stores the signed version.",
    )
    def post(self, request: Request, key: str, file_id: str) -> Response:
        user = _user(request)
        dossier = _visible_or_404(user, key)
        _result_or_404(dossier, file_id)
        params = CompleteInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        row = results.result_complete_external(
            dossier=dossier,
            actor=user,
            pending_id=data["pending_id"],
            signature_value=results.decode_base64(data["signature"], what="signature"),
            file_id=_file_id(file_id),
        )
        return Response(result_item(request, dossier, row))


class ResultFileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        parameters=[KEY, FILE_ID, WWW_AUTHENTICATE],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **_problems(401, 404),
        },
        summary="Download a result document (the signed PDF)",
        description="Officials of the dossier get every result document; the applicant once "
        "the result was returned.",
    )
    def get(self, request: Request, key: str, file_id: str) -> FileResponse:
        user = _user(request)
        dossier = _visible_or_404(user, key)
        wanted = _file_id(file_id)
        row = next((f for f in results_visible_to(dossier, user) if f.pk == wanted), None)
        if row is None:
            raise NotFound(_("Not found."))
        return private_file_response(
            row.file, filename=row.original_name, content_type=row.content_type
        )
