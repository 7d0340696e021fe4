"""At the counter, an applicant who came before is found by ID number and the intake form is
filled from their last dossier the officer may see; nothing is recorded."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership
from motcua.backoffice.reception_lookup import FILLED_FIELDS, applicant_last_dossier
from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import build_province, receive

pytestmark = pytest.mark.django_db

ID = "022090001234"


@pytest.fixture
def province(db):
    return build_province()


def intake_url(province):
    return reverse("backoffice:intake", args=[province.procedure.national_code])


def lookup(client, province, number):
    return client.get(intake_url(province), {"so_giay_to": number})


def earlier_dossiers(province):
    """Two dossiers of the same person at the commune: the later one has the new address."""
    with time_machine.travel(timezone.now() - timedelta(days=60)):
        receive(province, address="Thôn Cũ, xã A", email="an.cu@example.vn")
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        receive(
            province,
            address="Số 5 đường Lê Lợi, xã A",
            email="an.nguyen@example.vn",
            representative_name="Trần Văn Bảo",
            authorisation="Giấy ủy quyền ngày 01/02/2026",
        )


def initial(response, name):
    return response.context["form"][name].value()


def test_the_form_is_filled_from_the_last_dossier(client, province):
    earlier_dossiers(province)
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    events = AuditEvent.objects.count()

    response = lookup(client, province, "022 090 001 234")

    assert response.status_code == 200
    assert initial(response, "applicant_name") == "Nguyễn Văn An"
    assert initial(response, "applicant_id_number") == ID
    assert initial(response, "applicant_phone") == "0912345678"
    assert initial(response, "applicant_address") == "Số 5 đường Lê Lợi, xã A"
    assert initial(response, "applicant_email") == "an.nguyen@example.vn"
    assert initial(response, "applicant_kind") == "citizen"
    assert not initial(response, "representative_name")  # not copied from one visit to the next
    html = response.content.decode()
    assert 'value="Số 5 đường Lê Lợi, xã A"' in html
    assert "hồ sơ gần nhất" in html
    assert AuditEvent.objects.count() == events  # a read: nothing recorded
    assert Dossier.objects.count() == 2


def test_an_officer_of_another_agency_finds_nothing(client, province):
    earlier_dossiers(province)
    outsider = province.users["outsider"]  # reception officer of the other commune
    client.force_login(outsider)

    response = lookup(client, province, ID)

    assert response.status_code == 200
    assert initial(response, "applicant_name") in (None, "")
    assert initial(response, "applicant_id_number") == ID  # what was typed, nothing more
    html = response.content.decode()
    assert "Số 5 đường Lê Lợi" not in html and "Nguyễn Văn An" not in html
    assert "Không có hồ sơ nào trước đây" in html
    assert applicant_last_dossier(user=outsider, id_number=ID) is None
    assert applicant_last_dossier(user=province.users[Role.RECEPTION_OFFICER], id_number=ID)


def test_a_dossier_transferred_to_the_agency_is_found_there(client, province):
    """Visibility is the dossiers' own rule: the dossier held at the other commune now."""
    earlier_dossiers(province)
    Dossier.objects.update(current_agency=province.other_commune)
    assert applicant_last_dossier(user=province.users["outsider"], id_number=ID) is not None


def test_only_reception_officers_may_look_up(client, province):
    earlier_dossiers(province)
    client.force_login(province.users[Role.SPECIALIST])
    assert lookup(client, province, ID).status_code == 403
    client.force_login(province.users["citizen"])
    assert lookup(client, province, ID).status_code == 403


@pytest.mark.parametrize("number", ["12345", "02209000123x", "0220900012345678", "abc"])
def test_a_bad_number_gets_a_clear_message(client, province, number):
    earlier_dossiers(province)
    client.force_login(province.users[Role.RECEPTION_OFFICER])

    response = client.get("/en" + intake_url(province), {"so_giay_to": number})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This is not an ID number or a tax code" in html
    assert 'aria-invalid="true"' in html
    assert initial(response, "applicant_name") in (None, "")


def test_an_empty_number_asks_for_one(client, province):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    response = client.get("/en" + intake_url(province), {"so_giay_to": " "})
    assert "Enter the ID number or tax code to look for." in response.content.decode()


def test_an_organisation_is_found_by_its_tax_code_written_either_way(client, province):
    receive(province, kind="enterprise", name="Công ty TNHH Ánh Dương", id_number="0101234567-001")
    client.force_login(province.users[Role.RECEPTION_OFFICER])

    for number in ("0101234567-001", "0101234567001"):
        response = lookup(client, province, number)
        assert initial(response, "applicant_name") == "Công ty TNHH Ánh Dương", number
        assert initial(response, "applicant_kind") == "enterprise"


def test_province_wide_roles_find_across_agencies(client, province):
    earlier_dossiers(province)
    admin = province.users[Role.PROVINCE_ADMIN]
    Membership.objects.create(user=admin, agency=province.other_commune, role="reception_officer")
    assert applicant_last_dossier(user=admin, id_number=ID) is not None


def test_the_filled_form_receives_a_new_dossier(client, province):
    earlier_dossiers(province)
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    page = lookup(client, province, ID)
    data = {name: page.context["form"][name].value() or "" for name in FILLED_FIELDS}
    component = province.procedure.components.get()
    data |= {
        "agency": province.commune.pk,
        "channel": "direct",
        "outcome": "accept",
        f"c{component.pk}_received": "on",
        f"c{component.pk}_originals": "1",
        f"c{component.pk}_copies": "0",
    }

    response = client.post(intake_url(province), data)

    assert response.status_code == 302
    latest = Dossier.objects.order_by("-id").first()
    assert latest.applicant_address == "Số 5 đường Lê Lợi, xã A" and latest.code
