"""A citizen downloads a blank form from the procedure page in a real chromium (360 px)."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from conftest import check_page
from motcua.catalogue.models import Component, FormTemplate
from motcua.catalogue.tests.factories import make_procedure

from .test_form_files import PDF

pytestmark = pytest.mark.browser


def test_the_blank_form_downloads_from_the_procedure_page(page, live_server):
    procedure = make_procedure()
    form = FormTemplate(name="Tờ khai đăng ký biến động đất đai")
    form.file.save("to-khai-bien-dong.pdf", ContentFile(PDF))
    Component.objects.filter(procedure=procedure).update(form=form)

    page.goto(f"{live_server.url}/thu-tuc/{procedure.national_code}/")
    link = page.get_by_role("link", name="Tờ khai đăng ký biến động đất đai")
    assert "PDF" in link.inner_text()
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert Path(path).read_bytes() == PDF
    assert download.value.suggested_filename.endswith(".pdf")
    check_page(page, "portal-procedure-blank-form")
