"""Public verification of signed PDFs: POST a file, get its signatures and the verdict."""

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.ratelimit import RateLimit, client_ip
from motcua.documents.signing.verification import PdfVerification, verify_pdf
from motcua.dossiers.results_check import issued_result_by_sha256

from .common import PROBLEM, ProblemSerializer
from .deadlines import AwareDateTimeField

DEFAULT_RATE = (20, 600)  # verifications per client address, per seconds
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def verify_limit() -> RateLimit:
    count, seconds = getattr(settings, "MOTCUA_VERIFY_RATE", DEFAULT_RATE)
    return RateLimit("verify-api", int(count), int(seconds))


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class PdfFileField(serializers.Field):
    """The uploaded file's bytes, at most MOTCUA_UPLOAD_MAX_BYTES. A multipart part without a
    file name (sent as a plain field) counts as the file too: its text is what is checked."""

    default_error_messages = {
        "required": _("Attach the PDF to verify as the multipart field `file`."),
        "empty": _("The file is empty."),
        "invalid": _("Attach the PDF to verify as the multipart field `file`."),
    }

    def to_internal_value(self, data: Any) -> bytes:
        if isinstance(data, UploadedFile):
            limit = int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))
            if (data.size or 0) > limit:
                megabytes = max(limit // (1024 * 1024), 1)
                raise serializers.ValidationError(
                    _("The file is too large: at most %(mb)d MB.") % {"mb": megabytes}
                )
            content: bytes = data.read()
        elif isinstance(data, str):
            content = data.encode("utf-8")
        else:
            self.fail("invalid")
        if not content:
            self.fail("empty")
        return content

    def to_representation(self, value: Any) -> Any:  # pragma: no cover - input only
        return None


class VerifiedSignatureSerializer(serializers.Serializer):
    signer = serializers.CharField(help_text="Common name (CN) of the signer's certificate")
    organisation = serializers.CharField(help_text="Organisation (O) of the signer's certificate")
    signed_at = AwareDateTimeField(
        allow_null=True,
        help_text="The trusted time stamp's time, else the time the signer claims (Vietnam time)",
    )
    intact = serializers.BooleanField(help_text="The signed bytes were not changed")
    trusted = serializers.BooleanField(
        help_text="The certificate chains up to a root in MotCua's trust store"
    )
    revocation_checked = serializers.BooleanField(
        help_text="Revocation data (OCSP or CRL, embedded or fetched) was checked"
    )
    timestamped = serializers.BooleanField(help_text="Carries a trusted RFC 3161 time stamp")


class IssuedDossierSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Dossier code")
    procedure = serializers.CharField(help_text="Procedure name")
    agency = serializers.CharField(help_text="The agency that handled the dossier")


class VerifyApi(APIView):
    """POST /api/v1/verify."""

    authentication_classes: list[Any] = []  # public: no session, hence no CSRF
    parser_classes = [MultiPartParser]

    class VerifyRequestSerializer(serializers.Serializer):
        file = PdfFileField(help_text="The PDF to verify")

    class VerificationSerializer(serializers.Serializer):
        valid = serializers.BooleanField(
            help_text="A PDF with at least one signature, every signature valid, the last "
            "covering the whole file"
        )
        problem = serializers.CharField(help_text="Why not valid, translated; empty when valid")
        sha256 = serializers.CharField(help_text="SHA-256 of the file, hex")
        signatures = VerifiedSignatureSerializer(many=True)
        dossier = IssuedDossierSerializer(
            allow_null=True, help_text="The dossier when the file is a result MotCua issued"
        )

    @extend_schema(
        operation_id="verify_pdf",
        auth=[],
        request={"multipart/form-data": VerifyRequestSerializer},
        responses={
            200: VerificationSerializer,
            (400, PROBLEM): ProblemSerializer,
            (415, PROBLEM): ProblemSerializer,
            (429, PROBLEM): ProblemSerializer,
        },
        summary="Verify the digital signatures of a PDF",
        description="Checks each signature against MotCua's trust store: integrity, chain of "
        "trust, revocation (OCSP/CRL embedded in the file or fetched) and time stamp. A file "
        "that is not a PDF, is damaged or has no signature answers 200 with valid=false and "
        "the reason in `problem`. Limited per client address.",
        examples=[
            OpenApiExample(
                "A signed e-result",
                response_only=True,
                value={
                    "valid": True,
                    "problem": "",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "signatures": [
                        {
                            "signer": "Nguyễn Văn An",
                            "organisation": "Sở Tư pháp tỉnh Thái Nguyên",
                            "signed_at": "2026-03-12T09:00:00+07:00",
                            "intact": True,
                            "trusted": True,
                            "revocation_checked": True,
                            "timestamped": True,
                        }
                    ],
                    "dossier": {
                        "code": "000.00.13.H56-260312-0001",
                        "procedure": "Cấp phiếu lý lịch tư pháp",
                        "agency": "Sở Tư pháp tỉnh Thái Nguyên",
                    },
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        verdict = verify_limit().hit(client_ip(request))
        if not verdict.allowed:
            raise exceptions.Throttled(wait=verdict.retry_after)
        given = self.VerifyRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = verify_pdf(given.validated_data["file"])
        return Response(self.VerificationSerializer(_answer(result)).data)


def _answer(result: PdfVerification) -> dict[str, Any]:
    file = issued_result_by_sha256(result.sha256) if result.is_pdf else None
    dossier = None
    if file is not None:
        dossier = {
            "code": file.dossier.code or "",
            "procedure": file.dossier.procedure.name,
            "agency": (file.dossier.current_agency or file.dossier.receiving_agency).name,
        }
    return {
        "valid": result.valid,
        "problem": result.problem,
        "sha256": result.sha256,
        "signatures": result.signatures,
        "dossier": dossier,
    }
