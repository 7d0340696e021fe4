"""The outbox: one row per message to deliver, and one row per delivery attempt."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Stable across retries: the e-mail Message-ID is built from it, so a receiver drops repeats.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    # [{"name": ..., "content_type": ..., "path": <storage name>}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Pending: when the next attempt is due. Sending: when the lease of the running attempt
    # ends (a worker killed mid-way leaves it there; the sweep takes it up again after that).
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.idempotency_key


class DeliveryAttempt(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "", _("Running or interrupted")
        SENT = "sent", _("Sent")
        ERROR = "error", _("Error")
        INTERRUPTED = "interrupted", _("Interrupted")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_attempts")
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default="", blank=True
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.message} @ {self.started_at:%Y-%m-%d %H:%M:%S}"
