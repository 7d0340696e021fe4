"""Our account pages: who you are and where to manage sign-in; the admin's login."""

from typing import Any

from allauth.account import views as account_views
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from motcua.core.errors import ValidationFailed

from .forms import AccountKindForm
from .models import ACCOUNT_FIELDS, User
from .selectors import user_is_official
from .services import user_account_kind_set


@require_safe
@login_required(login_url="account_login")
def account_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/overview.html",
        {"is_official": user_is_official(user=user)},  # type: ignore[arg-type]
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required(login_url="account_login")
def account_kind(request: HttpRequest) -> HttpResponse:
    """Whom the account applies for: the person, or an organisation or business (then the
    person is its representative on the dossiers submitted online). Officials have no use
    for it (404). A bad input: the form again (400) with what was typed."""
    user = request.user
    assert isinstance(user, User)  # login_required
    if user_is_official(user=user):
        raise Http404
    initial = {name: getattr(user, name) for name in ACCOUNT_FIELDS}
    form = AccountKindForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_account_kind_set(user=user, values=form.account_values(), actor=user)
        except ValidationFailed as error:
            for message in error.errors or [error.message]:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your account details were saved."))
            return redirect("accounts:overview")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/account_kind.html", {"form": form}, status=status)


class _AdminLoginView(account_views.LoginView):
    """allauth's login (so the lockout and the authenticator code apply) in the admin's look."""

    template_name = "accounts/admin_login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | admin.site.each_context(self.request) | {"title": _("Log in")}

    def get_success_url(self) -> str:
        return super().get_success_url() or reverse("admin:index")


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Replaces the admin's own login view, whose password-only form would skip MFA."""
    if request.user.is_authenticated:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        return redirect(next_url or "admin:index")
    return _AdminLoginView.as_view()(request)
