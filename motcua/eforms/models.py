"""E-forms of procedures and the citizens' drafts of applications (with their uploaded files)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalogue.constants import PublicationStatus
from motcua.catalogue.models import Component, Procedure


class EForm(models.Model):
    """The e-form of a procedure: a definition (docs/eforms.md) an administrator writes.

    One current definition per procedure; `version` counts its saved changes (each one audited).
    Only a published e-form is offered to citizens; otherwise they get the default form.
    """

    procedure = models.OneToOneField(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="eform"
    )
    definition = models.JSONField(_("definition"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    source = models.TextField(
        _("source"), blank=True, help_text=_("The official form this definition follows.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-form")
        verbose_name_plural = _("e-forms")
        ordering = ["procedure__national_code"]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} v{self.version}"


class Draft(models.Model):
    """A citizen's application not yet submitted: the answers as typed, valid or not.

    One per user and procedure; `version` grows with each save, so a save made from a page
    loaded before another device saved is refused instead of overwriting it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="eform_drafts",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField(_("answers"), default=dict, blank=True)
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where the applicant chose to send the application."),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    eform_version = models.PositiveIntegerField(
        _("e-form version"), default=0, help_text=_("0: the default form.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "procedure"], name="eforms_draft_one_open")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} – {self.owner}"


class DraftFile(models.Model):
    """A file uploaded for a component of a draft, kept through the storage API under a random
    name in drafts/YYYY/MM/ (never served from MEDIA_URL)."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="files"
    )
    # SET_NULL: re-importing the catalogue replaces components; the file stays with its name.
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    component_name = models.TextField(_("component name"))
    file = models.FileField(_("file"), upload_to="drafts/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("draft file")
        verbose_name_plural = _("draft files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
