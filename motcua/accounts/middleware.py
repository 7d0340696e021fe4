"""Officials set up an authenticator app (TOTP) before they see any other page."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .selectors import user_must_set_up_authenticator

# Views an official without an authenticator may still reach: signing in and out, the MFA
# set-up itself, account pages (a code for an e-mail), and the language switch.
_ALLOWED_PREFIXES = ("account_", "mfa_", "socialaccount_", "accounts:")
_ALLOWED_VIEWS = {"set_language", "backoffice:logout"}


class OfficialMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.MOTCUA_OFFICIAL_MFA_REQUIRED or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in _ALLOWED_VIEWS or view_name.startswith(_ALLOWED_PREFIXES):
            return None
        if not user_must_set_up_authenticator(user=request.user):  # type: ignore[arg-type]
            return None
        messages.warning(
            request,
            _(
                "Officials protect their account with an authenticator app. Set it up now; "
                "after that, logging in asks for its code."
            ),
        )
        return redirect("mfa_activate_totp")
