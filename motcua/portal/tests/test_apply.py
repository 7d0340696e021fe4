"""Applying online: the draft keeps everything at every press and resumes on another device,
files are checked by content, submitting needs valid answers, an agency and the papers asked
in every case, and creates one registered-online dossier with the answers and files, in one
transaction; the applicant gets a confirmation page and an e-mailed receipt."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.catalogue.constants import OnlineType
from motcua.documents.tests import samples
from motcua.dossiers import online
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.selectors import dossier_events
from motcua.dossiers.tests.conftest import build_province
from motcua.eforms.models import Draft, DraftFile

pytestmark = pytest.mark.django_db

ANSWERS = {
    "f-applicant_name": "Nguyễn Văn An",
    "f-applicant_id_number": "022090001234",
    "f-applicant_phone": "0912345678",
    "f-applicant_email": "an.nguyen@example.vn",
    "f-applicant_address": "Tổ 3, khu 5, phường Hạ Long",
}


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    province = build_province()
    province.procedure.online_type = OnlineType.FULL
    province.procedure.save()
    citizen = province.users["citizen"]
    citizen.full_name, citizen.citizen_id, citizen.email = "Nguyễn Văn An", "022090001234", ""
    citizen.save()
    return province


@pytest.fixture
def citizen(client, province):
    client.force_login(province.users["citizen"])
    return client


def url(province) -> str:
    return reverse("portal:apply", args=[province.procedure.national_code])


def component(province):
    return province.procedure.components.get()


def post(client, province, version=None, files=None, **extra):
    draft = Draft.objects.filter(owner__username="citizen").first()
    data = {
        **ANSWERS,
        "agency": province.commune.slug,
        "delivery": "counter",
        "declaration": "1",
        "draft_version": version if version is not None else (draft.version if draft else 0),
        **extra,
    }
    for name, upload in (files or {}).items():
        data[name] = upload
    return client.post(url(province), data)


def test_the_page_starts_from_the_profile(citizen, province):
    page = citizen.get(url(province))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Nguyễn Văn An"' in html and 'value="022090001234"' in html
    assert province.commune.name in html  # a receiving agency to choose
    assert component(province).name in html  # its upload slot


def test_a_draft_resumes_on_another_device(citizen, province):
    response = post(citizen, province, save="1", **{"f-applicant_address": "Số 7 phố Lê Lợi"})
    assert response.status_code == 200
    draft = Draft.objects.get()
    assert draft.data["applicant_address"] == "Số 7 phố Lê Lợi"
    other_device = Client()
    other_device.force_login(province.users["citizen"])
    html = other_device.get(url(province)).content.decode()
    assert "Số 7 phố Lê Lợi" in html and "Đã lưu bản nháp" in html


def test_a_save_from_a_stale_page_is_refused_and_keeps_the_newer_draft(citizen, province):
    post(citizen, province, save="1")
    post(citizen, province, save="1", **{"f-applicant_address": "Mới hơn"})
    response = post(citizen, province, version=1, save="1", **{"f-applicant_address": "Cũ"})
    assert response.status_code == 409
    assert Draft.objects.get().data["applicant_address"] == "Mới hơn"


def test_files_are_checked_by_their_content(citizen, province):
    slot = f"component-{component(province).pk}"
    liar = samples.upload("don.pdf", b"<html><script>alert(1)</script></html>")
    response = post(citizen, province, files={slot: liar}, save="1")
    assert response.status_code == 400
    assert "don.pdf" in response.content.decode()
    assert not DraftFile.objects.exists()
    good = samples.upload("don-dang-ky.pdf", samples.pdf())
    assert post(citizen, province, files={slot: good}, save="1").status_code == 200
    assert DraftFile.objects.get().original_name == "don-dang-ky.pdf"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"f-applicant_id_number": "12345"}, "12 chữ số"),
        ({"f-applicant_name": ""}, "Họ, chữ đệm và tên"),
        ({"agency": ""}, "Chọn cơ quan tiếp nhận"),
        ({"agency": "xa-b-khong-ton-tai"}, "Chọn cơ quan tiếp nhận"),
    ],
)
def test_an_incomplete_application_is_not_submitted(citizen, province, changes, message):
    slot = f"component-{component(province).pk}"
    post(citizen, province, files={slot: samples.upload("don.pdf", samples.pdf())}, save="1")
    response = post(citizen, province, submit="1", **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Dossier.objects.exists()
    assert Draft.objects.get().files.count() == 1  # nothing typed or uploaded is lost


def test_the_papers_asked_in_every_case_are_required(citizen, province):
    response = post(citizen, province, submit="1")
    assert response.status_code == 400
    assert "Đính kèm “Đơn đăng ký”" in response.content.decode()
    assert not Dossier.objects.exists()


def test_submitting_creates_the_dossier_and_sends_a_receipt(
    citizen, province, django_capture_on_commit_callbacks
):
    slot = f"component-{component(province).pk}"
    post(citizen, province, files={slot: samples.upload("don.pdf", samples.pdf())}, save="1")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(citizen, province, submit="1")
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:apply-submitted", args=[dossier.uid])
    assert (dossier.status, dossier.channel, dossier.receiving_agency) == (
        DossierStatus.REGISTERED,
        "online",
        province.commune,
    )
    assert dossier.applicant_user == province.users["citizen"]
    assert dossier.form_data["applicant_address"] == "Tổ 3, khu 5, phường Hạ Long"
    assert dossier.form_version == 0  # the default form
    [kept] = DossierFile.objects.filter(dossier=dossier)
    assert (kept.original_name, kept.component.name) == ("don.pdf", "Đơn đăng ký")
    assert not Draft.objects.exists() and not DraftFile.objects.exists()
    actions = list(dossier_events(dossier=dossier).values_list("action", flat=True))
    assert "dossier.register" in actions and "dossier.file_added" in actions
    [receipt] = mail.outbox
    assert receipt.to == ["an.nguyen@example.vn"] and dossier.reference in receipt.body
    assert dossier.reference in receipt.subject and str(dossier.uid) not in receipt.subject
    page = citizen.get(response["Location"])
    assert page.status_code == 200 and dossier.reference in page.content.decode()


def test_a_failure_midway_leaves_no_dossier_and_keeps_the_draft(
    citizen, province, monkeypatch, tmp_path
):
    slot = f"component-{component(province).pk}"
    post(citizen, province, files={slot: samples.upload("don.pdf", samples.pdf())}, save="1")

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(online, "draft_delete", broken)
    with pytest.raises(OSError):
        post(citizen, province, submit="1")
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert Draft.objects.get().files.count() == 1
    stored = {p.name for p in (tmp_path / "dossiers").rglob("*") if p.is_file()}
    assert stored == set()  # the copies made for the dossier were removed again


def test_only_the_applicant_sees_the_confirmation(citizen, province, client):
    slot = f"component-{component(province).pk}"
    post(citizen, province, files={slot: samples.upload("don.pdf", samples.pdf())}, save="1")
    location = post(citizen, province, submit="1")["Location"]
    for who in ("outsider", Role.RECEPTION_OFFICER):
        other = Client()
        other.force_login(province.users[who])
        assert other.get(location).status_code == 404
    anonymous = Client().get(location)  # log in first, on the citizens' page
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_procedures_not_offered_online_have_no_application(citizen, province):
    province.procedure.online_type = OnlineType.NONE
    province.procedure.save()
    assert citizen.get(url(province)).status_code == 404
    assert citizen.get("/nop-ho-so/9.999999/").status_code == 404


def test_an_oversized_file_is_refused_with_its_limit(citizen, province, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    slot = f"component-{component(province).pk}"
    response = post(citizen, province, files={slot: samples.upload("lon.pdf", samples.pdf())})
    assert response.status_code == 400
    html = response.content.decode()
    start = html.find("usa-error-message")
    assert "lon.pdf" in html and "KB" in html, html[start : start + 500]
    assert not DraftFile.objects.exists()


def test_an_expired_session_changes_nothing_and_asks_to_log_in(citizen, province):
    post(citizen, province, save="1", **{"f-applicant_address": "Trước khi hết phiên"})
    citizen.logout()  # the session expired while the page was open
    response = post(citizen, province, version=1, submit="1", **{"f-applicant_address": "Sau"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Draft.objects.get().data["applicant_address"] == "Trước khi hết phiên"
    assert not Dossier.objects.exists()
