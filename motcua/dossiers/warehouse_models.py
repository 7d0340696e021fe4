"""The citizen's e-warehouse (kho quản lý dữ liệu điện tử của tổ chức, cá nhân, Decree 45/2020,
domain-vn §1.4 and §6): the e-results of their dossiers and the papers of theirs an officer
verified at acceptance, and the record of a paper re-used in a new dossier (the national
portal's `DuocTaiSuDung`, the 766 index's "data re-use"). Rows change only through
dossiers.warehouse; see that module for the rules."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RESULT = "result", _("E-result")
    PAPER = "paper", _("Verified paper")
    RECEIPT = "receipt", _("E-receipt of fees and charges")


class WarehouseDocument(models.Model):
    """One document of a citizen's e-warehouse. It points at the dossier file it came from (the
    same stored bytes, never a copy) and keeps what the national warehouse asks about a
    document: the owner's ID number, the procedure, the number and notation (số, ký hiệu), the
    issuing agency and date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="warehouse_documents",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    name = models.TextField(_("name"))
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("from dossier"),
        on_delete=models.CASCADE,
        related_name="warehouse_documents",
    )
    source_file = models.ForeignKey(
        "dossiers.DossierFile",
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="warehouse_documents",
    )
    added_at = models.DateTimeField(_("added at"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: no end of validity known.")
    )
    signed = models.BooleanField(
        _("digitally signed"),
        default=False,
        help_text=_("A PDF whose digital signatures verified when it was added."),
    )
    # What the national warehouse looks documents up by (domain-vn §1.4, KhoSoHoaDVCQG).
    owner_id_number = models.CharField(_("owner's ID number"), max_length=20, blank=True)
    procedure_code = models.CharField(_("procedure code"), max_length=30, blank=True)
    number_notation = models.CharField(_("number and notation"), max_length=100, blank=True)
    issuer = models.CharField(_("issued or verified by"), max_length=255, blank=True)
    issued_at = models.DateTimeField(_("issued or verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-warehouse document")
        verbose_name_plural = _("e-warehouse documents")
        ordering = ["owner", "kind", "-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "sha256"], name="warehouse_document_once_per_owner"
            )
        ]
        indexes = [
            models.Index(fields=["owner", "kind", "added_at"], name="warehouse_owner_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.file_name})"


class ComponentReuse(models.Model):
    """A file of a dossier component taken from the applicant's e-warehouse instead of being
    uploaded: the national portal's `DuocTaiSuDung` and `TrangThaiSoHoa` 2 (from another
    dossier's paper) or 3 (from another dossier's result)."""

    component = models.ForeignKey(
        "dossiers.DossierComponent",
        verbose_name=_("component"),
        on_delete=models.CASCADE,
        related_name="reuses",
    )
    file = models.OneToOneField(
        "dossiers.DossierFile",
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="reuse",
    )
    document = models.ForeignKey(
        WarehouseDocument,
        verbose_name=_("e-warehouse document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reuses",
    )
    # Kept from the document, so the record stays whole if the document goes.
    source_kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    source_dossier_code = models.CharField(_("from dossier"), max_length=60, blank=True)
    reused_at = models.DateTimeField(_("re-used at"))

    class Meta:
        verbose_name = _("re-used component file")
        verbose_name_plural = _("re-used component files")
        ordering = ["component", "id"]

    def __str__(self) -> str:
        return f"{self.component}: {self.source_dossier_code}"


class DraftReuse(models.Model):
    """A file of an application draft taken from the e-warehouse; becomes a ComponentReuse when
    the draft is submitted (and goes with the draft file)."""

    draft_file = models.OneToOneField(
        "eforms.DraftFile",
        verbose_name=_("draft file"),
        on_delete=models.CASCADE,
        related_name="reuse",
    )
    document = models.ForeignKey(
        WarehouseDocument,
        verbose_name=_("e-warehouse document"),
        on_delete=models.CASCADE,
        related_name="draft_reuses",
    )

    class Meta:
        verbose_name = _("re-used draft file")
        verbose_name_plural = _("re-used draft files")

    def __str__(self) -> str:
        return str(self.document)
