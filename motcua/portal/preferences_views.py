"""The citizen's notification settings (/tai-khoan/thong-bao/): which channels the notices about
their dossiers use — e-mail, SMS (offered only with a phone number on the account), the portal
inbox — and their language. Only the signed-in user's own settings, so there is nothing of
anyone else's to reach. Saving goes through `notifications.preferences.preference_save`
(audited); at least one channel stays on, see that module."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.phones import phone_normalise
from motcua.core.errors import ValidationFailed
from motcua.notifications.models import NOTICE_LANGUAGES
from motcua.notifications.preferences import initial_for, preference_save

from .auth import citizen_login_required


class PreferencesForm(forms.Form):
    email = forms.BooleanField(label=_("By e-mail"), required=False)
    sms = forms.BooleanField(label=_("By SMS"), required=False)
    inbox = forms.BooleanField(label=_("In my portal inbox"), required=False)
    language = forms.ChoiceField(label=_("Language of the notices"), choices=NOTICE_LANGUAGES)


@citizen_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_phone = bool(phone_normalise(getattr(user, "phone", "") or ""))
    has_email = bool((getattr(user, "email", "") or "").strip())
    status, errors = 200, []
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                preference_save(
                    user=user,
                    actor=user,
                    email=data["email"],
                    sms=data["sms"] and has_phone,
                    inbox=data["inbox"],
                    language=data["language"],
                )
            except ValidationFailed as error:
                errors, status = error.errors or [error.message], 400
            else:
                messages.success(request, _("Your notification settings were saved."))
                return redirect("portal:preferences")
        else:
            status = 400
    else:
        form = PreferencesForm(initial=initial_for(user))
    context = {"form": form, "errors": errors, "has_phone": has_phone, "has_email": has_email}
    response = render(request, "portal/preferences/preferences.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response
