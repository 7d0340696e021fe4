"""A portal account applies for a person or for an organisation or business (its name, tax
code of 10 or 13 digits, head office, and the basis on which the person acts for it); the
person is then the representative on the dossiers submitted online.

Messages are checked on the English pages (/en/…)."""

import pytest

from motcua.accounts.constants import AccountKind, Role
from motcua.accounts.identifiers import id_number_normalise, tax_code_normalise
from motcua.accounts.models import Agency, Membership, User
from motcua.accounts.selectors import account_applicant
from motcua.core.models import AuditEvent

from .conftest import SIGNUP

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/en/tai-khoan/signup/"
KIND_URL = "/en/tai-khoan/nguoi-nop/"
COMPANY = {
    "account_kind": "enterprise",
    "organisation_name": "  Công ty TNHH  Ánh Dương ",
    "tax_code": "0101234567 001",
    "organisation_address": "Số 12 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
    "representative_title": "Giám đốc",
}


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("0101234567", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        ("0101234567001", "0101234567-001"),
        (" 0101.234.567 - 001 ".replace(" - ", "-"), "0101234567-001"),
        ("010123456", None),
        ("01012345670", None),
        ("0101234567-01", None),
        ("0101234567-0011", None),
        ("01012345a7", None),
        ("", None),
    ],
)
def test_tax_code_shapes(typed, written):
    assert tax_code_normalise(typed) == written


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("036 190 001 234", "036190001234"),
        ("123456789", "123456789"),
        ("0101234567", "0101234567"),
        ("1234567890123", "1234567890-123"),
        ("12345", None),
        ("03619000123x", None),
    ],
)
def test_id_number_shapes(typed, written):
    assert id_number_normalise(typed) == written


def test_the_signup_page_offers_both_kinds(client):
    page = client.get("/tai-khoan/signup/").content.decode()
    for value in ("citizen", "enterprise", "organisation"):
        assert f'name="account_kind" value="{value}"' in page
    assert 'name="account_kind" value="citizen" checked' in page
    assert page.index('name="account_kind"') < page.index('name="tax_code"')
    assert page.index('name="tax_code"') < page.index('name="full_name"')
    assert "Tổ chức, doanh nghiệp" in page


def test_a_business_registers_with_its_representative(client):
    response = client.post(SIGNUP_URL, SIGNUP | COMPANY)

    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email=SIGNUP["email"])
    assert user.account_kind == AccountKind.ENTERPRISE
    assert user.organisation_name == "Công ty TNHH Ánh Dương"
    assert user.tax_code == "0101234567-001"
    assert user.representative_title == "Giám đốc"
    assert (user.full_name, user.citizen_id) == ("Trần Thị Bình", "036190001234")
    event = AuditEvent.objects.get(action="accounts.user_registered")
    assert event.data["account_kind"] == "enterprise"


def test_a_person_keeps_no_organisation_details(client):
    client.post(SIGNUP_URL, SIGNUP | COMPANY | {"account_kind": "citizen"})
    user = User.objects.get(email=SIGNUP["email"])
    assert user.account_kind == AccountKind.PERSON
    assert (user.organisation_name, user.tax_code, user.representative_title) == ("", "", "")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tax_code": "01012345"}, "tax_code", "A tax code has 10 digits, or 13 digits"),
        ({"tax_code": "0101234567-01"}, "tax_code", "A tax code has 10 digits, or 13 digits"),
        ({"tax_code": ""}, "tax_code", "Enter the tax code"),
        ({"organisation_name": " "}, "organisation_name", "Enter the name of the organisation"),
        ({"representative_title": ""}, "representative_title", "Say as what you act for it"),
        ({"account_kind": "state_agency"}, "account_kind", "Select a valid choice."),
    ],
)
def test_bad_organisation_details_are_named_and_create_nothing(client, changes, field, message):
    response = client.post(SIGNUP_URL, SIGNUP | COMPANY | changes)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors, errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.exists()


def test_a_citizen_turns_the_account_into_a_business_one(client, citizen):
    client.force_login(citizen)
    assert client.get(KIND_URL).status_code == 200

    response = client.post(KIND_URL, COMPANY | {"tax_code": "0101234567"})

    assert response.status_code == 302 and response["Location"].endswith("/tai-khoan/")
    citizen.refresh_from_db()
    assert (citizen.account_kind, citizen.tax_code) == ("enterprise", "0101234567")
    event = AuditEvent.objects.get(action="accounts.account_kind_set")
    assert event.actor == citizen and event.data["account_kind"] == "enterprise"
    overview = client.get("/tai-khoan/").content.decode()
    assert "Công ty TNHH Ánh Dương" in overview and "0101234567" in overview

    client.post(KIND_URL, {"account_kind": "citizen"})
    citizen.refresh_from_db()
    assert (citizen.account_kind, citizen.organisation_name) == ("citizen", "")


def test_a_bad_change_keeps_what_was_typed_and_changes_nothing(client, citizen):
    client.force_login(citizen)
    response = client.post(KIND_URL, COMPANY | {"tax_code": "12345"})
    assert response.status_code == 400
    assert "A tax code has 10 digits" in response.content.decode()
    assert 'value="12345"' in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.account_kind == "citizen" and not AuditEvent.objects.exists()


def test_only_citizens_change_whom_they_apply_for(client, citizen):
    assert client.get(KIND_URL).status_code == 302  # to the login
    official = User.objects.create_user(username="motcua", password="x")
    agency = Agency.objects.create(slug="xa", name="Xã", kind="commune_pc", level="commune")
    Membership.objects.create(user=official, agency=agency, role=Role.RECEPTION_OFFICER)
    client.force_login(official)
    assert client.get(KIND_URL).status_code == 404


def test_an_organisation_account_applies_with_the_person_as_representative(citizen):
    details = {"name": "Lê Văn An", "id_number": "001085004321", "phone": "0912345678"}
    details |= {"email": "", "address": "Thôn Đông"}
    assert account_applicant(user=citizen, details=details) == details | {
        "kind": "citizen",
        "email": citizen.email,
    }

    for name, value in COMPANY.items():
        setattr(citizen, name, value.strip())
    citizen.tax_code = "0101234567-001"
    applicant = account_applicant(user=citizen, details=details)

    assert applicant == {
        "kind": "enterprise",
        "name": "Công ty TNHH  Ánh Dương",
        "id_number": "0101234567-001",
        "phone": "0912345678",
        "email": citizen.email,
        "address": "Số 12 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
        "representative_name": "Lê Văn An",
        "representative_id_number": "001085004321",
        "representative_phone": "0912345678",
        "authorisation": "Giám đốc",
    }


def test_the_database_refuses_an_organisation_without_tax_code(citizen):
    from django.db import IntegrityError, transaction

    citizen.account_kind = AccountKind.ORGANISATION
    citizen.organisation_name = "Hợp tác xã Nông nghiệp Đông Hưng"
    with pytest.raises(IntegrityError), transaction.atomic():
        citizen.save()
