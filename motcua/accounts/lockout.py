"""What django-axes counts failed logins against: the account the typed login names."""

import math
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import user_find_by_login


def attempted_account(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The username of the account the login (username, e-mail or phone) names, or the login as
    typed (lower-cased) when it names none: one account typed three ways is one lockout."""
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email") or credentials.get("phone")
    if not typed and request is not None:
        data = getattr(request, "data", None) or request.POST
        typed = data.get("login") or data.get("username")
    typed = str(typed or "").strip()
    if not typed:
        return ""
    user = user_find_by_login(login=typed)
    return user.get_username() if user is not None else typed.lower()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out login gets (HTTP 429): why, for how long, and the way out."""
    cool_off = get_cool_off(request)
    return render(
        request,
        "account/lockout.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
        },
        status=429,
    )
