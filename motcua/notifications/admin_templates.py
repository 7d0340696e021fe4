"""Administrators edit the message templates, with a preview of exactly what is sent.

Admin, Notifications, Message templates: one row per (event, channel, language) an
administrator has reworded. "Preview" renders the text being edited — with the event's sample
context, or with a real dossier given by its code — and shows the subject and body as they
would be sent, the variables the context lacks (a typo renders as nothing) and any template
error; nothing is saved. Saving refuses a template that does not compile. A template with
empty subject and body previews (and loads) the default text. "Reset to default" deactivates
the selected templates: the default files apply again. Every save and reset is audited.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import notice_templates as nt
from .models import NOTICE_LANGUAGES, TEMPLATE_CHANNELS, MessageTemplate


def _event_choices() -> list[tuple[str, str]]:
    return [(e.event, f"{e.label} ({e.event})") for e in nt.registered_events()]


class MessageTemplateForm(forms.ModelForm):
    event = forms.ChoiceField(label=gettext_lazy("event"), choices=_event_choices)
    channel = forms.ChoiceField(label=gettext_lazy("channel"), choices=TEMPLATE_CHANNELS)
    language = forms.ChoiceField(label=gettext_lazy("language"), choices=NOTICE_LANGUAGES)
    preview_reference = forms.CharField(
        label=gettext_lazy("Preview with the dossier"),
        required=False,
        help_text=gettext_lazy(
            "A dossier code, to preview with a real dossier instead of the sample; not saved."
        ),
    )

    class Meta:
        model = MessageTemplate
        fields = ["event", "channel", "language", "subject", "body", "active"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 90}),
            "body": forms.Textarea(attrs={"rows": 18, "cols": 90, "spellcheck": "false"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # On an existing template, event, channel and language are read-only.
        event = data.get("event") or self.instance.event
        channel = data.get("channel") or self.instance.channel
        if not event or not channel:
            return data
        if channel not in nt.get_event(event).channels:
            raise ValidationError(_("This event is not sent on this channel."))
        try:
            nt.check_source(data.get("subject", ""), data.get("body", ""), channel=channel)
        except nt.TemplateInvalid as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = [
        "event",
        "event_label",
        "channel",
        "language",
        "active",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["event", "channel", "language", "active"]
    search_fields = ["event", "subject", "body"]
    list_select_related = ["updated_by"]
    actions = ["reset_to_default"]
    change_form_template = "admin/notifications/messagetemplate/change_form.html"
    fieldsets = [
        (None, {"fields": ["event", "channel", "language", "active"]}),
        (gettext_lazy("Template text"), {"fields": ["subject", "body"]}),
        (gettext_lazy("Preview"), {"fields": ["preview_reference"]}),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # "Reset to default" deactivates; the row and its audit trail stay

    @admin.display(description=gettext_lazy("what it tells"))
    def event_label(self, obj: MessageTemplate) -> str:
        try:
            return str(nt.get_event(obj.event).label)
        except nt.UnknownEvent:
            return _("(event no longer registered)")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "event", "channel", "language"] if obj is not None else fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """?event=…&channel=…&language=… opens the add form with the default text."""
        initial = super().get_changeform_initial_data(request)
        event, channel = request.GET.get("event", ""), request.GET.get("channel", "email")
        language = request.GET.get("language", "vi")
        if event:
            try:
                source = nt.default_source(event, channel, language)
            except TemplateDoesNotExist:
                return initial
            initial |= {"subject": source.subject, "body": source.body}
        return initial

    def save_model(
        self, request: HttpRequest, obj: MessageTemplate, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        saved = nt.message_template_save(
            event=obj.event,
            channel=obj.channel,
            language=obj.language,
            subject=data.get("subject", ""),
            body=data["body"],
            active=data.get("active", True),
            actor=request.user,
        )
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by
        sample = self._context(obj.event, "")[0]
        if sample is not None:
            unknown = nt.unknown_variables(data.get("subject", ""), sample) + nt.unknown_variables(
                data["body"], sample
            )
            if unknown:
                messages.warning(
                    request,
                    _("Saved, but these variables are unknown and render as nothing: %(names)s")
                    % {"names": ", ".join(sorted(set(unknown)))},
                )

    @admin.action(
        description=gettext_lazy("Reset to default (deactivate the selected templates)"),
        permissions=["change"],
    )
    def reset_to_default(self, request: HttpRequest, queryset: QuerySet[MessageTemplate]) -> None:
        reset = sum(nt.message_template_reset(template=t, actor=request.user) for t in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d template reset: the default text applies again.",
                "%(count)d templates reset: the default texts apply again.",
                reset,
            )
            % {"count": reset},
            messages.SUCCESS,
        )

    # --- preview ------------------------------------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = (extra_context or {}) | {"template_events": nt.registered_events()}
        current = self.get_object(request, unquote(object_id)) if object_id else None
        try:
            event = nt.get_event(current.event if current else request.POST.get("event", ""))
            extra_context["event_help"] = event.help_text
        except nt.UnknownEvent:
            pass
        if request.method != "POST" or "_preview" not in request.POST:
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            return self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined,no-any-return]
                request, self.opts, object_id
            )
        allowed = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        form_class = self.get_form(request, obj, change=obj is not None)
        data = request.POST.copy()
        preview = self._preview(data, obj)
        form = form_class(data, instance=obj)
        form.is_valid()  # shows the errors the save would give; nothing is saved
        admin_form = helpers.AdminForm(
            form,
            list(self.get_fieldsets(request, obj)),  # type: ignore[arg-type]
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview of the message template"),
            "subtitle": None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "preview": preview,
            **extra_context,
        }
        return self.render_change_form(
            request, context, add=obj is None, change=obj is not None, obj=obj, form_url=form_url
        )

    def _context(self, event: str, reference: str) -> tuple[dict[str, Any] | None, str]:
        """The context to preview with and what it is; (None, error) when there is none."""
        try:
            registered = nt.get_event(event)
        except nt.UnknownEvent:
            return None, _("Choose an event.")
        if reference.strip():
            if registered.real_context is None:
                return None, _("This event can only be previewed with its sample.")
            try:
                return registered.real_context(reference), _("dossier %(code)s") % {
                    "code": reference.strip()
                }
            except LookupError as exc:
                return None, str(exc.args[0] if exc.args else exc)
        return registered.sample_context(), _("the sample")

    def _preview(self, data: Any, obj: MessageTemplate | None) -> dict[str, Any]:
        """Render the posted text (or the default, loaded into `data`, when it is empty)."""
        event = obj.event if obj else data.get("event", "")
        channel = obj.channel if obj else data.get("channel", "")
        language = obj.language if obj else data.get("language", "vi")
        subject, body = data.get("subject", ""), data.get("body", "")
        result: dict[str, Any] = {"unknown": [], "error": ""}
        if not body.strip() and not subject.strip() and event:
            try:
                source = nt.default_source(event, channel, language)
            except TemplateDoesNotExist:
                result["error"] = _(
                    "There is no default text for this event, channel and language."
                )
                return result
            subject, body = source.subject, source.body
            data["subject"], data["body"] = subject, body
            result["loaded"] = True
        context, described = self._context(event, data.get("preview_reference", ""))
        if context is None:
            result["error"] = described
            return result
        try:
            nt.check_source(subject, body, channel=channel)
            rendered = nt.render_source(
                nt.Source(subject=subject, body=body, origin="preview"),
                channel=channel,
                language=language,
                context=context,
            )
        except nt.TemplateInvalid as exc:
            result["error"] = str(exc)
            return result
        except Exception as exc:
            result["error"] = _("The template failed to render: %(error)s") % {"error": exc}
            return result
        result |= {
            "with": described,
            "subject": rendered.subject,
            "body": rendered.body,
            "length": len(rendered.body),
            "sms": channel == "sms",
            "unknown": sorted(
                set(nt.unknown_variables(subject, context) + nt.unknown_variables(body, context))
            ),
        }
        return result
