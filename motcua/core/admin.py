from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

admin.site.site_header = _("MotCua administration")
admin.site.site_title = _("MotCua administration")
admin.site.index_title = _("Catalogue, agencies and users")
admin.site.enable_nav_sidebar = False  # leaves the width to the long procedure names


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
