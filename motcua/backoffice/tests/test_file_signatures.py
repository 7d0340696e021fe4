"""Signed uploads in the back office: next to a component file that is a signed PDF, its
signatures (signer, organisation, time) and their validity (backoffice/_file_signatures.html);
nothing for an unsigned PDF or an image; the verdict is kept by SHA-256 in the cache, so showing
the file again does not verify it again."""

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from motcua.documents.signing import verification
from motcua.documents.tests import samples
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import DossierFile
from motcua.dossiers.tests.conftest import build_province
from motcua.dossiers.tests.test_warehouse import submitted_online
from motcua.dossiers.warehouse_signatures import file_verification

pytestmark = pytest.mark.django_db

TEMPLATE = "backoffice/_file_signatures.html"


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    province = build_province()
    province.procedure.online_type = "full"
    province.procedure.save(update_fields=["online_type"])
    return province


def render(file: DossierFile) -> str:
    with translation.override("en"):
        return render_to_string(TEMPLATE, {"file": file})


def counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = verification.verify_pdf

    def verify(data: bytes):
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(verification, "verify_pdf", verify)
    return calls


def test_a_signed_upload_shows_its_signatures(province, signed_result_pdf, monkeypatch):
    calls = counting(monkeypatch)
    dossier = submitted_online(province, signed_result_pdf)
    file = dossier.files.get()
    html = render(file)
    assert "Signatures valid" in html
    assert "Nguyễn Văn An" in html and "Sở Tư pháp tỉnh Thái Nguyên" in html
    assert "signed at" in html and "trusted time stamp" in html
    assert html.count("<li>") == 2
    assert render(file) == html
    assert len(calls) == 1  # the second showing came from the cache
    assert file_verification(file).sha256 == file.sha256


def test_an_untrusted_signature_is_shown_not_valid(province, trust_store):
    from motcua.documents.models import TrustedCertificate
    from motcua.documents.signing.appearance import Appearance
    from motcua.documents.signing.backends import Pkcs12Backend
    from motcua.documents.signing.pades import sign_pdf
    from motcua.documents.tests.pki import PASSPHRASE

    # Signing needs the signer's chain (B-LT): trust the outsider's root only while signing.
    outsider_root = TrustedCertificate.from_file(
        trust_store.outsider_root_der, name="Outsider root", kind="root"
    )
    outsider_root.save()
    signed = sign_pdf(
        samples.pdf(),
        backend=Pkcs12Backend(trust_store.pkcs12("outsider"), PASSPHRASE),
        appearance=Appearance(purpose="personal", signer_name="Người ngoài"),
        field_name="Signature1",
    )
    outsider_root.delete()
    dossier = submitted_online(province, signed)
    html = render(dossier.files.get())
    assert "Signatures not valid" in html and "Signatures valid" not in html
    assert "not valid" in html


def test_an_unsigned_pdf_or_an_image_shows_nothing(province):
    dossier = submitted_online(province, samples.pdf())
    assert render(dossier.files.get()).strip() == ""
    image = dossier_file_add(
        dossier=dossier,
        actor=province.users["citizen"],
        upload=samples.upload("anh.png", samples.png(), "image/png"),
        purpose=FilePurpose.COMPONENT,
        component=dossier.components.get(),
    )
    assert render(image).strip() == ""
    assert file_verification(image) is None
