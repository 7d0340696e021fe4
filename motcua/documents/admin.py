"""Admin for the trust store (CA certificates, CRLs) and the signing credentials of officials,
organisations and the local TSA. Files are uploaded and read; secrets are encrypted on the way in
and never shown back."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

from asn1crypto import x509 as asn1_x509
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from motcua.core.admin import AuditedAdminMixin
from motcua.core.errors import ValidationFailed

from .models import RevocationList, SigningCredential, TrustedCertificate
from .signing import secrets
from .signing.certificates import load_certificate, read_pkcs12

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_UPLOAD = 1_000_000  # bytes: certificates, CRLs, PKCS#12 files and images are small


def _read(upload: UploadedFile | None) -> bytes | None:
    if upload is None:
        return None
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise forms.ValidationError(gettext("The file is too large (at most 1 MB)."))
    return upload.read()


class TrustedCertificateForm(forms.ModelForm):
    certificate_file = forms.FileField(
        label=_("certificate file"),
        required=False,
        help_text=_("The CA certificate, PEM (.pem, .crt) or DER (.cer, .der)."),
    )

    class Meta:
        model = TrustedCertificate
        fields = ["name", "kind", "is_demo", "note"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = _read(cleaned.get("certificate_file"))
        if data is None:
            if self.instance.pk is None:
                self.add_error("certificate_file", gettext("Choose the certificate file."))
            return cleaned
        try:
            self.instance.fill_from(data)
        except ValidationFailed as error:
            self.add_error("certificate_file", error.message)
            return cleaned
        cert = asn1_x509.Certificate.load(bytes(self.instance.certificate_der))
        if not cert.ca:
            self.add_error("certificate_file", gettext("This is not a CA certificate."))
        elif cleaned.get("kind") == TrustedCertificate.Kind.ROOT and cert.self_signed == "no":
            self.add_error("kind", gettext("A root certificate must be self-signed."))
        duplicate = TrustedCertificate.objects.filter(sha256=self.instance.sha256)
        if duplicate.exclude(pk=self.instance.pk).exists():
            self.add_error("certificate_file", gettext("This certificate is already in the store."))
        return cleaned


@admin.register(TrustedCertificate)
class TrustedCertificateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = TrustedCertificateForm
    list_display = ["name", "kind", "subject", "not_after", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "subject", "sha256"]
    readonly_fields = ["subject", "issuer", "not_before", "not_after", "sha256", "added_at"]


class RevocationListForm(forms.ModelForm):
    crl_file = forms.FileField(
        label=_("CRL file"), required=False, help_text=_("The CRL, PEM or DER (.crl).")
    )

    class Meta:
        model = RevocationList
        fields = ["name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = _read(cleaned.get("crl_file"))
        if data is None:
            if self.instance.pk is None:
                self.add_error("crl_file", gettext("Choose the CRL file."))
            return cleaned
        try:
            self.instance.fill_from(data)
        except ValidationFailed as error:
            self.add_error("crl_file", error.message)
            return cleaned
        duplicate = RevocationList.objects.filter(sha256=self.instance.sha256)
        if duplicate.exclude(pk=self.instance.pk).exists():
            self.add_error("crl_file", gettext("This CRL is already loaded."))
        return cleaned


@admin.register(RevocationList)
class RevocationListAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = RevocationListForm
    list_display = ["name", "issuer", "this_update", "next_update"]
    search_fields = ["name", "issuer"]
    readonly_fields = ["issuer", "this_update", "next_update", "sha256", "added_at"]


def _secret_field(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


class SigningCredentialForm(forms.ModelForm):
    pkcs12_file = forms.FileField(
        label=_("PKCS#12 file (.p12, .pfx)"),
        required=False,
        help_text=_("Leave empty to keep the stored file."),
    )
    passphrase = _secret_field(
        _("PKCS#12 passphrase"),
        _(
            "Needed to read the file. Kept (encrypted) only for organisation and time-stamping "
            "credentials; officials type their own PIN when they sign."
        ),
    )
    certificate_file = forms.FileField(
        label=_("signer certificate (PEM or DER)"),
        required=False,
        help_text=_("For tokens, remote and outside signers when the certificate is known."),
    )
    pkcs11_pin = _secret_field(_("token PIN"), _("Leave empty to keep the stored PIN."))
    csc_secret = _secret_field(_("CSC password or client secret"), _("Leave empty to keep it."))
    image_file = forms.FileField(
        label=_("signature or seal image"),
        required=False,
        help_text=_("PNG with a transparent background: blue signature or red seal."),
    )

    class Meta:
        model = SigningCredential
        fields = [
            "name",
            "purpose",
            "way",
            "user",
            "agency",
            "pkcs11_module",
            "pkcs11_token_label",
            "pkcs11_key_label",
            "pkcs11_cert_label",
            "csc_service_url",
            "csc_credential_id",
            "csc_username",
            "is_demo",
            "active",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        credential: SigningCredential = self.instance
        purpose, way = cleaned.get("purpose"), cleaned.get("way")
        if purpose == SigningCredential.Purpose.PERSONAL and not cleaned.get("user"):
            self.add_error("user", gettext("A personal credential belongs to an official."))
        if purpose == SigningCredential.Purpose.ORGANISATION and not cleaned.get("agency"):
            self.add_error("agency", gettext("An organisation credential belongs to an agency."))
        try:
            if way == SigningCredential.Way.PKCS12:
                self._clean_pkcs12(cleaned, keep_passphrase=purpose != "personal")
            elif way == SigningCredential.Way.PKCS11:
                self._require(cleaned, "pkcs11_module", "pkcs11_token_label", "pkcs11_key_label")
            elif way == SigningCredential.Way.CSC:
                self._require(cleaned, "csc_service_url", "csc_credential_id")
            self._clean_certificate(cleaned)
            self._clean_image(cleaned)
        except forms.ValidationError as error:
            self.add_error(None, error)
        if cleaned.get("pkcs11_pin"):
            credential.pkcs11_pin_encrypted = secrets.encrypt(cleaned["pkcs11_pin"].encode())
        if cleaned.get("csc_secret"):
            credential.csc_secret_encrypted = secrets.encrypt(cleaned["csc_secret"].encode())
        if purpose == SigningCredential.Purpose.TIMESTAMP and bytes(
            credential.certificate_der or b""
        ):
            cert = asn1_x509.Certificate.load(bytes(credential.certificate_der))
            usages = (
                cert.extended_key_usage_value.native if cert.extended_key_usage_value else []
            ) or []
            if "time_stamping" not in usages:
                self.add_error(
                    "purpose",
                    gettext("The certificate is not for time stamping (extended key usage)."),
                )
        return cleaned

    def _require(self, cleaned: dict[str, Any], *names: str) -> None:
        for name in names:
            if not cleaned.get(name):
                self.add_error(name, gettext("Needed for this way of signing."))

    def _clean_pkcs12(self, cleaned: dict[str, Any], *, keep_passphrase: bool) -> None:
        credential: SigningCredential = self.instance
        data = _read(cleaned.get("pkcs12_file"))
        if data is None:
            if not bytes(credential.pkcs12_encrypted or b""):
                self.add_error("pkcs12_file", gettext("Choose the PKCS#12 file."))
            return
        passphrase = (cleaned.get("passphrase") or "").encode("utf-8")
        try:
            contents = read_pkcs12(data, passphrase or None)
        except ValidationFailed as error:
            self.add_error("pkcs12_file", error.message)
            return
        credential.certificate_der = contents.certificate_der
        credential.set_chain(contents.chain_der)
        credential.pkcs12_encrypted = secrets.encrypt(data)
        credential.passphrase_encrypted = (
            secrets.encrypt(passphrase) if keep_passphrase and passphrase else b""
        )

    def _clean_certificate(self, cleaned: dict[str, Any]) -> None:
        data = _read(cleaned.get("certificate_file"))
        if data is None:
            return
        try:
            self.instance.certificate_der = bytes(load_certificate(data).dump())
        except ValidationFailed as error:
            self.add_error("certificate_file", error.message)

    def _clean_image(self, cleaned: dict[str, Any]) -> None:
        data = _read(cleaned.get("image_file"))
        if data is None:
            return
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != "PNG":
                    raise UnidentifiedImageError
        except (UnidentifiedImageError, OSError):
            self.add_error("image_file", gettext("The image must be a PNG file."))
            return
        self.instance.image_png = data


@admin.register(SigningCredential)
class SigningCredentialAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = SigningCredentialForm
    list_display = ["name", "purpose", "way", "user", "agency", "active", "is_demo"]
    list_filter = ["purpose", "way", "active", "is_demo"]
    search_fields = ["name", "user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    readonly_fields = ["certificate_subject", "secret_stored", "image_preview", "created_at"]

    @admin.display(description=_("certificate"))
    def certificate_subject(self, obj: SigningCredential) -> str:
        der = bytes(obj.certificate_der or b"")
        if not der:
            return "—"
        cert = asn1_x509.Certificate.load(der)
        return f"{cert.subject.human_friendly} ({cert.not_valid_after:%d/%m/%Y})"

    @admin.display(description=_("secret stored"), boolean=True)
    def secret_stored(self, obj: SigningCredential) -> bool:
        return obj.has_secret

    @admin.display(description=_("image"))
    def image_preview(self, obj: SigningCredential) -> str:
        data = bytes(obj.image_png or b"")
        if not data:
            return "—"
        source = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        return format_html('<img src="{}" alt="" style="max-height:80px">', source)
