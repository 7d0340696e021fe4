"""Blank forms (mẫu đơn, tờ khai): the administrator uploads the file to the catalogue's form
row; the procedure page links to it and the link downloads it; a form without a file is named
without a link; a file no row holds, or a row whose file is gone, is 404."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalogue import selectors, services
from motcua.catalogue.models import Component, FormTemplate
from motcua.catalogue.tests.factories import make_procedure
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ADD_URL = "/admin/catalogue/formtemplate/add/"
NAME = "Tờ khai đăng ký biến động đất đai"


@pytest.fixture
def procedure():
    return make_procedure()


def attach(procedure, form):
    Component.objects.filter(procedure=procedure).update(form=form)


def upload_form(admin_client, name="to-khai-bien-dong.pdf", data=PDF):
    return admin_client.post(
        ADD_URL, {"name": NAME, "file": SimpleUploadedFile(name, data, "application/pdf")}
    )


def page_of(client, procedure):
    return client.get(f"/thu-tuc/{procedure.national_code}/").content.decode()


def test_an_uploaded_form_is_linked_and_downloads(admin_client, client, procedure):
    response = upload_form(admin_client)

    assert response.status_code == 302, response.context["adminform"].errors
    form = FormTemplate.objects.get(name=NAME)
    assert form.file.name.startswith("forms/") and default_storage.exists(form.file.name)
    assert AuditEvent.objects.filter(action="catalogue.formtemplate.created").exists()
    attach(procedure, form)

    html = page_of(client, procedure)
    assert f'href="{form.file.url}" download' in html
    assert "tải về, PDF" in html

    download = client.get(form.file.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_form_without_a_file_is_named_without_a_link(client, procedure):
    attach(procedure, FormTemplate.objects.create(name=NAME))
    html = page_of(client, procedure)
    assert NAME in html
    assert "/media/forms/" not in html
    assert "chưa có tệp" not in html and "tải về" not in html


def test_a_row_whose_file_is_gone_is_404(client):
    FormTemplate.objects.create(name=NAME, file="forms/khong-con.pdf")
    assert client.get("/media/forms/khong-con.pdf").status_code == 404


def test_a_file_no_catalogue_row_holds_is_404(client):
    default_storage.save("forms/khong-thuoc-danh-muc.pdf", ContentFile(PDF))
    assert client.get("/media/forms/khong-thuoc-danh-muc.pdf").status_code == 404
    assert client.get("/media/forms/").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("to-khai.pdf", b"<html><script>alert(1)</script></html>", "not what its name says"),
        ("to-khai.html", b"<html></html>", "not a type of file accepted here"),
        ("to-khai.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_bad_upload_is_refused_and_stores_nothing(admin_client, name, data, message):
    response = admin_client.post(
        "/en" + ADD_URL, {"name": NAME, "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert message in errors, errors
    assert not FormTemplate.objects.exists()


def test_reimporting_without_file_names_keeps_the_uploaded_file(procedure):
    form = FormTemplate.objects.create(name=NAME, file="forms/to-khai-da-tai.pdf")
    attach(procedure, form)
    document = selectors.catalogue_export()
    for entry in document["procedures"]:
        for component in entry["components"]:
            component["form"] = {"name": NAME, "file": ""}

    services.catalogue_import(document=document, actor=None)

    component = Component.objects.get(procedure__national_code=procedure.national_code)
    assert component.form is not None and component.form.file.name == "forms/to-khai-da-tai.pdf"
