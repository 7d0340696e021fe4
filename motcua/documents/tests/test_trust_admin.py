"""The trust store and signing credentials as the province administrator loads them."""

import pytest
from asn1crypto import pem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.accounts.models import User
from motcua.core.models import AuditEvent
from motcua.documents.models import SigningCredential, TrustedCertificate
from motcua.documents.signing import secrets, trust
from motcua.documents.signing.appearance import Appearance
from motcua.documents.signing.backends import SigningFailed, backend_for
from motcua.documents.signing.certificates import read_pkcs12
from motcua.documents.signing.pades import sign_pdf
from motcua.documents.signing.sample_images import seal_png
from motcua.documents.tests import samples

pytestmark = pytest.mark.usefixtures("english_pages")  # they match the English messages


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_admin_loads_a_root_from_pem_and_reads_its_details(admin_client, test_pki):
    data = pem.armor("CERTIFICATE", test_pki.root_der)
    response = admin_client.post(
        reverse("admin:documents_trustedcertificate_add"),
        {"name": "Root", "kind": "root", "note": "", "certificate_file": _upload("root.pem", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = TrustedCertificate.objects.get()
    assert "MotCua Test Root CA" in row.subject
    assert bytes(row.certificate_der) == test_pki.root_der
    assert row.not_after.year == 2035
    assert AuditEvent.objects.filter(action="documents.trustedcertificate.created").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("junk.pem", "root", "not an X.509 certificate"),
        ("leader.cer", "root", "not a CA certificate"),
        ("interm.cer", "root", "must be self-signed"),
    ],
)
def test_admin_refuses_what_is_not_a_ca_certificate(admin_client, test_pki, name, kind, message):
    data = {
        "junk.pem": b"hello",
        "leader.cer": test_pki.cert_der("leader"),
        "interm.cer": test_pki.cert_der("interm"),
    }[name]
    response = admin_client.post(
        reverse("admin:documents_trustedcertificate_add"),
        {"name": "X", "kind": kind, "note": "", "certificate_file": _upload(name, data)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrustedCertificate.objects.exists()


@pytest.mark.django_db
def test_admin_uploads_a_pkcs12_credential_and_never_shows_the_secret(admin_client, test_pki):
    official = User.objects.create_user(username="giamdoc", full_name="Nguyễn Văn An")
    url = reverse("admin:documents_signingcredential_add")
    form = {"name": "Chữ ký Giám đốc", "purpose": "personal", "way": "pkcs12", "active": "on"}
    wrong = admin_client.post(
        url,
        {
            **form,
            "user": official.pk,
            "passphrase": "0000",
            "pkcs12_file": _upload("a.p12", test_pki.pkcs12("leader")),
        },
    )
    assert "passphrase is wrong" in wrong.content.decode()
    response = admin_client.post(
        url,
        {
            **form,
            "user": official.pk,
            "passphrase": "1234",
            "pkcs12_file": _upload("a.p12", test_pki.pkcs12("leader")),
        },
    )
    assert response.status_code == 302
    credential = SigningCredential.objects.get()
    assert bytes(credential.certificate_der) == test_pki.cert_der("leader")
    assert credential.chain() == test_pki.chain_der("leader")
    assert bytes(credential.passphrase_encrypted) == b""  # personal: the official types the PIN
    stored = read_pkcs12(secrets.decrypt(credential.pkcs12_encrypted), b"1234")
    assert stored.certificate_der == test_pki.cert_der("leader")
    page = admin_client.get(
        reverse("admin:documents_signingcredential_change", args=[credential.pk])
    )
    assert "1234" not in page.content.decode()
    with pytest.raises(SigningFailed, match="PIN"):
        backend_for(credential, pin="0000").signer()


def test_secrets_round_trip_and_refuse_another_key(settings):
    token = secrets.encrypt(b"pin 1234")
    assert b"1234" not in token
    assert secrets.decrypt(token) == b"pin 1234"
    settings.MOTCUA_SIGNING_SECRET = "another key"
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(token)


@pytest.mark.django_db
def test_local_tsa_credential_stamps_time_when_no_tsa_url(trust_store, settings):
    settings.MOTCUA_TSA_URL = ""
    SigningCredential.objects.create(
        name="TSA nội bộ",
        purpose="timestamp",
        way="pkcs12",
        pkcs12_encrypted=secrets.encrypt(trust_store.pkcs12("tsa")),
        passphrase_encrypted=secrets.encrypt(b"1234"),
    )
    assert isinstance(trust.timestamper(), trust.LocalTimeStamper)
    org = SigningCredential.objects.create(
        name="Con dấu",
        purpose="organisation",
        way="pkcs12",
        pkcs12_encrypted=secrets.encrypt(trust_store.pkcs12("org")),
        passphrase_encrypted=secrets.encrypt(b"1234"),
    )
    signed = sign_pdf(
        samples.pdf(),
        backend=backend_for(org),
        appearance=Appearance(
            purpose="organisation",
            signer_name="Sở Tư pháp tỉnh Thái Nguyên",
            number_notation="07/GP-STP",
            image_png=seal_png("Sở Tư pháp", "Tỉnh Thái Nguyên"),
        ),
        field_name="Seal",
    )
    assert signed.startswith(samples.pdf())
