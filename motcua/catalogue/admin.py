"""Admin for the catalogue: edits go through the services; import and export of whole files."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.admin import AuditedAdminMixin
from motcua.core.errors import ValidationFailed

from . import interchange, selectors, services, xlsx
from .admin_forms import ProcedureForm
from .form_files import form_file_check
from .import_diff import catalogue_diff
from .models import Component, Fee, Field, FormTemplate, LegalDocument, Procedure, ProcedureChannel

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_KEY = "catalogue_import_pending"


@admin.register(Field)
class FieldAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "national_code", "name_en"]
    search_fields = ["name", "slug", "national_code", "name_en"]

    def save_model(self, request: HttpRequest, obj: Field, form: Any, change: bool) -> None:
        services.field_save(field=obj, actor=request.user)


@admin.register(LegalDocument)
class LegalDocumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "issued_on"]
    search_fields = ["number", "title"]
    date_hierarchy = "issued_on"


class FormTemplateForm(forms.ModelForm):
    """A blank form's name and its file, checked like every upload (form_files)."""

    class Meta:
        model = FormTemplate
        fields = ["name", "file"]
        help_texts = {
            "file": gettext_lazy(
                "PDF or Word (DOCX), at most 10 MB. Citizens download it from the procedure page."
            )
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                checked = form_file_check(upload)
            except ValidationFailed as error:
                raise forms.ValidationError(error.errors or [error.message]) from None
            upload.name = checked.name
        return upload


@admin.register(FormTemplate)
class FormTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = FormTemplateForm
    list_display = ["name", "file"]
    search_fields = ["name"]


class ChannelInline(admin.TabularInline):
    model = ProcedureChannel
    extra = 0
    show_change_link = True


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    autocomplete_fields = ["form"]


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


@admin.register(ProcedureChannel)
class ProcedureChannelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Fees are edited per channel of a procedure."""

    list_display = ["procedure", "channel", "time_value", "time_unit"]
    list_filter = ["channel", "time_unit"]
    search_fields = ["procedure__national_code", "procedure__name"]
    autocomplete_fields = ["procedure"]
    list_select_related = ["procedure"]
    inlines = [FeeInline]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Catalogue file"),
        help_text=gettext_lazy("A JSON or XLSX catalogue file, at most 10 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


@admin.register(Procedure)
class ProcedureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "national_code",
        "name",
        "field",
        "level",
        "online_type",
        "result_must_be_signed",
        "status",
    ]
    list_filter = ["status", "level", "online_type", "result_must_be_signed", "field"]
    search_fields = ["name", "national_code", "local_code"]
    list_select_related = ["field"]
    autocomplete_fields = ["field"]
    filter_horizontal = ["legal_bases"]
    inlines = [ChannelInline, ComponentInline]
    form = ProcedureForm

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        services.procedure_save(procedure=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Procedure) -> None:
        services.procedure_delete(procedure=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        for procedure in queryset:
            services.procedure_delete(procedure=procedure, actor=request.user)

    def get_urls(self) -> list[URLPattern]:
        guarded = self._guarded
        return [
            path("import/", guarded(self.import_view), name="catalogue_procedure_import"),
            path(
                "export/<str:spelling>/",
                guarded(self.export_view),
                name="catalogue_procedure_export",
            ),
            *super().get_urls(),
        ]

    def has_exchange_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.has_perm("catalogue.change_procedure")

    def _guarded(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        """Anonymous users go to the login page; logged-in users without the right get 403."""
        inner = self.admin_site.admin_view(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_exchange_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return wrapper

    def export_view(self, request: HttpRequest, spelling: str) -> HttpResponse:
        document = selectors.catalogue_export()
        day = timezone.localdate().isoformat()
        if spelling == "xlsx":
            response = HttpResponse(xlsx.document_to_xlsx(document), content_type=XLSX_TYPE)
        elif spelling == "json":
            body = json.dumps(document, ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        else:
            raise PermissionDenied
        response["Content-Disposition"] = f'attachment; filename="catalogue-{day}.{spelling}"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirmed(request)
        if request.method == "POST" and "cancel" in request.POST:
            request.session.pop(PENDING_KEY, None)
            return redirect("admin:catalogue_procedure_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                document = xlsx.document_from_bytes(form.cleaned_data["file"].read())
                return self._preview(request, document)
            except ValidationFailed as exc:
                return self._render_import(request, form, errors=[exc.message, *exc.errors])
        return self._render_import(request, form)

    def _preview(self, request: HttpRequest, document: dict[str, Any]) -> HttpResponse:
        """Validate the file and show what it would change; the import waits for a confirm."""
        clean, errors = interchange.clean_document(document)
        if errors:
            message = _("The catalogue file has errors; nothing was imported.")
            raise ValidationFailed(message, errors=errors)
        request.session[PENDING_KEY] = json.dumps(document, ensure_ascii=False, default=str)
        context = {
            **self._context(request, _("Confirm the import")),
            **_counts(clean),
            "diff": catalogue_diff(clean),
        }
        return TemplateResponse(request, "admin/catalogue/procedure/import_confirm.html", context)

    def _import_confirmed(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.pop(PENDING_KEY, None)
        if pending is None:
            messages.warning(request, _("There is no import waiting; upload the file again."))
            return redirect("admin:catalogue_procedure_import")
        try:
            report = services.catalogue_import(document=json.loads(pending), actor=request.user)
        except ValidationFailed as exc:
            return self._render_import(request, ImportForm(), errors=[exc.message, *exc.errors])
        messages.success(request, _import_message(report))
        return redirect("admin:catalogue_procedure_changelist")

    def _render_import(
        self, request: HttpRequest, form: ImportForm, *, errors: list[str] | None = None
    ) -> HttpResponse:
        context = {**self._context(request, _("Import catalogue")), "form": form, "errors": errors}
        status = 400 if errors else 200
        return TemplateResponse(
            request, "admin/catalogue/procedure/import.html", context, status=status
        )

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
        }


def _counts(clean: dict[str, Any]) -> dict[str, int]:
    """How many fields and procedures of a clean document are new and how many exist."""
    codes = [p["national_code"] for p in clean["procedures"]]
    slugs = [f["slug"] for f in clean["fields"]]
    existing_procedures = Procedure.objects.filter(national_code__in=codes).count()
    existing_fields = Field.objects.filter(slug__in=slugs).count()
    return {
        "procedures_new": len(codes) - existing_procedures,
        "procedures_updated": existing_procedures,
        "fields_new": len(slugs) - existing_fields,
        "fields_updated": existing_fields,
    }


def _import_message(report: services.ImportReport) -> str:
    return _(
        "Catalogue imported: %(pc)s new and %(pu)s updated procedures, "
        "%(fc)s new and %(fu)s updated fields."
    ) % {
        "pc": report.procedures_created,
        "pu": report.procedures_updated,
        "fc": report.fields_created,
        "fu": report.fields_updated,
    }
