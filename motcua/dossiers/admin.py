"""Dossiers in the admin: read-only. Dossiers change only through their acts (services), so the
audit chain stays the whole story; the admin is for looking things up."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin import ReadOnlyInline

from .models import AppointmentChange, Dossier, DossierComponent, DossierFee, StepRecord


class ComponentInline(ReadOnlyInline):
    model = DossierComponent
    fields = ["position", "name", "originals", "copies", "note"]


class FeeInline(ReadOnlyInline):
    model = DossierFee
    fields = ["description", "amount", "status", "paid_at", "reference"]


class AppointmentInline(ReadOnlyInline):
    model = AppointmentChange
    fields = ["changed_at", "act", "previous_due_at", "new_due_at"]


class StepInline(ReadOnlyInline):
    model = StepRecord
    fields = ["step", "agency", "role", "assignee", "started_at", "due_at", "ended_at", "judgement"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "procedure",
        "applicant_name",
        "receiving_agency",
        "status",
        "submitted_at",
        "due_at",
        "judgement",
    ]
    list_filter = ["status", "channel", "judgement", "receiving_agency"]
    search_fields = ["code", "uid", "applicant_name", "applicant_id_number"]
    list_select_related = ["procedure", "receiving_agency"]
    date_hierarchy = "submitted_at"
    inlines = [ComponentInline, FeeInline, AppointmentInline, StepInline]
    show_full_result_count = False  # a count over a million rows is not worth its time

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
