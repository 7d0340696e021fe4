"""Pieces for the signed-result tests (dossiers, back office, API): signing credentials from the
test PKI (motcua.documents.tests.pki), a processed dossier with a result PDF, and the two
signatures applied through the services."""

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.documents import engine
from motcua.documents.models import SigningCredential
from motcua.documents.signing import secrets
from motcua.documents.tests.pki import PASSPHRASE, TestPki
from motcua.dossiers import results
from motcua.dossiers.constants import DossierStatus, FilePurpose
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier, DossierFile

from .conftest import Province, dossier_in_status

PIN = PASSPHRASE.decode()


def result_pdf() -> bytes:
    """A one-page decision, as an agency would upload it."""
    return engine.write_pdf(
        "<h1>QUYẾT ĐỊNH</h1><p>Về việc cấp giấy chứng nhận</p><p>GIÁM ĐỐC</p>",
        base_url="http://127.0.0.1:8000/",
    )


def personal_credential(pki: TestPki, user: User, label: str = "leader") -> SigningCredential:
    """The user's personal PKCS#12 credential, unlocked by PIN (its passphrase)."""
    credential = SigningCredential(
        name=f"{label} (test)",
        purpose="personal",
        way="pkcs12",
        user=user,
        certificate_der=pki.cert_der(label),
        pkcs12_encrypted=secrets.encrypt(pki.pkcs12(label)),
    )
    credential.set_chain(pki.chain_der(label))
    credential.save()
    return credential


def organisation_credential(pki: TestPki, agency: Agency, label: str = "org") -> SigningCredential:
    """The agency's organisation credential, kept by the server with its passphrase."""
    credential = SigningCredential(
        name=f"{agency.name} (test)",
        purpose="organisation",
        way="pkcs12",
        agency=agency,
        certificate_der=pki.cert_der(label),
        pkcs12_encrypted=secrets.encrypt(pki.pkcs12(label)),
        passphrase_encrypted=secrets.encrypt(PASSPHRASE),
    )
    credential.set_chain(pki.chain_der(label))
    credential.save()
    return credential


def processed(province: Province, *, must_be_signed: bool = True) -> Dossier:
    """A processed dossier of the commune (no process), its procedure requiring a signed
    result or not."""
    province.procedure.result_must_be_signed = must_be_signed
    province.procedure.save(update_fields=["result_must_be_signed"])
    return dossier_in_status(province, DossierStatus.PROCESSED)


def add_result(
    province: Province, dossier: Dossier, data: bytes | None = None, name: str = "qd.pdf"
) -> DossierFile:
    """Upload a result document as the leader does."""
    return dossier_file_add(
        dossier=dossier,
        actor=province.users[Role.LEADER],
        upload=SimpleUploadedFile(name, result_pdf() if data is None else data),
        purpose=FilePurpose.RESULT,
    )


def sign_and_seal(
    province: Province, dossier: Dossier, row: DossierFile, number: str = "125/QĐ-UBND"
) -> DossierFile:
    """The leader signs, the clerk numbers and seals (credentials must exist)."""
    row = results.result_sign(dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN)
    return results.result_seal(
        dossier=dossier, actor=province.users[Role.CLERK], file=row, number_notation=number
    )


def stored_bytes(row: DossierFile) -> bytes:
    row.refresh_from_db()
    with row.file.open("rb") as handle:
        return bytes(handle.read())
