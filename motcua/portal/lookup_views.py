"""The public dossier lookup ("Tra cứu hồ sơ", /tra-cuu/): no account needed, for phones and the
kiosks of the service centres; the QR code on the receipt (Mẫu 01) opens /tra-cuu/?ma=<code>.

- GET ?ma=<code> shows what anyone holding the receipt may know: the procedure, the national
  status, the receiving agency, the appointment and whether it is on time. The short reference
  of an online submission (dossiers.references) works exactly like a code, before and after
  acceptance.
- POST with the code and the phone number or ID number of the applicant (or representative)
  also shows the applicant's name and the dossier's public history. The second factor is never
  put in the address (it would stay in histories and logs).

An unknown code and a wrong second factor get the same neutral answer. Lookups are limited per
client address (settings.MOTCUA_LOOKUP_RATE, default 20 per 10 minutes), and failed second
factors per code (settings.MOTCUA_LOOKUP_FAILURE_RATE, default 5 per hour, whoever tries):
beyond them, 429 with Retry-After.
"""

import math
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import RateLimit, Verdict, client_ip
from motcua.deadlines.selectors import calendar_for
from motcua.dossiers.models import Dossier
from motcua.dossiers.public import (
    dossier_lookup,
    dossier_timeliness,
    normalise_code,
    public_status,
    public_timeline,
    second_factor_matches,
)
from motcua.dossiers.references import normalise_reference, reference_is_well_formed

from .dossier_forms import DetailsForm, LookupForm

DEFAULT_RATE = (20, 600)  # lookups per client address, per seconds
DEFAULT_FAILURE_RATE = (5, 3600)  # failed second factors per code, per seconds


def _clock() -> float:
    """The limiter's clock (tests replace it to move time on)."""
    return time.time()


def lookup_limit() -> RateLimit:
    count, seconds = getattr(settings, "MOTCUA_LOOKUP_RATE", DEFAULT_RATE)
    return RateLimit("lookup", int(count), int(seconds), clock=_clock)


def failure_limit() -> RateLimit:
    count, seconds = getattr(settings, "MOTCUA_LOOKUP_FAILURE_RATE", DEFAULT_FAILURE_RATE)
    return RateLimit("lookup-second-factor", int(count), int(seconds), clock=_clock)


def _not_found() -> str:
    return _(
        "No dossier matches what you entered. Check the dossier code on your receipt "
        "(form 01) or the reference given when you applied online and, if you gave it, the "
        "phone number or ID number."
    )


def _key(value: str) -> str:
    """The code or reference as typed, in the form it is stored (also the key that failed
    second factors are counted by)."""
    reference = normalise_reference(value)
    return reference if reference_is_well_formed(reference) else normalise_code(value)


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    base = {"form": LookupForm(), "details_form": None, "dossier": None, "message": ""}
    response = render(request, "portal/lookup.html", base | context, status=status)
    # The answers are about one person's dossier: not for search engines nor shared caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _too_many(request: HttpRequest, verdict: Verdict, form: Any) -> HttpResponse:
    minutes = max(math.ceil(verdict.retry_after / 60), 1)
    message = ngettext(
        "Too many lookups. Please try again in %(n)d minute.",
        "Too many lookups. Please try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}
    response = _render(request, {"form": form, "message": message, "limited": True}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _facts(dossier: Dossier) -> dict[str, Any]:
    calendar = calendar_for(dossier.receiving_agency)
    return {
        "dossier": dossier,
        "status": public_status(dossier.status),
        "timeliness": dossier_timeliness(dossier, calendar=calendar, now=timezone.now()),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _details(request)
    if "ma" not in request.GET:
        return _render(request, {})
    form = LookupForm(request.GET)
    verdict = lookup_limit().hit(client_ip(request))
    if not verdict.allowed:
        return _too_many(request, verdict, form)
    if not form.is_valid():
        return _render(request, {"form": form}, status=400)
    code = _key(form.cleaned_data["ma"])
    dossier = dossier_lookup(code=code)
    if dossier is None:
        return _render(request, {"form": form, "message": _not_found()})
    details_form = DetailsForm(initial={"ma": code})
    return _render(request, {"form": form, "details_form": details_form, **_facts(dossier)})


def _details(request: HttpRequest) -> HttpResponse:
    details_form = DetailsForm(request.POST)
    code = _key(str(request.POST.get("ma", "")))
    form = LookupForm(initial={"ma": code})
    verdict = lookup_limit().hit(client_ip(request))
    if not verdict.allowed:
        return _too_many(request, verdict, form)
    if not details_form.is_valid():
        dossier = dossier_lookup(code=code)
        if dossier is None:
            return _render(request, {"form": form, "message": _not_found()})
        context = {"form": form, "details_form": details_form, **_facts(dossier)}
        return _render(request, context, status=400)
    failures = failure_limit()
    blocked = failures.peek(code)
    if not blocked.allowed:
        return _too_many(request, blocked, form)
    dossier = dossier_lookup(code=code)
    if dossier is None or not second_factor_matches(dossier, details_form.cleaned_data["xac_minh"]):
        failures.hit(code)
        return _render(request, {"form": form, "message": _not_found()})
    context = {
        "form": form,
        "verified": True,
        "events": public_timeline(dossier),
        **_facts(dossier),
    }
    return _render(request, context)
