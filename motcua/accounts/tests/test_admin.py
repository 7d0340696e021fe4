"""The accounts admin: users with their roles, the agency tree, memberships; in Vietnamese."""

import datetime

import pytest
from django.urls import reverse

from motcua.accounts.constants import AgencyKind, Level, Role
from motcua.accounts.models import Agency, Membership, User
from motcua.core.audit import verify_chain
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies() -> tuple[Agency, Agency]:
    province = Agency.objects.create(
        slug="qn",
        identifier="000.00.00.H49",
        name="Ủy ban nhân dân tỉnh Quảng Ninh",
        kind=AgencyKind.PROVINCE_PC,
        level=Level.PROVINCE,
    )
    commune = Agency.objects.create(
        slug="ha-long",
        name="Ủy ban nhân dân phường Hạ Long",
        kind=AgencyKind.COMMUNE_PC,
        level=Level.COMMUNE,
        parent=province,
        valid_from=datetime.date(2025, 7, 1),
    )
    return province, commune


def test_agency_changelist_is_vietnamese_and_searchable(admin_client, agencies):
    url = reverse("admin:accounts_agency_changelist")
    response = admin_client.get(url, {"q": "Hạ Long"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Cơ quan" in content and "Ủy ban nhân dân cấp xã" in content
    assert response.context["cl"].result_count == 1
    filtered = admin_client.get(url, {"kind__exact": AgencyKind.PROVINCE_PC})
    assert filtered.context["cl"].result_count == 1


def test_agency_change_page_has_predecessor_picker(admin_client, agencies):
    province, commune = agencies
    response = admin_client.get(reverse("admin:accounts_agency_change", args=[commune.pk]))
    assert response.status_code == 200
    assert "selectfilter" in response.content.decode()  # filter_horizontal widget
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "agency", "field_name": "parent", "term": "Quảng"},
    )
    assert autocomplete.json()["results"][0]["id"] == str(province.pk)


def test_user_add_and_change_with_a_role(admin_client, agencies):
    _province, commune = agencies
    response = admin_client.get(reverse("admin:accounts_user_add"))
    assert response.status_code == 200
    assert "Họ và tên" in response.content.decode()
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "canbo1",
            "full_name": "Nguyễn Văn A",
            "usable_password": "true",
            "password1": "mot-cua-2025!",
            "password2": "mot-cua-2025!",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    user = User.objects.get(username="canbo1")
    assert user.full_name == "Nguyễn Văn A"
    change = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "username": "canbo1",
        "full_name": "Nguyễn Văn A",
        "email": "",
        "phone": "0912345678",
        "citizen_id": "022095000123",
        "account_kind": "citizen",
        "is_active": "on",
        "date_joined_0": "2025-07-01",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-agency": commune.pk,
        "memberships-0-role": Role.RECEPTION_OFFICER,
    }
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["errors"]
    user.refresh_from_db()
    assert (user.phone, user.citizen_id) == ("0912345678", "022095000123")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.RECEPTION_OFFICER
    event = AuditEvent.objects.get(action="accounts.role_granted")
    assert event.actor == admin_client.user
    assert verify_chain() == []


def test_user_change_rejects_a_bad_citizen_id(admin_client):
    user = User.objects.create_user("u1", password="pw")
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {"username": "u1", "citizen_id": "123", "date_joined_0": "2025-07-01"},
    )
    assert response.status_code == 200
    assert "12" in str(response.context["adminform"].form.errors["citizen_id"])


def test_membership_admin_grants_through_the_service(admin_client, agencies):
    province, _commune = agencies
    official = User.objects.create_user("ld", password="pw", full_name="Trần Thị B")
    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": official.pk, "agency": province.pk, "role": Role.LEADER},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=official, role=Role.LEADER).exists()
    assert AuditEvent.objects.filter(action="accounts.role_granted").count() == 1
    listing = admin_client.get(reverse("admin:accounts_membership_changelist"))
    assert "Lãnh đạo" in listing.content.decode()


@pytest.mark.parametrize("model", ["user", "agency", "membership"])
def test_non_staff_users_cannot_use_the_accounts_admin(client, model):
    client.force_login(User.objects.create_user("citizen", password="pw"))
    response = client.get(reverse(f"admin:accounts_{model}_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_edits_without_a_service_are_audited(admin_client, django_user_model):
    from motcua.accounts.models import Agency
    from motcua.core.audit import verify_chain
    from motcua.core.models import AuditEvent

    response = admin_client.post(
        "/admin/accounts/agency/add/",
        {
            "slug": "so-thu",
            "name": "Sở thử nghiệm",
            "short_name": "Sở thử",
            "kind": "department",
            "level": "province",
            "identifier": "",
            "admin_unit_code": "",
            "source": "",
        },
    )
    assert response.status_code == 302, response.content
    agency = Agency.objects.get(slug="so-thu")
    created = AuditEvent.objects.get(action="accounts.agency.created")
    assert created.subject_id == str(agency.pk) and "name" in created.data["fields"]
    admin_client.post(f"/admin/accounts/agency/{agency.pk}/delete/", {"post": "yes"})
    assert not Agency.objects.filter(slug="so-thu").exists()
    assert AuditEvent.objects.filter(action="accounts.agency.deleted").count() == 1
    assert verify_chain() == []
