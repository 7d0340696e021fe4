"""Files on the back office's dossier page: upload and download as the right official, 404 for
everyone else (and for a file of another dossier), no public URL for dossier files, and the
reception desk's scans in the intake transaction."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.documents.tests import samples
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.tests.conftest import build_province, publish_process, receive

from .scenes import processed
from .test_reception import form_data, intake_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    return province


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def key(dossier: Dossier) -> str:
    return dossier.code or str(dossier.uid)


def upload_url(dossier: Dossier) -> str:
    return reverse("backoffice:dossier-file-upload", args=[key(dossier)])


def file_url(dossier: Dossier, row: DossierFile) -> str:
    return reverse("backoffice:dossier-file", args=[key(dossier), row.pk])


def as_user(client, province, who):
    client.force_login(province.users[who])
    return client


def scan_of(province, dossier, name="Đơn đăng ký.pdf", content=None) -> DossierFile:
    return dossier_file_add(
        dossier=dossier,
        actor=province.users[Role.RECEPTION_OFFICER],
        upload=samples.upload(name, content or samples.pdf()),
        purpose=FilePurpose.COMPONENT,
        component=dossier.components.get(),
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- upload on the dossier page --------------------------------------------------------------


def test_the_reception_officer_uploads_a_scan_and_downloads_it(client, province, media):
    dossier = receive(province)
    as_user(client, province, Role.RECEPTION_OFFICER)
    page = client.get(reverse("backoffice:dossier", args=[key(dossier)])).content.decode()
    assert 'enctype="multipart/form-data"' in page and upload_url(dossier) in page
    component = dossier.components.get()

    response = client.post(
        upload_url(dossier),
        {
            "purpose": "component",
            "component": component.pk,
            "file": samples.upload("Bản vẽ.pdf", samples.pdf()),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/can-bo/ho-so/{key(dossier)}/#components-title")
    row = DossierFile.objects.get()
    assert (row.dossier, row.component, row.original_name) == (dossier, component, "Bản vẽ.pdf")

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Bản vẽ.pdf" in html and file_url(dossier, row) in html
    assert "“Bản vẽ.pdf”" in str(next(iter(page.context["messages"])))

    download = client.get(file_url(dossier, row))
    assert download.status_code == 200
    assert body(download) == samples.pdf()
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''B%E1%BA%A3n%20v%E1%BA%BD.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]

    shown = client.get(file_url(dossier, row), {"xem": "1"})
    assert shown["Content-Disposition"].startswith("inline;")


def test_a_clerk_adds_the_result_document(client, province, media):
    dossier = processed(province)
    as_user(client, province, Role.CLERK)
    page = client.get(reverse("backoffice:dossier", args=[key(dossier)])).content.decode()
    assert 'id="upload-result"' in page and "Attach a scan" not in page
    response = client.post(
        upload_url(dossier),
        {"purpose": "result", "file": samples.upload("Giấy chứng nhận.pdf", samples.pdf())},
    )
    assert response.status_code == 302 and response["Location"].endswith("#result-files")
    row = DossierFile.objects.get(purpose=FilePurpose.RESULT)
    page = client.get(response["Location"]).content.decode()
    section = page[page.index('id="result-files"') :]
    assert "Giấy chứng nhận.pdf" in section and file_url(dossier, row) in section


def test_forms_show_only_to_who_may_add(client, province):
    dossier = receive(province)
    url = reverse("backoffice:dossier", args=[key(dossier)])
    for who, scan_form, result_form in (
        (Role.RECEPTION_OFFICER, True, False),
        (Role.SPECIALIST, False, False),
        (Role.CLERK, False, False),
        (Role.PROVINCE_ADMIN, False, False),
    ):
        html = as_user(client, province, who).get(url).content.decode()
        assert (f'id="upload-c{dossier.components.get().pk}"' in html) == scan_form, who
        assert ('id="upload-result"' in html) == result_form, who
        assert "Result documents" in html or "Văn bản kết quả" in html


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("giay-to.pdf", samples.HTML, "is not what its name says"),
        ("rong.pdf", b"", "is empty"),
        ("to-khai.docx", samples.docx(), "Accepted: PDF, JPEG, PNG."),
    ],
)
def test_a_bad_file_is_refused_with_the_reason(client, province, media, name, content, problem):
    dossier = receive(province)
    as_user(client, province, Role.RECEPTION_OFFICER)
    url = "/en" + upload_url(dossier)
    with translation.override("en"):
        response = client.post(
            url,
            {
                "purpose": "component",
                "component": dossier.components.get().pk,
                "file": samples.upload(name, content),
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert problem in html and f"“{name}”" in html
    assert (DossierFile.objects.count(), stored_files(media)) == (0, [])


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"purpose": "component"}, 400),  # which component?
        ({"purpose": "component", "component": 999999}, 400),
        ({"purpose": "photo"}, 400),
        ({"purpose": "result"}, 403),  # not at the result stage
    ],
)
def test_bad_fields_store_nothing(client, province, media, fields, status):
    dossier = receive(province)
    as_user(client, province, Role.RECEPTION_OFFICER)
    data = fields | {"file": samples.upload("a.pdf", samples.pdf())}
    assert client.post(upload_url(dossier), data).status_code == status
    assert client.post(upload_url(dossier), fields).status_code == 400  # no file at all
    assert (DossierFile.objects.count(), stored_files(media)) == (0, [])


def test_an_official_who_may_not_add_gets_403(client, province, media):
    dossier = receive(province)  # at the reception step: not the specialist's yet
    as_user(client, province, Role.SPECIALIST)
    response = client.post(
        upload_url(dossier),
        {
            "purpose": "component",
            "component": dossier.components.get().pk,
            "file": samples.upload("a.pdf", samples.pdf()),
        },
    )
    assert response.status_code == 403
    assert (DossierFile.objects.count(), stored_files(media)) == (0, [])


@pytest.mark.parametrize("who", ["citizen", "outsider", None])
def test_others_cannot_upload(client, province, media, who):
    dossier = receive(province)
    if who:
        as_user(client, province, who)
    response = client.post(
        upload_url(dossier),
        {
            "purpose": "component",
            "component": dossier.components.get().pk,
            "file": samples.upload("a.pdf", samples.pdf()),
        },
    )
    assert response.status_code == (404 if who else 302)
    assert (DossierFile.objects.count(), stored_files(media)) == (0, [])


# --- download: only for those who may see the dossier ---------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.RECEPTION_OFFICER, 200),
        (Role.LEADER, 200),
        (Role.PROVINCE_ADMIN, 200),
        ("citizen", 404),  # the applicant: the portal is theirs, not the back office
        ("outsider", 404),  # another commune's official
        ("tax_specialist", 404),  # never handled this dossier
    ],
)
def test_who_may_download(client, province, who, status):
    dossier = receive(province)
    row = scan_of(province, dossier)
    response = as_user(client, province, who).get(file_url(dossier, row))
    assert response.status_code == status


def test_anonymous_are_sent_to_log_in(client, province):
    dossier = receive(province)
    row = scan_of(province, dossier)
    response = client.get(file_url(dossier, row))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_file_of_another_dossier_is_not_found_under_this_one(client, province):
    mine, other = receive(province), receive(province, name="Lê Thị Khác")
    row = scan_of(province, other)
    as_user(client, province, Role.RECEPTION_OFFICER)
    assert client.get(file_url(mine, row)).status_code == 404
    assert client.get(file_url(other, row)).status_code == 200
    assert client.get(file_url(mine, row).replace(f"/{row.pk}/", "/999999/")).status_code == 404


def test_a_file_missing_from_the_storage_is_not_found(client, province, media):
    dossier = receive(province)
    row = scan_of(province, dossier)
    (media / row.file.name).unlink()
    as_user(client, province, Role.RECEPTION_OFFICER)
    assert client.get(file_url(dossier, row)).status_code == 404


def test_images_show_inline_only_when_asked(client, province):
    dossier = receive(province)
    row = scan_of(province, dossier, name="anh.png", content=samples.png())
    as_user(client, province, Role.RECEPTION_OFFICER)
    response = client.get(file_url(dossier, row))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(file_url(dossier, row), {"xem": "1"})["Content-Disposition"].startswith(
        "inline;"
    )


def test_dossier_files_have_no_public_url(client, province, media):
    dossier = receive(province)
    row = scan_of(province, dossier)
    assert (media / row.file.name).is_file()
    as_user(client, province, Role.PROVINCE_ADMIN)
    for url in (
        f"/media/{row.file.name}",
        f"/media/forms/../{row.file.name}",
        f"/media/forms/..%2F{row.file.name.replace('/', '%2F')}",
        f"/static/../media/{row.file.name}",
    ):
        response = client.get(url)
        assert response.status_code in (400, 404), url


# --- the reception desk ----------------------------------------------------------------------


def scan_field(province) -> str:
    return f"c{province.procedure.components.get().pk}_scan"


def test_intake_form_takes_a_scan_per_component(client, province, media):
    as_user(client, province, Role.RECEPTION_OFFICER)
    page = client.get(intake_url(province)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'name="{scan_field(province)}"' in page and 'accept="application/pdf,' in page

    data = form_data(province, **{scan_field(province): samples.upload("don.pdf", samples.pdf())})
    response = client.post(intake_url(province), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    [row] = DossierFile.objects.all()
    assert (row.dossier, row.component) == (dossier, dossier.components.get())
    assert row.component.component == province.procedure.components.get()
    assert stored_files(media) == [row.file.name]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"scan": ("don.pdf", samples.HTML)}, "is not what its name says"),
        ({"scan": ("virus.exe", samples.EXE)}, "is not a type of file accepted here"),
        ({"scan": ("don.pdf", samples.pdf()), "received": False}, "Tick the component"),
        (
            {"scan": ("don.pdf", samples.pdf()), "outcome": "refuse", "reason": "Sai"},
            "keeps no scans",
        ),
    ],
)
def test_intake_with_a_bad_scan_keeps_what_was_typed_and_stores_nothing(
    client, province, media, changes, problem
):
    as_user(client, province, Role.RECEPTION_OFFICER)
    data = form_data(
        province,
        applicant_address="Thôn Đông, xã A",
        outcome=changes.get("outcome", "accept"),
        reason=changes.get("reason", ""),
    )
    if changes.get("received") is False:
        del data[f"c{province.procedure.components.get().pk}_received"]
    data[scan_field(province)] = samples.upload(*changes["scan"])
    url = "/en" + intake_url(province)
    with translation.override("en"):
        response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert problem in html
    assert "Trần Thị Bình" in html and "Thôn Đông, xã A" in html and "022190004567" in html
    assert re.search(rf'id="id_{scan_field(province)}-error"', html)
    assert (Dossier.objects.count(), DossierFile.objects.count(), stored_files(media)) == (
        0,
        0,
        [],
    )
