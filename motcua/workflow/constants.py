"""Choices of the internal processes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessStatus(models.TextChoices):
    """A draft is edited; the published version is in force; a retired one is kept for the
    dossiers that started under it."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class MoveKind(models.TextChoices):
    FORWARD = "forward", _("Forward")
    BACK = "back", _("Back")
