"""The reception desk: a walk-in dossier accepted, sent back for supplement or refused, each
in one transaction; bad input keeps what was typed; only reception officers receive."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_register
from motcua.dossiers.tests.conftest import build_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    return build_province()


@pytest.fixture
def officer(client, province):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    return client


def intake_url(province):
    return reverse("backoffice:intake", args=[province.procedure.national_code])


def form_data(province, **changes):
    component = province.procedure.components.get()
    data = {
        "agency": province.commune.pk,
        "channel": Channel.DIRECT,
        "applicant_kind": "citizen",
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": "022190004567",
        "applicant_phone": "0987654321",
        "outcome": "accept",
        f"c{component.pk}_received": "on",
        f"c{component.pk}_originals": "1",
        f"c{component.pk}_copies": "0",
    }
    return data | changes


def test_search_finds_the_procedure(officer, province):
    from motcua.catalogue.services import procedure_reindex

    procedure_reindex(procedure=province.procedure)
    page = officer.get(reverse("backoffice:reception"), {"q": "bien dong quyen su dung"})
    assert page.status_code == 200
    assert intake_url(province) in page.content.decode()


def test_accepting_a_walk_in_dossier(officer, province):
    page = officer.get(intake_url(province))
    assert page.status_code == 200 and "Đơn đăng ký" in page.content.decode()
    response = officer.post(intake_url(province), form_data(province))
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.ACCEPTED and dossier.code
    assert response.status_code == 302 and dossier.code in response["Location"]
    assert list(dossier.components.values_list("name", "originals")) == [("Đơn đăng ký", 1)]


def test_an_incomplete_dossier_gets_one_supplement_request(officer, province):
    data = form_data(province, outcome="supplement", missing="Bản sao sổ hộ khẩu")
    component = province.procedure.components.get()
    del data[f"c{component.pk}_received"]
    response = officer.post(intake_url(province), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.code) == (DossierStatus.INTAKE_SUPPLEMENT_REQUESTED, None)
    event = AuditEvent.objects.get(action="dossier.request_supplement")
    assert event.data["missing"] == ["Đơn đăng ký", "Bản sao sổ hộ khẩu"]


def test_refusing_needs_a_reason_and_keeps_the_input(officer, province):
    page = officer.post(intake_url(province), form_data(province, outcome="refuse"))
    assert page.status_code == 400
    html = page.content.decode()
    assert "Trần Thị Bình" in html and "lý do" in html.lower()
    assert not Dossier.objects.exists()
    officer.post(
        intake_url(province), form_data(province, outcome="refuse", reason="Sai thẩm quyền")
    )
    assert Dossier.objects.get().status == DossierStatus.NOT_ACCEPTED


def test_bad_applicant_details_store_nothing(officer, province):
    page = officer.post(intake_url(province), form_data(province, applicant_id_number="123"))
    assert page.status_code == 400
    assert "12 chữ số" in page.content.decode()
    assert not Dossier.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dossier.").exists()


def test_an_agency_where_the_officer_does_not_receive_is_refused(officer, province):
    page = officer.post(intake_url(province), form_data(province, agency=province.tax.pk))
    assert page.status_code == 400
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("who", [Role.SPECIALIST, Role.LEADER, "citizen"])
def test_only_reception_officers_receive(client, province, who):
    client.force_login(province.users[who])
    assert client.get(reverse("backoffice:reception")).status_code == 403
    assert client.post(intake_url(province), form_data(province)).status_code == 403
    assert not Dossier.objects.exists()


def test_anonymous_is_sent_to_log_in(client, province):
    response = client.get(reverse("backoffice:reception"))
    assert response.status_code == 302 and reverse("backoffice:login") in response["Location"]


def test_online_queue_lists_waiting_dossiers_oldest_first(officer, province):
    now = timezone.now()
    # Ten days ago holds more than 8 working hours whatever the day (weekends, Tết included).
    for name, hours in (("Người nộp mười ngày trước", 240), ("Người nộp hai giờ trước", 2)):
        dossier_register(
            procedure=province.procedure,
            agency=province.commune,
            channel=Channel.ONLINE,
            applicant=province.applicant(name=name),
            actor=province.users["citizen"],
            at=now - timedelta(hours=hours),
        )
    page = officer.get(reverse("backoffice:reception-queue")).content.decode()
    assert page.index("Người nộp mười ngày trước") < page.index("Người nộp hai giờ trước")
    assert "(quá hạn)" in page
    client_elsewhere = province.users["outsider"]
    officer.force_login(client_elsewhere)
    assert "Người nộp" not in officer.get(reverse("backoffice:reception-queue")).content.decode()


def test_after_acceptance_the_dossier_page_offers_the_receipt(officer, province):
    officer.post(intake_url(province), form_data(province))
    dossier = Dossier.objects.get()
    page = officer.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    receipt = reverse("backoffice:slip", args=[dossier.code, "receipt"])
    assert receipt in page and "Mẫu số 01" in page
    response = officer.get(receipt)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
