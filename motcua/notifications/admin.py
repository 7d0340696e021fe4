"""Administrators watch the outbox: every message, every attempt, and send failed ones again."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.core.admin import ReadOnlyInline

from . import services
from .models import DeliveryAttempt, Message


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = readonly_fields = ("started_at", "finished_at", "outcome", "error")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "idempotency_key",
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
