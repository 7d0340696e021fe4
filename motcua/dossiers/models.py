"""Dossier tables: the dossier, what was handed in, fees, appointment history, step records and
the daily counter behind the codes. Rows change only through dossiers.services."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Component, Fee, Procedure
from motcua.core.models import AuditEvent
from motcua.deadlines.constants import Judgement
from motcua.payments.constants import Purpose
from motcua.payments.models import PaymentRequest
from motcua.workflow.models import Process, ProcessStep

from .constants import (
    INITIAL_STATUS,
    ApplicantKind,
    DossierStatus,
    FeeStatus,
    FilePurpose,
    ReturnMethod,
)
from .satisfaction import Satisfaction

MAX_DAILY_NUMBER = 9999  # the code's counter has four digits (Circular 01/2018 Art. 19)

JUDGEMENT_CHOICES = [
    (Judgement.EARLY, _("Early")),
    (Judgement.ON_TIME, _("On time")),
    (Judgement.LATE, _("Late")),
]


class DossierCodeCounter(models.Model):
    """The last dossier number an agency gave on one day; locked while the next is taken."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="dossier_code_counters",
        verbose_name=_("agency"),
    )
    day = models.DateField(_("day of receipt"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("dossier code counter")
        verbose_name_plural = _("dossier code counters")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_counter_unique"),
            models.CheckConstraint(
                condition=Q(last_number__lte=MAX_DAILY_NUMBER),
                name="dossier_code_counter_four_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.day.isoformat()}: {self.last_number}"


class Dossier(models.Model):
    """One application for one procedure (hồ sơ).

    `code` is given at acceptance (Circular 01/2018 form); before that the dossier is known by
    `uid`. Times are stored in UTC and shown in Vietnam time. `legal_time` is the procedure's
    time for this channel as it stood at acceptance, so later catalogue edits do not move the
    deadlines of running dossiers; the same holds for `process` (the version it started with).
    """

    uid = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("dossier code"), max_length=60, unique=True, null=True, blank=True)
    # An online submission's short reference until (and after) it gets its code; see
    # dossiers.references. Unique, so indexed.
    reference = models.CharField(
        _("submission reference"), max_length=12, unique=True, null=True, blank=True
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="dossiers_received",
    )
    current_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency holding it now"),
        on_delete=models.PROTECT,
        related_name="dossiers_held",
        help_text=_("The receiving agency, or the agency it was transferred to (liên thông)."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=30, choices=DossierStatus.choices, default=INITIAL_STATUS
    )
    process = models.ForeignKey(
        Process,
        verbose_name=_("internal process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    current_step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("current step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    applicant_kind = models.CharField(
        _("applicant type"),
        max_length=20,
        choices=ApplicantKind.choices,
        default=ApplicantKind.CITIZEN,
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_id_number = models.CharField(
        _("ID number or tax code"), max_length=20, blank=True, db_index=True
    )
    applicant_phone = models.CharField(_("phone number"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    representative_name = models.CharField(
        _("authorised representative"), max_length=255, blank=True
    )
    representative_id_number = models.CharField(
        _("representative's ID number"), max_length=20, blank=True
    )
    representative_phone = models.CharField(_("representative's phone"), max_length=20, blank=True)
    authorisation = models.CharField(
        _("authorisation document"),
        max_length=500,
        blank=True,
        help_text=_("The letter of authorisation (giấy ủy quyền) the representative presented."),
    )

    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment (due) at"), null=True, blank=True)
    apology_due_at = models.DateTimeField(
        _("new appointment after an apology"),
        null=True,
        blank=True,
        help_text=_(
            "The later date promised in the apology slip (Mẫu 04). The legal deadline "
            "(due_at) stays what timeliness is judged by, unless the installation decides "
            "otherwise (MOTCUA_APOLOGY_MOVES_DEADLINE)."
        ),
    )
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("Refused, withdrawn or returned.")
    )
    legal_time = models.JSONField(
        _("legal time"),
        null=True,
        blank=True,
        help_text=_("The procedure's time for this channel at acceptance; empty if not stated."),
    )
    resume_mode = models.CharField(_("after a pause"), max_length=10, blank=True)
    judgement = models.CharField(
        _("timeliness"), max_length=10, choices=JUDGEMENT_CHOICES, blank=True
    )
    result_number = models.CharField(_("result number"), max_length=100, blank=True)
    return_method = models.CharField(
        _("result returned"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    result_recipient_name = models.CharField(_("result received by"), max_length=255, blank=True)
    result_recipient_id_number = models.CharField(
        _("recipient's ID number"), max_length=20, blank=True
    )
    originals_collected = models.TextField(
        _("originals collected back"),
        blank=True,
        help_text=_(
            "The original papers taken back from the applicant when the result was "
            "handed over (e.g. the old certificate)."
        ),
    )
    post_tracking_number = models.CharField(_("postal tracking number"), max_length=50, blank=True)
    result_delivery = models.CharField(
        _("result wanted"),
        max_length=10,
        choices=ReturnMethod.choices,
        blank=True,
        help_text=_("How the applicant asked to receive the result."),
    )
    result_delivery_address = models.CharField(
        _("address for the result by post"), max_length=500, blank=True
    )
    form_data = models.JSONField(
        _("e-form answers"),
        null=True,
        blank=True,
        help_text=_("The answers of the procedure's e-form as submitted online."),
    )
    form_version = models.PositiveIntegerField(
        _("e-form version"),
        null=True,
        blank=True,
        help_text=_("The version of the e-form the answers were given in."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=0,
        help_text=_("Counts the acts; a client states the version it saw to act on it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["current_agency", "status", "due_at"]),
            models.Index(fields=["receiving_agency", "status", "due_at"]),
            models.Index(fields=["receiving_agency", "submitted_at"]),
            models.Index(fields=["status", "due_at"]),
            # The worklists (dossiers.worklists): every visible dossier newest first, and the
            # running and paused ones by their due / pause time.
            models.Index(fields=["submitted_at", "id"], name="dossier_submitted_idx"),
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["accepted", "in_processing", "in_transfer"]),
                name="dossier_running_due_idx",
            ),
            models.Index(
                fields=["paused_at"],
                condition=Q(status__in=["supplement_requested", "financial_obligation", "stopped"]),
                name="dossier_paused_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        """How the interfaces address it: its code, or its reference before it has one."""
        return self.code or str(self.uid)

    @property
    def display_key(self) -> str:
        """How texts name it: its code, else its short reference, else its uid."""
        return self.code or self.reference or str(self.uid)

    @property
    def appointment_at(self) -> datetime | None:
        """The date the applicant was told: the legal due time, or the later date of an
        apology (Mẫu 04)."""
        if self.apology_due_at is None:
            return self.due_at
        if self.due_at is None:
            return self.apology_due_at
        return max(self.due_at, self.apology_due_at)


class DossierComponent(models.Model):
    """One component of the dossier as handed in: the catalogue's requirement (or an extra
    paper), how many originals and copies were received, and the files."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="components"
    )
    # The dossier keeps its own copy (name, counts); re-importing the catalogue replaces the
    # catalogue's rows, which then simply lose their link here.
    component = models.ForeignKey(
        Component,
        verbose_name=_("required component"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.TextField(_("name"))
    originals = models.PositiveSmallIntegerField(_("originals received"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("certified copies received"), default=0)
    copies = models.PositiveSmallIntegerField(
        _("copies received"), default=0, help_text=_("Plain copies (photocopies, scans).")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["dossier", "position", "id"]

    def __str__(self) -> str:
        return self.name


class DossierFile(models.Model):
    """A file of the dossier, kept through the storage API: a scan or upload of a component,
    or a result document the agency issued."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="files"
    )
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=FilePurpose.choices, default=FilePurpose.COMPONENT
    )
    component = models.ForeignKey(
        DossierComponent,
        verbose_name=_("component"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The result's public verification link (/xac-thuc/<token>/, the QR on the e-result):
    # random and URL-safe, given at its first signature (dossiers.results); blank otherwise.
    verify_token = models.CharField(_("verification token"), max_length=43, blank=True)

    class Meta:
        verbose_name = _("dossier file")
        verbose_name_plural = _("dossier files")
        ordering = ["dossier", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    purpose__in=[FilePurpose.RESULT, FilePurpose.RECEIPT], component__isnull=True
                )
                | Q(purpose=FilePurpose.COMPONENT, component__isnull=False),
                name="dossier_file_component_xor_result",
            ),
            models.UniqueConstraint(
                fields=["verify_token"],
                condition=~Q(verify_token=""),
                name="dossier_file_verify_token_unique",
            ),
        ]
        # The public verification page looks an uploaded PDF up by its hash (dossiers.results).
        indexes = [models.Index(fields=["sha256"], name="dossier_file_sha256_idx")]

    def __str__(self) -> str:
        return self.original_name


class DossierFee(models.Model):
    """A fee, charge or financial obligation the applicant owes for this dossier, in VND."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="fees"
    )
    fee = models.ForeignKey(  # the dossier keeps description and amount (as DossierComponent)
        Fee,
        verbose_name=_("catalogue fee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("description"))
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.SUBMISSION
    )
    quantity = models.PositiveIntegerField(
        _("quantity"),
        default=1,
        help_text=_("Pages or copies, for a fee charged per page or copy."),
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"), max_length=10, choices=FeeStatus.choices, default=FeeStatus.DUE
    )
    payment_request = models.ForeignKey(
        PaymentRequest,
        verbose_name=_("payment request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fees",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("dossier fee")
        verbose_name_plural = _("dossier fees")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class AppointmentChange(models.Model):
    """Every appointment (due) date a dossier was given, old and new (NgàyHẹnTrảTrước/Mới)."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="appointment_changes",
    )
    previous_due_at = models.DateTimeField(_("previous appointment"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("new appointment"), null=True, blank=True)
    act = models.CharField(_("act"), max_length=40)
    changed_at = models.DateTimeField(_("changed at"))
    event = models.ForeignKey(
        AuditEvent, verbose_name=_("audit event"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment changes")
        ordering = ["dossier", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.previous_due_at} → {self.new_due_at}"


class Apology(models.Model):
    """An apology and new appointment (Mẫu 04) issued by the agency responsible for a delay."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="apologies"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="apologies",
    )
    reason = models.TextField(_("reason for the delay"))
    previous_appointment = models.DateTimeField(_("previous appointment"), null=True, blank=True)
    new_appointment = models.DateTimeField(_("new appointment"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    event = models.ForeignKey(
        AuditEvent, verbose_name=_("audit event"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")
        ordering = ["dossier", "issued_at", "id"]
        indexes = [models.Index(fields=["agency", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.new_appointment:%Y-%m-%d}"


class StepRecord(models.Model):
    """One stay of a dossier at one step (the process control slip, Mẫu 05): who held it,
    the time given, when it left and whether that was early, on time or late."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="step_records"
    )
    step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="step_records"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    started_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("handed on at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed on by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_act = models.CharField(_("handed on by act"), max_length=40, blank=True)
    judgement = models.CharField(
        _("timeliness"), max_length=10, choices=JUDGEMENT_CHOICES, blank=True
    )
    # The named official the step is assigned to (phân công, dossiers.assignment); empty:
    # whoever holds the step's role in its agency may take it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        ordering = ["dossier", "started_at", "id"]
        indexes = [
            models.Index(fields=["agency", "ended_at"]),
            # "My tasks": the open steps assigned to one official.
            models.Index(
                fields=["assignee"],
                condition=Q(ended_at__isnull=True),
                name="step_record_open_assignee_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(ended_at__isnull=True),
                name="step_record_one_open_per_dossier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.role} {self.started_at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    """The applicant's rating of the service for one dossier, given once after the result was
    returned (dossiers.ratings): the overall satisfaction and the answers to the criteria of
    `satisfaction.CRITERIA`, keyed by criterion code."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="rating"
    )
    overall = models.CharField(
        _("overall satisfaction"), max_length=20, choices=Satisfaction.choices
    )
    answers = models.JSONField(
        _("answers"),
        default=dict,
        blank=True,
        help_text=_("Criterion code → answer code (see dossiers.satisfaction.CRITERIA)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    # The dossier's receiving agency and procedure, copied when rated (neither changes once the
    # dossier is received): the public satisfaction figures count ratings by them without
    # joining every rating to its dossier.
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    event = models.ForeignKey(
        AuditEvent, verbose_name=_("audit event"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at", "-id"]
        indexes = [
            models.Index(fields=["rated_at"]),
            models.Index(
                fields=["rated_at", "receiving_agency", "procedure", "overall"],
                name="rating_by_agency_procedure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.overall}"


from .pause_models import DossierPause  # noqa: E402  (kept apart: this module is long)
from .result_models import PendingSignature, ResultSignature  # noqa: E402
from .warehouse_models import ComponentReuse, DraftReuse, WarehouseDocument  # noqa: E402

__all__ = [
    "Apology",
    "AppointmentChange",
    "ComponentReuse",
    "Dossier",
    "DossierCodeCounter",
    "DossierComponent",
    "DossierFee",
    "DossierFile",
    "DossierPause",
    "DraftReuse",
    "PendingSignature",
    "Rating",
    "ResultSignature",
    "StepRecord",
    "WarehouseDocument",
]
