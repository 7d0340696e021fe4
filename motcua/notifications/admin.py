"""Administrators watch the outbox: every message, every attempt, and send failed ones again;
they manage the webhook subscriptions and send them test events."""

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.core.admin import AuditedAdminMixin, ReadOnlyInline

from . import admin_templates, periodic, services  # noqa: F401 - admin_templates registers its admin
from .channels.webhook import url_allowed
from .models import DeliveryAttempt, Message, PeriodicJob, WebhookSubscription


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = readonly_fields = (
        "started_at",
        "finished_at",
        "outcome",
        "status_code",
        "duration_ms",
        "external_id",
        "error",
        "response",
    )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "idempotency_key",
        "channel",
        "recipient",
        "status",
        "attempts",
        "short_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["idempotency_key", "recipient", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, obj: Message) -> str:
        return obj.last_error[:80]

    @admin.action(
        description=gettext_lazy("Retry the selected failed messages now"), permissions=["change"]
    )
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        retried = sum(
            services.message_retry(message=message, actor=request.user) for message in queryset
        )
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message will be sent again.",
                    "%(count)d messages will be sent again.",
                    retried,
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if retried < len(queryset):
            self.message_user(request, _("Only failed messages can be retried."), messages.WARNING)


EVENT_TYPE = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*)$")


class EventTypesField(forms.Field):
    """The event types as text: names separated by commas, spaces or lines; "*" for all."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(value)
        return super().prepare_value(value)

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        names = [n for n in re.split(r"[\s,]+", str(value or "").strip()) if n]
        return list(dict.fromkeys(names))

    def validate(self, value: Any) -> None:
        if not value:
            raise forms.ValidationError(_("Name at least one event type, or * for all."))
        wrong = [name for name in value if not EVENT_TYPE.match(name)]
        if wrong:
            raise forms.ValidationError(
                _("Not an event type name: %(names)s") % {"names": ", ".join(wrong)}
            )


class WebhookSubscriptionForm(forms.ModelForm):
    event_types = EventTypesField(
        label=gettext_lazy("event types"),
        help_text=gettext_lazy(
            "Separated by commas, e.g. dossier.accept, dossier.return_result; * for every "
            "event. The list is in docs/webhooks.md."
        ),
        widget=forms.TextInput(attrs={"size": 80}),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "event_types", "active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url_allowed(url):
            raise forms.ValidationError(_("Webhooks are delivered only to https:// addresses."))
        return url


class WebhookDeliveryInline(ReadOnlyInline):
    """The subscription's delivery log (each message's attempts are on the message's page)."""

    model = Message
    fk_name = "subscription"
    fields = readonly_fields = (
        "idempotency_key",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    ordering = ["-created_at", "-pk"]
    show_change_link = True
    max_num = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).order_by("-created_at", "-pk")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "event_list", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_by", "created_at"]
    inlines = [WebhookDeliveryInline]
    actions = ["send_test_event"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["name", "url", "event_types", "active"]
        # The secret is generated on saving; the change page shows it to administrators.
        return fields if obj is None else [*fields, "secret", "created_by", "created_at"]

    @admin.display(description=gettext_lazy("event types"))
    def event_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.event_types)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Send a test event (ping)"), permissions=["change"])
    def send_test_event(
        self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]
    ) -> None:
        sent = [
            s for s in queryset if services.webhook_send_test(subscription=s, actor=request.user)
        ]
        if sent:
            self.message_user(
                request,
                ngettext(
                    "A test event was queued for %(count)d subscription.",
                    "A test event was queued for %(count)d subscriptions.",
                    len(sent),
                )
                % {"count": len(sent)},
                messages.SUCCESS,
            )
        if len(sent) < len(queryset):
            self.message_user(
                request, _("Only active subscriptions get a test event."), messages.WARNING
            )


# Every column of a job's row, shown in the list and on its (read-only) page.
PERIODIC_JOB_FIELDS = (
    "name",
    "schedule",
    "last_slot",
    "last_started_at",
    "last_finished_at",
    "last_outcome",
    "last_summary",
)


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    """Read-only: the worker records each job's last run (notifications.periodic); the
    schedule itself is code (`manage.py run_job --list`)."""

    list_display = PERIODIC_JOB_FIELDS
    list_filter = ["last_outcome"]
    readonly_fields = PERIODIC_JOB_FIELDS

    @admin.display(description=gettext_lazy("schedule"))
    def schedule(self, obj: PeriodicJob) -> str:
        try:
            job = periodic.get_job(obj.name)
        except LookupError:
            return _("no longer registered")
        if job.daily_at is not None:
            return _("daily at %(time)s") % {"time": job.daily_at.strftime("%H:%M")}
        assert job.every is not None
        return _("every %(minutes)s min") % {"minutes": int(job.every.total_seconds() // 60)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
