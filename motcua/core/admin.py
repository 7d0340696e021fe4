from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import AuditEvent

admin.site.site_header = _("MotCua administration")
admin.site.site_title = _("MotCua administration")
admin.site.index_title = _("Catalogue, agencies and users")
admin.site.enable_nav_sidebar = False  # leaves the width to the long procedure names


class ReadOnlyInline(admin.TabularInline):
    """Rows written by services, shown under their parent and never edited by hand."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by services, never edited by hand."""

    list_display = ["occurred_at", "action", "actor", "subject_type", "subject_id"]
    list_filter = ["action"]
    search_fields = ["subject_id", "action"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class AuditedAdminMixin:
    """Admin edits that have no service of their own still leave an audit event.

    The admin runs each add, change and delete in one transaction, so the event commits or rolls
    back with the change. ModelAdmins that save through a service override these methods.
    """

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit.record(
            action=f"{obj._meta.label_lower}.{'changed' if change else 'created'}",
            actor=request.user,
            subject=obj,
            data={"fields": sorted(form.changed_data), "via": "admin"},
        )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        label, data = obj._meta.label_lower, {"id": str(obj.pk), "name": str(obj), "via": "admin"}
        super().delete_model(request, obj)  # type: ignore[misc]
        audit.record(action=f"{label}.deleted", actor=request.user, data=data)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        saved = [str(o) for o in formset.new_objects] + [str(o) for o, _ in formset.changed_objects]
        deleted = [str(o) for o in formset.deleted_objects]
        if saved or deleted:
            audit.record(
                action=f"{form.instance._meta.label_lower}.parts_changed",
                actor=request.user,
                subject=form.instance,
                data={"part": formset.model._meta.label_lower, "saved": saved, "deleted": deleted},
            )
