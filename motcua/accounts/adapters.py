"""How allauth fits MotCua: phone numbers live in User.phone, a citizen's details are saved
at signup, the national OpenID Connect provider's claims fill the profile, accounts made by
an administrator skip e-mail confirmation, and officials cannot drop their authenticator app."""

from typing import Any

from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.text import nfc

from .forms import PhoneField
from .models import ACCOUNT_FIELDS, User
from .phones import phone_normalise
from .selectors import user_citizen_id_taken, user_get_by_phone, user_is_official


def user_display(user: User) -> str:
    return str(user)


def _made_by_administrator(user: User) -> bool:
    """Officials, staff and accounts without any e-mail were made (and vouched for) by an
    administrator; only accounts people make themselves must confirm an e-mail."""
    if user.is_staff or user_is_official(user=user):
        return True
    return not user.email and not EmailAddress.objects.filter(user_id=user.pk).exists()


class EmailVerificationStage(stages.EmailVerificationStage):
    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if isinstance(user, User) and _made_by_administrator(user):
            return None, True
        return super().handle()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        """allauth's, with our e-mail stage and without phone verification (no SMS yet)."""
        ours = f"{EmailVerificationStage.__module__}.{EmailVerificationStage.__qualname__}"
        replaced = {
            "allauth.account.stages.EmailVerificationStage": ours,
            "allauth.account.stages.PhoneVerificationStage": None,
        }
        stages = [replaced.get(path, path) for path in super().get_login_stages()]
        return [path for path in stages if path]

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if user_is_official(user=request.user):  # type: ignore[arg-type]
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        return resolve_url(settings.MOTCUA_CITIZEN_HOME_URL)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return resolve_url(settings.MOTCUA_CITIZEN_HOME_URL)

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Any, commit: bool = True
    ) -> AbstractBaseUser:
        assert isinstance(user, User)
        data = form.cleaned_data
        user.full_name = data.get("full_name") or user.full_name
        user.citizen_id = data.get("citizen_id") or user.citizen_id
        if data.get("account_kind"):
            for name in ACCOUNT_FIELDS:
                setattr(user, name, data.get(name) or "")
        saved = super().save_user(request, user, form, commit=commit)
        if commit:
            audit.record(
                action="accounts.user_registered",
                actor=None,
                subject=saved,
                data={"account_kind": user.account_kind},
            )
        return saved

    # Phone numbers: User.phone, national form; not verified (no SMS gateway yet).
    def phone_form_field(self, **kwargs: Any) -> PhoneField:
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return phone_normalise(phone) or phone

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        phone = getattr(user, "phone", "")
        return (phone, False) if phone else None

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        assert isinstance(user, User)
        user.phone = phone_normalise(phone) or phone
        user.save(update_fields=["phone"])

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str) -> User | None:
        return user_get_by_phone(phone=phone)

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        raise NotImplementedError("MotCua has no SMS gateway yet")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The national identity provider vouches for the name, the e-mail and the citizen ID."""

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> User:
        user = super().populate_user(request, sociallogin, data)
        assert isinstance(user, User)
        claims = _claims(sociallogin)
        user.username = ""  # made unique by allauth; the provider's may clash with ours
        user.full_name = " ".join(nfc(str(claims.get("name") or "")).split())
        citizen_id = str(claims.get(settings.MOTCUA_OIDC_CITIZEN_ID_CLAIM) or "").strip()
        user.citizen_id = citizen_id if len(citizen_id) == 12 and citizen_id.isdigit() else ""
        user.phone = phone_normalise(str(claims.get("phone_number") or "")) or ""
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """A new identity whose citizen ID already has an account is refused: the two are not
        joined automatically, since the existing account only claimed that ID."""
        user = sociallogin.user
        if sociallogin.is_existing or not isinstance(user, User) or not user.citizen_id:
            return
        if user_citizen_id_taken(citizen_id=user.citizen_id):
            messages.error(
                request,
                _(
                    "An account with your citizen identification number already exists. Log in "
                    "to it with its e-mail or phone number and password."
                ),
            )
            raise ImmediateHttpResponse(redirect("account_login"))

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        user = super().save_user(request, sociallogin, form)
        audit.record(
            action="accounts.user_registered",
            actor=None,
            subject=user,
            data={"provider": sociallogin.account.provider},
        )
        return user


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    extra = sociallogin.account.extra_data or {}
    return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Officials keep their authenticator app while it is mandatory for them."""
        if (
            authenticator.type == Authenticator.Type.TOTP
            and settings.MOTCUA_OFFICIAL_MFA_REQUIRED
            and user_is_official(user=authenticator.user)  # type: ignore[arg-type]
        ):
            return False
        return super().can_delete_authenticator(authenticator)
