"""Admin for users, the agency tree and the roles officials hold."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core import audit
from motcua.core.admin import AuditedAdminMixin

from . import services
from .models import ACCOUNT_FIELDS, Agency, Membership, User


def _save_membership(request: HttpRequest, membership: Membership) -> None:
    """New roles are granted through the service, so the grant is audited."""
    if membership.pk is None:
        services.membership_grant(
            user=membership.user,
            agency=membership.agency,
            role=membership.role,
            actor=request.user,
        )
    else:
        membership.save()
        audit.record(
            action="accounts.membership.changed",
            actor=request.user,
            subject=membership,
            data={"agency": membership.agency.slug, "role": membership.role, "via": "admin"},
        )


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "full_name", "email", "phone", "is_staff", "is_active"]
    search_fields = [
        "username",
        "full_name",
        "email",
        "phone",
        "citizen_id",
        "organisation_name",
        "tax_code",
    ]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone", "citizen_id")}),
        (_("Whom the account applies for"), {"fields": ACCOUNT_FIELDS}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    # What only a superuser may give: a province administrator manages users and their roles
    # but cannot make anyone (themselves included) a superuser, hand out groups or permissions,
    # or change a superuser's account (its password, say).
    SUPERUSER_ONLY = ("is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + self.SUPERUSER_ONLY

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        for membership in formset.save(commit=False):
            _save_membership(request, membership)
        for membership in formset.deleted_objects:
            self._revoke(request, membership)

    @staticmethod
    def _revoke(request: HttpRequest, membership: Membership) -> None:
        data = {"agency": membership.agency.slug, "role": membership.role}
        membership.delete()
        audit.record(
            action="accounts.role_revoked", actor=request.user, subject=membership.user, data=data
        )


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "identifier", "kind", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "level", "valid_to"]
    search_fields = ["name", "short_name", "identifier", "slug", "admin_unit_code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role", "agency__level"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:  # a changed role or agency: recorded by the audited admin
            super().save_model(request, obj, form, change)
        else:
            _save_membership(request, obj)
