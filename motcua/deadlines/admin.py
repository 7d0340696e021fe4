from django.contrib import admin

from motcua.core.admin import AuditedAdminMixin

from .models import AgencyOfficeHours, CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Government-decided extra days off and swapped working Saturdays, on top of `holidays`."""

    list_display = ["day", "kind", "reason", "legal_reference"]
    list_filter = ["kind"]
    search_fields = ["reason", "legal_reference"]
    date_hierarchy = "day"


@admin.register(AgencyOfficeHours)
class AgencyOfficeHoursAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "agency",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "same_day_cutoff",
    ]
    autocomplete_fields = ["agency"]
    search_fields = ["agency__name"]
