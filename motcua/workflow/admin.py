"""Admin for the internal processes: drafts are edited here, published and retired versions are
shown read-only; publishing asks for a confirmation and refuses a process that is not sound."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.admin import AuditedAdminMixin
from motcua.core.errors import DomainError, ValidationFailed

from . import selectors, services
from .constants import ProcessStatus
from .models import Process, ProcessMove, ProcessStep


def _editable(process: Process | None) -> bool:
    return process is None or process.status == ProcessStatus.DRAFT


class DraftOnlyInline(admin.TabularInline):
    """Rows of a draft are edited; those of a published or retired version are only shown."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)


class StepInline(DraftOnlyInline):
    model = ProcessStep
    fields = ["position", "name", "role", "agency", "hours"]
    autocomplete_fields = ["agency"]


class MoveInline(DraftOnlyInline):
    model = ProcessMove
    fields = ["source", "target", "kind"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        """Moves link steps of this process only (saved steps: add steps, save, then moves)."""
        formset = super().get_formset(request, obj, **kwargs)
        steps = ProcessStep.objects.filter(process=obj) if obj else ProcessStep.objects.none()
        for name in ("source", "target"):
            field = formset.form.base_fields.get(name)
            if isinstance(field, ModelChoiceField):
                field.queryset = steps
        return formset


@admin.register(Process)
class ProcessAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["procedure_code", "agency", "version", "status", "name", "published_at"]
    list_filter = ["status", "agency"]
    search_fields = ["procedure__national_code", "procedure__name", "name"]
    list_select_related = ["procedure", "agency"]
    autocomplete_fields = ["procedure", "agency"]
    fields = [
        "procedure",
        "agency",
        "name",
        "decision",
        "version",
        "status",
        "created_at",
        "published_at",
    ]
    inlines = [StepInline, MoveInline]
    actions = ["publish", "new_version"]

    @admin.display(description=gettext_lazy("procedure code"), ordering="procedure__national_code")
    def procedure_code(self, obj: Process) -> str:
        return obj.procedure.national_code

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["version", "status", "created_at", "published_at"]
        return fixed if obj is None else ["procedure", "agency", *fixed]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Process, form: Any, change: bool) -> None:
        if change:
            services.ensure_draft(obj)
        else:
            obj.version = selectors.process_next_version(procedure=obj.procedure, agency=obj.agency)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Saving a draft never fails on the process rules; it lists what publishing would
        refuse."""
        super().save_related(request, form, formsets, change)
        for problem in selectors.process_problems(process=form.instance):
            self.message_user(request, problem, messages.WARNING)

    # Actions ------------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Process]) -> HttpResponse | None:
        processes = list(queryset.select_related("procedure", "agency"))
        problems = _publish_problems(processes)
        if problems:
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            self.message_user(request, _("Nothing was published."), messages.ERROR)
            return None
        if request.POST.get("post") != "yes":
            return self._publish_confirmation(request, processes)
        self._publish_confirmed(request, processes)
        return None

    def _publish_confirmation(self, request: HttpRequest, processes: list[Process]) -> HttpResponse:
        rows = [(p, selectors.process_published_other(process=p)) for p in processes]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish internal processes"),
            "subtitle": None,
            "opts": self.opts,
            "rows": rows,
            "queryset": processes,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/workflow/process/publish_confirmation.html", context
        )

    def _publish_confirmed(self, request: HttpRequest, processes: list[Process]) -> None:
        """All or nothing: one refused draft publishes none."""
        try:
            with transaction.atomic():
                for process in processes:
                    services.process_publish(process=process, actor=request.user)
        except DomainError as exc:
            errors = exc.errors if isinstance(exc, ValidationFailed) else []
            for problem in [exc.message, *errors, _("Nothing was published.")]:
                self.message_user(request, problem, messages.ERROR)
            return
        names = ", ".join(str(p) for p in processes)
        self.message_user(request, _("Published: %(names)s.") % {"names": names}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Create a new version"), permissions=["add"])
    def new_version(self, request: HttpRequest, queryset: QuerySet[Process]) -> HttpResponse | None:
        copies = [
            services.process_new_version(process=process, actor=request.user)
            for process in queryset.select_related("procedure", "agency")
        ]
        for copy in copies:
            self.message_user(
                request, _("Created the draft %(process)s.") % {"process": copy}, messages.SUCCESS
            )
        if len(copies) == 1:
            return HttpResponseRedirect(
                reverse("admin:workflow_process_change", args=[copies[0].pk])
            )
        return None


def _publish_problems(processes: list[Process]) -> list[str]:
    """Why the selection cannot be published, one message per problem (empty if it can)."""
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()
    for process in processes:
        key = (process.procedure_id, process.agency_id)
        if key in seen:
            problems.append(
                _("Select only one version of %(process)s to publish.") % {"process": process}
            )
        seen.add(key)
        if process.status != ProcessStatus.DRAFT:
            problems.append(
                _("%(process)s is not a draft; only drafts can be published.")
                % {"process": process}
            )
            continue
        problems += [
            f"{process}: {problem}" for problem in selectors.process_problems(process=process)
        ]
    return problems
