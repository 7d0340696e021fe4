"""Signing data: the trust store (roots, intermediates, CRLs) and the signing credentials of
officials, organisations and the local time-stamping authority. Secrets are Fernet-encrypted
(motcua.documents.signing.secrets) and never shown back."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .signing.certificates import certificate_facts, crl_facts


class TrustedCertificate(models.Model):
    """A CA certificate signatures are validated against (e.g. the NEAC root and its CAs)."""

    class Kind(models.TextChoices):
        ROOT = "root", _("root CA (trust anchor)")
        INTERMEDIATE = "intermediate", _("intermediate CA")

    name = models.CharField(_("name"), max_length=200)
    certificate_der = models.BinaryField(_("certificate (DER)"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROOT)
    subject = models.TextField(_("subject"), blank=True)
    issuer = models.TextField(_("issuer"), blank=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid to"))
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    is_demo = models.BooleanField(
        _("demo"),
        default=False,
        help_text=_("A test CA for the demo; never trust it in production."),
    )
    note = models.TextField(_("note"), blank=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted certificate")
        verbose_name_plural = _("trusted certificates")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def fill_from(self, data: bytes) -> None:
        """Take the certificate from an uploaded file (PEM or DER) and read its details;
        ValidationFailed when the file is not a certificate."""
        facts = certificate_facts(data)
        self.certificate_der = facts.der
        self.subject = facts.subject
        self.issuer = facts.issuer
        self.not_before = facts.not_before
        self.not_after = facts.not_after
        self.sha256 = facts.sha256

    @classmethod
    def from_file(
        cls, data: bytes, *, name: str, kind: str, **fields: object
    ) -> TrustedCertificate:
        """An unsaved row for the certificate in `data`."""
        row = cls(name=name, kind=kind, **fields)
        row.fill_from(data)
        return row


class RevocationList(models.Model):
    """A CRL loaded by the administrator, for validating without reaching the CA (offline)."""

    name = models.CharField(_("name"), max_length=200)
    crl_der = models.BinaryField(_("CRL (DER)"))
    issuer = models.TextField(_("issuer"), blank=True)
    this_update = models.DateTimeField(_("issued at"))
    next_update = models.DateTimeField(_("next update"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate revocation list")
        verbose_name_plural = _("certificate revocation lists")
        ordering = ["-this_update"]

    def __str__(self) -> str:
        return self.name

    def fill_from(self, data: bytes) -> None:
        """Take the CRL from an uploaded file; ValidationFailed when the file is not a CRL."""
        facts = crl_facts(data)
        self.crl_der = facts.der
        self.issuer = facts.issuer
        self.this_update = facts.this_update
        self.next_update = facts.next_update
        self.sha256 = facts.sha256


class SigningCredential(models.Model):
    """How a person, an organisation or the local TSA signs: a PKCS#12 file, a PKCS#11 token
    (USB token, HSM), a remote signing service (CSC API) or an outside signer (interrupted
    signing). Secrets are stored encrypted and never shown back."""

    class Purpose(models.TextChoices):
        PERSONAL = "personal", _("personal (competent person's signature)")
        ORGANISATION = "organisation", _("organisation (seal)")
        TIMESTAMP = "timestamp", _("time stamping (local TSA)")

    class Way(models.TextChoices):
        PKCS12 = "pkcs12", _("PKCS#12 file")
        PKCS11 = "pkcs11", _("PKCS#11 token or HSM")
        CSC = "csc", _("remote signing service (CSC API)")
        EXTERNAL = "external", _("outside signer (hash sent out, signature sent back)")

    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    way = models.CharField(_("way of signing"), max_length=20, choices=Way.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    certificate_der = models.BinaryField(_("signer certificate (DER)"), blank=True, default=b"")
    chain_der = models.JSONField(
        _("certificate chain"),
        default=list,
        blank=True,
        help_text=_("Base64 DER, nearest CA first."),
    )
    pkcs12_encrypted = models.BinaryField(blank=True, default=b"", editable=False)
    passphrase_encrypted = models.BinaryField(blank=True, default=b"", editable=False)
    pkcs11_module = models.CharField(_("PKCS#11 module"), max_length=300, blank=True)
    pkcs11_token_label = models.CharField(_("token label"), max_length=100, blank=True)
    pkcs11_key_label = models.CharField(_("key label"), max_length=100, blank=True)
    pkcs11_cert_label = models.CharField(_("certificate label"), max_length=100, blank=True)
    pkcs11_pin_encrypted = models.BinaryField(blank=True, default=b"", editable=False)
    csc_service_url = models.URLField(_("CSC service URL"), blank=True)
    csc_credential_id = models.CharField(_("CSC credential ID"), max_length=200, blank=True)
    csc_username = models.CharField(_("CSC user name"), max_length=200, blank=True)
    csc_secret_encrypted = models.BinaryField(blank=True, default=b"", editable=False)
    image_png = models.BinaryField(
        _("signature or seal image (PNG)"), blank=True, default=b"", editable=False
    )
    is_demo = models.BooleanField(_("demo"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        ordering = ["purpose", "name"]
        indexes = [models.Index(fields=["purpose", "active"])]

    def __str__(self) -> str:
        return self.name

    def chain(self) -> list[bytes]:
        """The CA certificates of the chain (DER), nearest first."""
        return [base64.b64decode(item) for item in self.chain_der or []]

    def set_chain(self, chain: list[bytes]) -> None:
        self.chain_der = [base64.b64encode(bytes(item)).decode("ascii") for item in chain]

    @property
    def has_secret(self) -> bool:
        """Whether a PKCS#12 file, PIN or CSC secret is stored (for display: never the value)."""
        return any(
            bytes(value or b"")
            for value in (
                self.pkcs12_encrypted,
                self.passphrase_encrypted,
                self.pkcs11_pin_encrypted,
                self.csc_secret_encrypted,
            )
        )
