"""Sign-in forms: allauth's, with Vietnamese-first labels, a Vietnamese phone number field and
the citizen's own details at signup."""

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.text import nfc

from .constants import AccountKind
from .identifiers import tax_code_normalise
from .models import ACCOUNT_FIELDS, citizen_id_validator
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


class AccountKindForm(forms.Form):
    """Whom the account applies for: the person, or an organisation or business they act for
    (its name, tax code, head office and the basis on which the person acts for it)."""

    account_kind = forms.ChoiceField(
        label=_("You register"),
        choices=AccountKind.choices,
        initial=AccountKind.PERSON,
        required=False,  # a form without the choice (an older page) registers a person
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(
        label=_("Name of the organisation or business"), max_length=255, required=False
    )
    tax_code = forms.CharField(
        label=_("Tax code"),
        help_text=_("10 digits, or 13 digits written 0123456789-001 for a branch."),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    organisation_address = forms.CharField(
        label=_("Head office address"), max_length=500, required=False
    )
    representative_title = forms.CharField(
        label=_("You act for it as"),
        help_text=_(
            "Your position (director, legal representative) or your letter of authorisation "
            "(number and date)."
        ),
        max_length=255,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required for an organisation (see organisation_clean): not marked "optional".
        for name in ("organisation_name", "tax_code", "representative_title"):
            self.fields[name].required_when_organisation = True  # type: ignore[attr-defined]

    def clean_account_kind(self) -> str:
        return self.cleaned_data.get("account_kind") or AccountKind.PERSON

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation_clean(self, cleaned)
        return cleaned

    def account_values(self) -> dict[str, str]:
        """The cleaned values under the names of models.ACCOUNT_FIELDS."""
        return {name: self.cleaned_data.get(name) or "" for name in ACCOUNT_FIELDS}


class CitizenSignupForm(AccountKindForm, allauth_forms.SignupForm):
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
    field_order = [
        "account_kind",
        "organisation_name",
        "tax_code",
        "organisation_address",
        "representative_title",
        "full_name",
        "citizen_id",
        "phone",
        "email",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["phone"].label = _("Phone number")
        self.fields["phone"].help_text = _("You can log in with it instead of your e-mail.")
        self.fields["email"].label = _("E-mail")
        self.fields["email"].help_text = _("We send a code to this address to confirm it.")
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password (again)")

    def person_fields(self) -> list[forms.BoundField]:
        """The visible fields about the person (the signup page groups the others)."""
        grouped = {"account_kind", *ORGANISATION_FIELDS, "representative_title"}
        return [field for field in self.visible_fields() if field.name not in grouped]

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


ORGANISATION_FIELDS = ("organisation_name", "tax_code", "organisation_address")


def organisation_clean(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """The organisation's details of a signup or profile form: required for an organisation or
    business account (the tax code in its written form), emptied for a person's."""
    if cleaned.get("account_kind", AccountKind.PERSON) == AccountKind.PERSON:
        for name in (*ORGANISATION_FIELDS, "representative_title"):
            cleaned[name] = ""
        return
    for name in ("organisation_name", "organisation_address", "representative_title"):
        cleaned[name] = " ".join(nfc(cleaned.get(name) or "").split())
    if not cleaned["organisation_name"]:
        form.add_error("organisation_name", _("Enter the name of the organisation or business."))
    if not cleaned["representative_title"]:
        form.add_error(
            "representative_title",
            _("Say as what you act for it: your position or your letter of authorisation."),
        )
    raw = cleaned.get("tax_code") or ""
    if not raw.strip():
        form.add_error("tax_code", _("Enter the tax code of the organisation or business."))
    elif (tax_code := tax_code_normalise(raw)) is None:
        form.add_error(
            "tax_code", _("A tax code has 10 digits, or 13 digits written 0123456789-001.")
        )
    else:
        cleaned["tax_code"] = tax_code
