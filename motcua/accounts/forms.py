"""Sign-in forms: allauth's, with Vietnamese-first labels, a Vietnamese phone number field and
the citizen's own details at signup."""

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.text import nfc

from .models import citizen_id_validator
from .phones import phone_normalise
from .selectors import user_citizen_id_taken, user_phone_taken


class PhoneField(forms.CharField):
    """A Vietnamese phone number typed any common way, cleaned to 0xxxxxxxxx."""

    default_error_messages = {
        "invalid_phone": _("Enter a Vietnamese phone number, for example 0912 345 678."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        normalised = phone_normalise(value)
        if normalised is None:
            raise forms.ValidationError(self.error_messages["invalid_phone"], code="invalid_phone")
        return normalised


class LoginForm(allauth_forms.LoginForm):
    """One box for a username (officials), an e-mail address or a phone number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("E-mail, phone number or user name")
        login.widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].label = _("Password")


class CitizenSignupForm(allauth_forms.SignupForm):
    """A citizen's account: name, citizen ID (12 digits, one account per ID), phone, e-mail and
    password. Nothing is saved unless every field is right."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    citizen_id = forms.CharField(
        label=_("Citizen identification number"),
        help_text=_("The 12 digits on your citizen identity card (căn cước)."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    field_order = ["full_name", "citizen_id", "phone", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["phone"].label = _("Phone number")
        self.fields["phone"].help_text = _("You can log in with it instead of your e-mail.")
        self.fields["email"].label = _("E-mail")
        self.fields["email"].help_text = _("We send a code to this address to confirm it.")
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password (again)")

    def clean_full_name(self) -> str:
        return " ".join(nfc(self.cleaned_data["full_name"]).split())

    def clean_citizen_id(self) -> str:
        value = "".join(self.cleaned_data["citizen_id"].split())
        citizen_id_validator(value)
        if user_citizen_id_taken(citizen_id=value):
            raise forms.ValidationError(
                _(
                    "This citizen identification number already has an account. Log in, or "
                    "reset the password if you have forgotten it."
                ),
                code="citizen_id_taken",
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        phone = cleaned.get("phone")
        if phone and user_phone_taken(phone=phone):
            self.add_error(
                "phone",
                _("This phone number already belongs to an account. Log in with it instead."),
            )
        return cleaned
