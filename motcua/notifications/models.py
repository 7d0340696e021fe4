"""The outbox: one row per message to deliver, and one row per delivery attempt; the portal
inbox's items and the integrators' webhook subscriptions."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def webhook_secret() -> str:
    """A new subscription's signing secret: 32 random bytes, URL-safe text."""
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """An integrator's endpoint: which events it receives, and the secret that signs them."""

    ALL_EVENTS = "*"

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=100, default=webhook_secret)
    # Event type names ("dossier.accept", …); "*" for every event.
    event_types = models.JSONField(_("event types"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return self.ALL_EVENTS in self.event_types or event_type in self.event_types


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        INBOX = "inbox", pgettext_lazy("notification channel", "Portal inbox")
        WEBHOOK = "webhook", _("Webhook")

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
    # The inbox channel: whose inbox receives it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The webhook channel: the subscription it is delivered to.
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("webhook subscription"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    # Channel details: the inbox item's link; the webhook's event type.
    data = models.JSONField(_("data"), default=dict, blank=True)
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
    # What the receiver answered (SMS gateway, webhook endpoint): HTTP status, time taken, the
    # start of the response body and the gateway's own message id.
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    external_id = models.CharField(_("receiver's id"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.message} @ {self.started_at:%Y-%m-%d %H:%M:%S}"


class InboxItem(models.Model):
    """A notice in a user's portal inbox ("Hộp thư"); one per inbox message delivered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="inbox_items",
    )
    # The outbox message it came from: delivering it twice still gives one item.
    message = models.OneToOneField(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="inbox_item"
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject


# Templates and preferences (see notice_templates.py). Channels that carry a written text;
# webhooks send the event itself and have no template.
TEMPLATE_CHANNELS = [
    (c.value, c.label) for c in (Message.Channel.EMAIL, Message.Channel.SMS, Message.Channel.INBOX)
]
NOTICE_LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]


class MessageTemplate(models.Model):
    """An administrator's wording of one event's message on one channel in one language; the
    active one replaces the default file shipped with the app that owns the event."""

    event = models.CharField(_("event"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=TEMPLATE_CHANNELS)
    language = models.CharField(_("language"), max_length=5, choices=NOTICE_LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="notifications_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.channel} · {self.language}"


class NotificationPreference(models.Model):
    """How a citizen wants to be told; without a row, MOTCUA_NOTIFY_DEFAULT_CHANNELS applies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    inbox = models.BooleanField(_("in the portal inbox"), default=True)
    language = models.CharField(_("language"), max_length=5, choices=NOTICE_LANGUAGES, default="vi")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class PeriodicJob(models.Model):
    """The last slot of one periodic job (see periodic.py): a worker claims a slot by moving
    `last_slot` forward with one conditional UPDATE, so several workers run it once per slot."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Done")
        ERROR = "error", _("Error")

    name = models.CharField(_("job name"), max_length=100, unique=True)
    last_slot = models.DateTimeField(_("last slot"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=10, choices=Outcome.choices, blank=True
    )
    last_summary = models.TextField(_("last summary"), blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
