"""The public verification page ("Xác thực văn bản điện tử", /xac-thuc/): anyone may upload a
signed PDF and see whether its digital signatures hold, and, when the file is an e-result MotCua
issued, which dossier it belongs to. No account needed.

/xac-thuc/<token>/ is the QR code printed on every e-result: it verifies the stored result file
of that token, so whoever holds the paper copy can check it against the original.

Verifications are limited per client address (settings.MOTCUA_VERIFY_RATE, default 20 per 10
minutes; beyond it 429 with Retry-After); an upload may be at most MOTCUA_UPLOAD_MAX_BYTES.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import RateLimit, Verdict, client_ip
from motcua.documents.signing.verification import PdfVerification, verify_pdf
from motcua.dossiers.models import DossierFile
from motcua.dossiers.results_check import (
    issued_result_by_sha256,
    issued_result_by_token,
    read_file,
)

DEFAULT_RATE = (20, 600)  # verifications per client address, per seconds
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _clock() -> float:
    """The limiter's clock (tests replace it to move time on)."""
    return time.time()


def verify_limit() -> RateLimit:
    count, seconds = getattr(settings, "MOTCUA_VERIFY_RATE", DEFAULT_RATE)
    return RateLimit("verify", int(count), int(seconds), clock=_clock)


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


# ---------------------------------------------------------------- issued results


def dossier_facts(file: DossierFile | None) -> dict[str, str] | None:
    """What the page and the API show of the dossier a result belongs to."""
    if file is None:
        return None
    dossier = file.dossier
    return {
        "code": dossier.code or "",
        "procedure": dossier.procedure.name,
        "agency": (dossier.current_agency or dossier.receiving_agency).name,
    }


# ---------------------------------------------------------------- the page


class VerifyForm(forms.Form):
    tep = forms.FileField(
        label=gettext_lazy("Signed PDF file"),
        help_text=gettext_lazy("A PDF document with digital signatures, e.g. an e-result."),
        error_messages={
            "required": gettext_lazy("Choose a PDF file to verify."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    def clean_tep(self) -> bytes:
        upload = self.cleaned_data["tep"]
        limit = max_bytes()
        if upload.size > limit:
            megabytes = max(limit // (1024 * 1024), 1)
            raise forms.ValidationError(
                _("The file is too large: at most %(mb)d MB.") % {"mb": megabytes}
            )
        data: bytes = upload.read()
        return data


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    base = {"form": VerifyForm(), "result": None, "dossier": None, "message": ""}
    response = render(request, "portal/verify.html", base | context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _too_many(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    minutes = max(math.ceil(verdict.retry_after / 60), 1)
    message = ngettext(
        "Too many verifications. Please try again in %(n)d minute.",
        "Too many verifications. Please try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}
    response = _render(request, {"message": message, "limited": True}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _answer(request: HttpRequest, result: PdfVerification, **extra: Any) -> HttpResponse:
    dossier = extra.pop("dossier", None)
    if dossier is None and result.is_pdf:
        dossier = dossier_facts(issued_result_by_sha256(result.sha256))
    return _render(request, {"result": result, "dossier": dossier, **extra})


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """GET: the upload form; POST: the verdict on the uploaded file."""
    if request.method != "POST":
        return _render(request, {})
    verdict = verify_limit().hit(client_ip(request))
    if not verdict.allowed:
        return _too_many(request, verdict)
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, {"form": form}, status=400)
    return _answer(request, verify_pdf(form.cleaned_data["tep"]))


@require_http_methods(["GET", "HEAD"])
def verify_issued(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code's target: the verdict on the stored result file of `token`."""
    verdict = verify_limit().hit(client_ip(request))
    if not verdict.allowed:
        return _too_many(request, verdict)
    file = issued_result_by_token(token)
    data = read_file(file) if file is not None else None
    if file is None or data is None:
        message = _("No e-result matches this link. Check that the address is complete.")
        return _render(request, {"message": message}, status=404)
    return _answer(request, verify_pdf(data), dossier=dossier_facts(file), issued=True)
