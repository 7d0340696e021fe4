"""Admin for the e-forms: the definition is edited as JSON, checked on save (every problem
listed) and saved through the services (audited); "Preview" shows the form as citizens see it,
before or after saving, and lets the administrator try answers."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import answers, rendering, services
from .definition import check_definition
from .models import EForm

PREVIEW_MARK = "eform-preview-answers"


class DefinitionField(forms.JSONField):
    """JSON shown indented and with Vietnamese letters as they are."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class EFormForm(forms.ModelForm):
    definition = DefinitionField(
        label=gettext_lazy("Definition (JSON)"),
        widget=forms.Textarea(
            attrs={"rows": 30, "cols": 100, "spellcheck": "false", "class": "vLargeTextField"}
        ),
        help_text=gettext_lazy(
            "Fields, groups, conditions and checks of the form; see docs/eforms.md. "
            "Use “Preview” to see it as citizens will."
        ),
    )

    class Meta:
        model = EForm
        fields = ["procedure", "status", "source", "definition"]

    def clean_definition(self) -> Any:
        definition = self.cleaned_data["definition"]
        problems = check_definition(definition)
        if problems:
            raise forms.ValidationError(problems)
        return definition


@admin.register(EForm)
class EFormAdmin(admin.ModelAdmin):
    form = EFormForm
    list_display = ["procedure", "status", "version", "updated_at"]
    list_filter = ["status"]
    search_fields = ["procedure__national_code", "procedure__name"]
    list_select_related = ["procedure"]
    autocomplete_fields = ["procedure"]
    readonly_fields = ["version", "updated_at"]
    change_form_template = "admin/eforms/eform/change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: EForm | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "procedure"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: EForm, form: Any, change: bool) -> None:
        saved = services.eform_save(
            procedure=obj.procedure,
            definition=obj.definition,
            status=obj.status,
            source=obj.source,
            actor=request.user,
        )
        obj.pk, obj.version, obj.updated_at = saved.pk, saved.version, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: EForm) -> None:
        services.eform_delete(eform=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EForm]) -> None:
        for eform in queryset:
            services.eform_delete(eform=eform, actor=request.user)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", view, name="eforms_eform_preview"),
            path("<path:object_id>/preview/", view, name="eforms_eform_preview_saved"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        """The form as citizens see it, from the saved definition (GET …/<id>/preview/) or the
        one being edited (POST preview/ from the change form). Answers posted from the preview
        itself are checked, and "Add another" / "Remove" work, as on the portal."""
        saved = None
        if object_id is not None:
            eform = get_object_or_404(EForm, pk=object_id)
            if not self.has_view_permission(request, eform):
                raise PermissionDenied
            saved = json.dumps(eform.definition, ensure_ascii=False)
        elif not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            text = request.POST.get("definition", saved or "")
        else:
            text = saved or ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Preview of the e-form"),
            "definition_text": text,
            **_preview(request, text),
        }
        status = 400 if context["problems"] else 200
        return TemplateResponse(request, "admin/eforms/eform/preview.html", context, status=status)


def _preview(request: HttpRequest, text: str) -> dict[str, Any]:
    try:
        definition = json.loads(text)
    except ValueError as error:
        return {"problems": [_("The definition is not valid JSON: %(error)s") % {"error": error}]}
    problems = check_definition(definition)
    if problems:
        return {"problems": problems}
    checked = request.method == "POST" and PREVIEW_MARK in request.POST
    errors: dict[str, str] = {}
    clean: dict[str, Any] | None = None
    if checked:
        typed = answers.answers_from_post(definition, request.POST)
        action = answers.row_action(definition, request.POST)
        if action is not None:
            typed = answers.apply_row_action(definition, typed, action)
        else:
            clean, errors = answers.validate_answers(definition, typed)
    else:
        typed = answers.prefill(definition, request.user)
    return {
        "problems": [],
        "eform": rendering.bind(definition, typed, errors),
        "clean": json.dumps(clean, ensure_ascii=False, indent=2)
        if clean is not None and not errors
        else "",
        "mark": PREVIEW_MARK,
    }
