"""The citizen's e-warehouse pages (/kho-du-lieu/): the owner's documents by kind with their
badges and downloads, 404 for another citizen, the login for a visitor; the results of a
returned dossier with their signed badge on "my dossier"; re-use through the real application
form (a document taken instead of an upload, another citizen's document refused)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from motcua.accounts.models import User
from motcua.catalogue.constants import OnlineType
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import build_province
from motcua.dossiers.tests.test_warehouse import accept, pdf, returned_online, submitted_online
from motcua.dossiers.warehouse import dossier_reused
from motcua.dossiers.warehouse_models import ComponentReuse, DocumentKind, WarehouseDocument
from motcua.eforms.models import Draft, DraftFile

from .test_apply import ANSWERS, component, post

# The tests match the English messages.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


@pytest.fixture(autouse=True)
def english():
    """The pages in English (/en/…: reverse() under this language), so the assertions do not
    depend on the Vietnamese catalogue."""
    with translation.override("en"):
        yield


def page_url() -> str:
    return reverse("portal:warehouse")


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    province = build_province()
    province.procedure.online_type = OnlineType.FULL
    province.procedure.save()
    citizen = province.users["citizen"]
    citizen.full_name, citizen.citizen_id, citizen.email = "Nguyễn Văn An", "022090001234", ""
    citizen.save()
    return province


@pytest.fixture
def other_citizen(db):
    return User.objects.create_user(username="citizen2", password="x", full_name="Trần Thị Bình")


def test_a_visitor_is_sent_to_log_in(client, province):
    response = client.get(page_url())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    accept(province, submitted_online(province, pdf("Đơn A")))
    document = WarehouseDocument.objects.get()
    response = client.get(reverse("portal:warehouse-document", args=[document.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_owner_sees_documents_by_kind_and_downloads_them(client, province):
    dossier = returned_online(province, pdf("Giấy chứng nhận"), paper=pdf("Đơn cũ"))
    client.force_login(province.users["citizen"])
    response = client.get(page_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    result = WarehouseDocument.objects.get(kind=DocumentKind.RESULT)
    paper = WarehouseDocument.objects.get(kind=DocumentKind.PAPER)
    results_at, papers_at = html.index('id="warehouse-result"'), html.index('id="warehouse-paper"')
    assert results_at < html.index(f'id="document-{result.pk}"') < papers_at
    assert papers_at < html.index(f'id="document-{paper.pk}"')
    assert "giay-chung-nhan.pdf" in html and "don-dang-ky.pdf" in html
    assert "12/GCN" in html  # the result's number and notation
    assert reverse("portal:my-dossier", args=[dossier.key]) in html
    download = client.get(reverse("portal:warehouse-document", args=[result.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == dossier.files.get(purpose="result").file.read()
    assert "attachment" in download["Content-Disposition"]
    shown = client.get(reverse("portal:warehouse-document", args=[result.pk]) + "?xem=1")
    assert "inline" in shown["Content-Disposition"]


def test_another_citizen_gets_404(client, province, other_citizen):
    accept(province, submitted_online(province, pdf("Đơn A")))
    document = WarehouseDocument.objects.get()
    client.force_login(other_citizen)
    assert client.get(reverse("portal:warehouse-document", args=[document.pk])).status_code == 404
    html = client.get(page_url()).content.decode()
    assert f'id="document-{document.pk}"' not in html and "don-dang-ky.pdf" not in html


def test_badges_say_signed_and_validity(client, province, signed_result_pdf):
    returned_online(province, signed_result_pdf)
    paper = WarehouseDocument.objects.get(kind=DocumentKind.PAPER)
    paper.valid_until = paper.added_at.date().replace(year=2020)
    paper.save()
    client.force_login(province.users["citizen"])
    html = client.get(page_url()).content.decode()
    result_row = html[html.index('id="warehouse-result"') : html.index('id="warehouse-paper"')]
    paper_row = html[html.index('id="warehouse-paper"') :]
    assert "Digitally signed" in result_row and "Valid" in result_row
    assert "Not signed" in paper_row and "Expired on" in paper_row


def test_my_dossier_shows_the_signed_result_to_download(client, province, signed_result_pdf):
    dossier = returned_online(province, signed_result_pdf)
    client.force_login(province.users["citizen"])
    html = client.get(reverse("portal:my-dossier", args=[dossier.key])).content.decode()
    result = dossier.files.get(purpose="result")
    assert reverse("portal:my-dossier-file", args=[dossier.key, result.pk]) in html
    assert "Digitally signed, valid" in html
    assert "Nguyễn Văn An" in html and "Sở Tư pháp tỉnh Thái Nguyên" in html
    assert reverse("portal:warehouse") in html


def test_an_unsigned_result_is_shown_unsigned(client, province):
    dossier = returned_online(province, pdf("Giấy chứng nhận"))
    client.force_login(province.users["citizen"])
    html = client.get(reverse("portal:my-dossier", args=[dossier.key])).content.decode()
    assert "Not signed" in html


# --- re-use through the application form ------------------------------------------------------


def test_the_form_offers_the_warehouse_and_reuses_a_paper(client, province):
    first = returned_online(province, pdf("Giấy chứng nhận"), paper=pdf("Đơn cũ"))
    result = WarehouseDocument.objects.get(kind=DocumentKind.RESULT)
    client.force_login(province.users["citizen"])
    page = client.get(reverse("portal:apply", args=[province.procedure.national_code]))
    html = page.content.decode()
    name = f"reuse-{component(province).pk}"
    assert f'name="{name}"' in html and f'value="{result.pk}"' in html
    response = post(client, province, submit="1", **{name: str(result.pk)})
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.exclude(pk=first.pk).get()
    record = ComponentReuse.objects.get()
    assert record.component.dossier == dossier and record.document == result
    assert record.file.sha256 == result.sha256
    assert dossier_reused(dossier)


def test_a_saved_pick_shows_in_its_slot(client, province):
    accept(province, submitted_online(province, pdf("Đơn A")))
    paper = WarehouseDocument.objects.get()
    client.force_login(province.users["citizen"])
    name = f"reuse-{component(province).pk}"
    response = post(client, province, save="1", **{name: str(paper.pk)})
    assert response.status_code == 200
    assert "Taken from your e-warehouse" in response.content.decode()
    assert DraftFile.objects.get().reuse.document == paper


def test_another_citizens_document_in_the_form_is_refused(client, province, other_citizen):
    accept(province, submitted_online(province, pdf("Đơn A")))
    theirs = WarehouseDocument.objects.get()
    client.force_login(other_citizen)
    name = f"reuse-{component(province).pk}"
    data = {
        **ANSWERS,
        "agency": province.commune.slug,
        "delivery": "counter",
        "declaration": "1",
        "draft_version": 0,
        "submit": "1",
        name: str(theirs.pk),
    }
    response = client.post(reverse("portal:apply", args=[province.procedure.national_code]), data)
    assert response.status_code == 400
    assert "This document is not in your e-warehouse." in response.content.decode()
    assert not DraftFile.objects.exists()
    assert not ComponentReuse.objects.exists()
    assert Dossier.objects.count() == 1  # only the owner's
    assert Draft.objects.get().owner == other_citizen
