from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    """Implementing level after the 2025 reform (no district level)."""

    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class OnlineType(models.TextChoices):
    """Decree 42/2022 Art. 11: full online (toàn trình) or partial (một phần)."""

    FULL = "full", _("Full online")
    PARTIAL = "partial", _("Partial online")
    NONE = "none", _("Not online")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Channel(models.TextChoices):
    """National channel codes: 1 direct, 2 online, 3 public postal service."""

    DIRECT = "direct", _("At the counter")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("working days")
    WORKING_HOUR = "working_hour", _("working hours")
    DAY = "day", _("days")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee (lệ phí)")
    CHARGE = "charge", _("Charge (phí)")


class FeeUnit(models.TextChoices):
    """What a fee's amount is for: the dossier, or each page or copy (the amount is multiplied)."""

    DOSSIER = "dossier", _("per dossier")
    PAGE = "page", _("per page")
    COPY = "copy", _("per copy")


class FeeTiming(models.TextChoices):
    """When the submission fees of a procedure are paid (payments; docs/payments.md)."""

    BEFORE_ACCEPTANCE = "before", _("Before acceptance")
    AT_ACCEPTANCE = "acceptance", _("At acceptance")
    WITH_RESULT = "result", _("When the result is returned")
