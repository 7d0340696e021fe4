"""The demo's province administrator (`quantri`) reaches every province-level task in the
admin: each changelist of MotCua's apps answers 200, dossiers and the audit trail read-only."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from motcua.accounts.models import User

pytestmark = pytest.mark.django_db
PROVINCE_APPS = {
    "accounts",
    "catalogue",
    "core",
    "deadlines",
    "dossiers",
    "eforms",
    "notifications",
    "workflow",
}
ADD_PAGES = [
    "workflow_process",
    "deadlines_calendaroverride",
    "deadlines_agencyofficehours",
    "notifications_messagetemplate",
    "notifications_webhooksubscription",
    "catalogue_procedure",
    "accounts_agency",
    "accounts_membership",
    "eforms_eform",
]


@pytest.fixture
def quantri(settings, client):
    settings.DEBUG = True
    call_command("load_demo", "--no-dossiers", stdout=None)
    client.force_login(User.objects.get(username="quantri"))
    return client


def province_models():
    return sorted(
        model._meta.label_lower
        for model in admin.site._registry
        if model._meta.app_label in PROVINCE_APPS
    )


def test_every_province_admin_changelist_answers_200(quantri):
    labels = province_models()
    assert len(labels) >= 15
    for label in labels:
        app, model = label.split(".")
        response = quantri.get(reverse(f"admin:{app}_{model}_changelist"))
        assert response.status_code == 200, label
    index = quantri.get(reverse("admin:index")).content.decode()
    for app in PROVINCE_APPS:
        assert f'href="/admin/{app}/"' in index, app
    assert quantri.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_the_province_administrator_adds_processes_overrides_templates_webhooks(quantri):
    for name in ADD_PAGES:
        assert quantri.get(reverse(f"admin:{name}_add")).status_code == 200, name


def test_dossiers_and_the_audit_trail_are_read_only_and_groups_out_of_reach(quantri):
    assert quantri.get(reverse("admin:dossiers_dossier_add")).status_code == 403
    assert quantri.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert quantri.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert (
        quantri.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).status_code
        == 403
    )


def test_the_province_administrator_cannot_make_a_superuser(quantri):
    """Managing users is not a way to every permission: the superuser flag, groups and
    permissions are read-only for them, and a superuser's account is out of reach."""
    me = User.objects.get(username="quantri")
    page = quantri.get(reverse("admin:accounts_user_change", args=[me.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page
    quantri.post(
        reverse("admin:accounts_user_change", args=[me.pk]),
        {"username": "quantri", "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )
    me.refresh_from_db()
    assert not me.is_superuser
    root = User.objects.create_superuser("root", "root@example.vn", "a-long-passphrase-2026")
    change = reverse("admin:accounts_user_change", args=[root.pk])
    assert 'name="full_name"' not in quantri.get(change).content.decode()  # read only
    assert quantri.post(change, {"username": "root", "full_name": "X"}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    assert quantri.get(password).status_code == 403
    assert quantri.post(reverse("admin:accounts_user_delete", args=[root.pk])).status_code == 403
    assert User.objects.filter(pk=root.pk, is_superuser=True).exists()
