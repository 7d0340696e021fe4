"""The catalogue admin: Vietnamese labels, import with confirmation, export, permissions."""

import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalogue import selectors, services, xlsx
from motcua.catalogue.models import Field, Procedure
from motcua.catalogue.tests.test_interchange import BIRTH, MINIMAL, full_document
from motcua.core.audit import verify_chain
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:catalogue_procedure_import")
CHANGELIST = reverse("admin:catalogue_procedure_changelist")


def export_url(spelling: str) -> str:
    return reverse("admin:catalogue_procedure_export", args=[spelling])


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def json_file(document: dict, name: str = "catalogue.json") -> SimpleUploadedFile:
    return upload(name, json.dumps(document, ensure_ascii=False).encode())


def test_changelist_is_vietnamese_with_exchange_buttons(admin_client):
    response = admin_client.get(CHANGELIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Thủ tục hành chính" in content
    assert IMPORT in content and export_url("xlsx") in content and export_url("json") in content


def test_import_shows_counts_then_imports_on_confirm(admin_client):
    services.catalogue_import(document={**full_document(), "procedures": []}, actor=None)
    response = admin_client.post(IMPORT, {"file": json_file(full_document())})
    assert response.status_code == 200
    assert (response.context["procedures_new"], response.context["fields_updated"]) == (2, 2)
    assert not Procedure.objects.exists()
    response = admin_client.post(IMPORT, {"confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == CHANGELIST
    message = str(next(iter(response.context["messages"])))
    assert "2" in message
    assert set(Procedure.objects.values_list("national_code", flat=True)) == {BIRTH, MINIMAL}
    event = AuditEvent.objects.filter(action="catalogue.imported").last()
    assert event.actor == admin_client.user
    assert verify_chain() == []


def test_import_xlsx_counts_updates(admin_client):
    services.catalogue_import(document=full_document(), actor=None)
    data = xlsx.document_to_xlsx(selectors.catalogue_export())
    response = admin_client.post(IMPORT, {"file": upload("danh-muc.xlsx", data)})
    assert (response.context["procedures_new"], response.context["procedures_updated"]) == (0, 2)
    admin_client.post(IMPORT, {"confirm": "1"})
    assert AuditEvent.objects.filter(action="catalogue.imported").count() == 2


def test_import_with_errors_lists_rows_and_imports_nothing(admin_client):
    document = full_document()
    document["procedures"][1]["level"] = "district"
    document["procedures"][0]["channels"][0]["time_value"] = "abc"
    response = admin_client.post(IMPORT, {"file": json_file(document)})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 3  # the summary and one line per bad row
    assert f"({BIRTH})" in errors[1] and f"({MINIMAL})" in errors[2]
    assert "district" in response.content.decode()
    assert admin_client.post(IMPORT, {"confirm": "1"}).status_code == 302  # nothing pending
    assert not Procedure.objects.exists() and not Field.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("catalogue.json", b"{this is not json"),
        ("catalogue.xlsx", b"PK\x03\x04 not really a workbook"),
        ("catalogue.xlsx", b"\x00\x01garbage"),
        ("catalogue.json", b'{"format": "other", "version": 1}'),
    ],
)
def test_import_of_a_broken_file(admin_client, name, data):
    response = admin_client.post(IMPORT, {"file": upload(name, data)})
    assert response.status_code == 400
    assert response.context["errors"]
    assert not Procedure.objects.exists()


def test_import_refuses_files_over_the_limit(admin_client):
    big = upload("big.json", b" " * (10 * 1024 * 1024 + 1))
    response = admin_client.post(IMPORT, {"file": big})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_cancel_drops_the_pending_import(admin_client):
    admin_client.post(IMPORT, {"file": json_file(full_document())})
    assert admin_client.post(IMPORT, {"cancel": "1"}).status_code == 302
    admin_client.post(IMPORT, {"confirm": "1"})
    assert not Procedure.objects.exists()


@pytest.mark.parametrize("spelling", ["json", "xlsx"])
def test_export_downloads_a_dated_file_that_parses_back(admin_client, spelling):
    services.catalogue_import(document=full_document(), actor=None)
    response = admin_client.get(export_url(spelling))
    assert response.status_code == 200
    day = timezone.localdate().isoformat()
    assert f'filename="catalogue-{day}.{spelling}"' in response["Content-Disposition"]
    document = xlsx.document_from_bytes(response.content)
    expected = selectors.catalogue_export()
    assert json.loads(json.dumps(document)) == json.loads(json.dumps(expected))


def make_user(*, staff: bool, perms: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user("u", password="pw", is_staff=staff)
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    return user


@pytest.mark.parametrize(
    ("staff", "perms"),
    [(False, ()), (True, ()), (True, ("view_procedure",))],
)
@pytest.mark.parametrize("url", [IMPORT, export_url("json"), export_url("xlsx")])
def test_exchange_is_forbidden_without_the_change_permission(client, staff, perms, url):
    client.force_login(make_user(staff=staff, perms=perms))
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": json_file(full_document())}).status_code == 403
    assert not Procedure.objects.exists()


def test_staff_with_the_change_permission_may_export(client):
    client.force_login(make_user(staff=True, perms=("change_procedure",)))
    assert client.get(export_url("json")).status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_unknown_export_spelling_is_refused(admin_client):
    assert admin_client.get(export_url("csv")).status_code == 403


def test_admin_edit_goes_through_the_service(admin_client):
    services.catalogue_import(document=full_document(), actor=None)
    procedure = Procedure.objects.get(national_code=MINIMAL)
    url = reverse("admin:catalogue_procedure_change", args=[procedure.pk])
    assert admin_client.get(url).status_code == 200
    data = {
        "national_code": MINIMAL,
        "name": "Cấp Phiếu lý lịch tư pháp số 2",
        "field": procedure.field_id,
        "level": "province",
        "agency_kind": "department",
        "status": "draft",
        "applicants": "",
        "results": "Phiếu lý lịch\n",  # one per line (catalogue.admin_forms)
        "steps": "",
        "day_count": "end_of_day",
        "resume_mode": "restart",
        "fee_timing": "acceptance",
    }
    for prefix in ("channels", "components"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    procedure.refresh_from_db()
    assert procedure.results == ["Phiếu lý lịch"]
    assert "phieu ly lich" in procedure.search_text and "so 2" in procedure.search_text
    event = AuditEvent.objects.filter(action="catalogue.procedure_changed").get()
    assert event.actor == admin_client.user


def test_field_edit_reindexes_its_procedures(admin_client):
    services.catalogue_import(document=full_document(), actor=None)
    field = Field.objects.get(slug="judicial")
    url = reverse("admin:catalogue_field_change", args=[field.pk])
    data = {"slug": "judicial", "name": "Tư pháp", "national_code": "", "name_en": ""}
    assert admin_client.post(url, data).status_code == 302
    assert "tu phap" in Procedure.objects.get(national_code=MINIMAL).search_text
    assert AuditEvent.objects.filter(action="catalogue.field_saved").exists()


@pytest.mark.parametrize(
    "name",
    ["field", "legaldocument", "formtemplate", "procedurechannel", "procedure"],
)
def test_every_catalogue_page_renders(admin_client, name):
    services.catalogue_import(document=full_document(), actor=None)
    assert admin_client.get(reverse(f"admin:catalogue_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:catalogue_{name}_add")).status_code == 200
    response = admin_client.get(reverse(f"admin:catalogue_{name}_changelist"), {"q": "khai"})
    assert response.status_code == 200


def test_channel_page_edits_fees(admin_client):
    services.catalogue_import(document=full_document(), actor=None)
    channel = Procedure.objects.get(national_code=BIRTH).channels.get(channel="direct")
    response = admin_client.get(
        reverse("admin:catalogue_procedurechannel_change", args=[channel.pk])
    )
    assert response.status_code == 200
    assert "Lệ phí" in response.content.decode()


def test_import_page_renders(admin_client):
    response = admin_client.get(IMPORT)
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert io.BytesIO(response.content).read()
