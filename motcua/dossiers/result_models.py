"""The digital signatures on a dossier's result documents (dossiers.results writes them).

`ResultSignature` records each signature MotCua applied to a result file: who, how, with which
certificate, and the file's SHA-256 before and after. The version before the signature stays in
the storage (`previous_file`), so every state of an e-result can be shown later.
`PendingSignature` is an interrupted signing: the server prepared the PDF and the digest, and
waits for a signing plugin on the official's own computer to return the signature value.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AuditEvent


class SignaturePurpose(models.TextChoices):
    """Whose signature: the competent person's, or the organisation's (in place of the seal)."""

    PERSONAL = "personal", _("Competent person's signature")
    ORGANISATION = "organisation", _("Organisation's signature (seal)")


class SigningWay(models.TextChoices):
    """How the key was reached (documents.signing.backends)."""

    PKCS12 = "pkcs12", _("Key kept by the server (PKCS#12)")
    PKCS11 = "pkcs11", _("Token or HSM (PKCS#11)")
    CSC = "csc", _("Remote signing service (CSC)")
    EXTERNAL = "external", _("Signing plugin on the official's computer")


class ResultSignature(models.Model):
    """One signature MotCua applied to a result document."""

    file = models.ForeignKey(
        "dossiers.DossierFile",
        verbose_name=_("result document"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    purpose = models.CharField(_("signature"), max_length=15, choices=SignaturePurpose.choices)
    way = models.CharField(_("signed with"), max_length=10, choices=SigningWay.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    credential = models.ForeignKey(
        "documents.SigningCredential",
        verbose_name=_("signing credential"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))
    field_name = models.CharField(_("signature field"), max_length=100)
    certificate_subject = models.CharField(_("certificate subject"), max_length=500)
    certificate_sha256 = models.CharField(_("certificate SHA-256"), max_length=64)
    number_notation = models.CharField(
        _("number and notation"),
        max_length=100,
        blank=True,
        help_text=_("Given by the clerk with the organisation's signature, e.g. 125/QĐ-STP."),
    )
    sha256_before = models.CharField(_("SHA-256 before"), max_length=64)
    sha256_after = models.CharField(_("SHA-256 after"), max_length=64)
    previous_file = models.FileField(
        _("version before the signature"), upload_to="dossiers/%Y/%m/", max_length=200
    )
    event = models.ForeignKey(
        AuditEvent, verbose_name=_("audit event"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("result signature")
        verbose_name_plural = _("result signatures")
        ordering = ["file", "signed_at", "id"]

    def __str__(self) -> str:
        return f"{self.file}: {self.get_purpose_display()} ({self.certificate_subject})"


class PendingSignature(models.Model):
    """An interrupted signing waiting for the signature value from an external signer."""

    file = models.ForeignKey(
        "dossiers.DossierFile",
        verbose_name=_("result document"),
        on_delete=models.CASCADE,
        related_name="pending_signatures",
    )
    purpose = models.CharField(_("signature"), max_length=15, choices=SignaturePurpose.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared for"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    credential = models.ForeignKey(
        "documents.SigningCredential",
        verbose_name=_("signing credential"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    certificate_der = models.BinaryField(_("signer certificate (DER)"))
    state = models.BinaryField(
        _("prepared state"), help_text=_("documents.signing.pades.PreparedSignature.state")
    )
    digest = models.CharField(_("digest to sign (base64)"), max_length=200)
    to_be_signed = models.BinaryField(_("signed attributes (DER)"))
    sha256_before = models.CharField(_("SHA-256 of the file prepared"), max_length=64)
    field_name = models.CharField(_("signature field"), max_length=100)
    appearance = models.JSONField(_("appearance"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("pending signature")
        verbose_name_plural = _("pending signatures")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.file}: {self.get_purpose_display()} ({self.created_at:%Y-%m-%d %H:%M})"
