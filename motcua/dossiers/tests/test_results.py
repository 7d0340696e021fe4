"""Signing result documents (dossiers.results): the leader's personal signature, the clerk's
number and organisation signature, interrupted signing, who may do what, and what each refusal
leaves (nothing). Real PDFs, real PKCS#12 keys and time stamps from the test PKI."""

import base64
import hashlib
from datetime import timedelta

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.documents.signing.backends import SigningFailed
from motcua.documents.signing.verification import verify_pdf
from motcua.dossiers import results
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import (
    DossierComponent,
    DossierFile,
    PendingSignature,
    ResultSignature,
)
from motcua.dossiers.selectors import dossier_verify

from .conftest import Province, dossier_in_status
from .results_scenes import (
    PIN,
    add_result,
    organisation_credential,
    personal_credential,
    processed,
    sign_and_seal,
    stored_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.vn"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def pki(trust_store, province: Province):
    """The trust store, the leader's personal and the commune's organisation credentials."""
    personal_credential(trust_store, province.users[Role.LEADER])
    organisation_credential(trust_store, province.commune)
    return trust_store


def stored_names(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def events(dossier) -> list[str]:
    return list(
        AuditEvent.objects.filter(chain=audit.chain_of(dossier))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- the personal signature -------------------------------------------------------------------


def test_the_leader_signs_and_the_version_before_stays(province, pki, media):
    dossier = processed(province)
    row = add_result(province, dossier)
    before_sha, before_name, version = row.sha256, row.file.name, dossier.version

    signed = results.result_sign(
        dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN
    )

    data = stored_bytes(signed)
    assert hashlib.sha256(data).hexdigest() == signed.sha256 != before_sha
    assert signed.size == len(data) and signed.file.name != before_name
    assert len(signed.verify_token) == 43
    report = verify_pdf(data)
    assert report.valid, report.problem
    assert [s.signer for s in report.signatures] == ["Nguyễn Văn An"]
    signature = ResultSignature.objects.get(file=signed)
    assert (signature.purpose, signature.way) == ("personal", "pkcs12")
    assert (signature.sha256_before, signature.sha256_after) == (before_sha, signed.sha256)
    assert signature.previous_file.name == before_name
    assert default_storage.exists(str(before_name))  # the version before stays in the storage
    assert "Nguyễn Văn An" in signature.certificate_subject
    assert events(dossier)[-1] == "dossier.result_signed"
    assert signature.event.data["sha256"] == signed.sha256
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == (DossierStatus.PROCESSED, version)
    assert dossier_verify(dossier=dossier) is None


def test_the_first_signature_stamps_the_verification_link(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    signed = results.result_sign(
        dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN
    )
    url = results.verify_url(signed.verify_token)
    assert url.startswith("https://dichvucong.example.vn/xac-thuc/")
    assert signed.verify_token in url
    assert results.issued_result_by_token(signed.verify_token) == signed


@pytest.mark.parametrize(
    "who", [Role.CLERK, Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.RECEPTION_OFFICER, "outsider"]
)
def test_only_a_leader_of_the_agency_signs(province, pki, media, who):
    dossier = processed(province)
    row = add_result(province, dossier)
    personal_credential(pki, province.users[who], "leader2")
    names = stored_names(media)
    with pytest.raises(DomainError) as error:
        results.result_sign(dossier=dossier, actor=province.users[who], file=row, pin=PIN)
    assert error.value.code == "act_not_permitted"
    assert stored_names(media) == names
    assert not ResultSignature.objects.exists()


@pytest.mark.parametrize("status", [DossierStatus.ACCEPTED, DossierStatus.RESULT_RETURNED])
def test_nobody_signs_outside_the_result_stage(province, pki, status):
    dossier = processed(province)
    row = add_result(province, dossier)
    dossier.status = status
    dossier.save()
    with pytest.raises(DomainError) as error:
        results.result_sign(dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN)
    assert error.value.code == "act_not_permitted"
    assert "cannot be signed while" in error.value.message


def test_a_wrong_pin_stores_nothing(province, pki, media):
    dossier = processed(province)
    row = add_result(province, dossier)
    names, chain = stored_names(media), events(dossier)
    with pytest.raises(SigningFailed):
        results.result_sign(
            dossier=dossier, actor=province.users[Role.LEADER], file=row, pin="0000"
        )
    assert stored_names(media) == names and events(dossier) == chain
    row.refresh_from_db()
    assert row.verify_token == "" and not ResultSignature.objects.exists()


def test_bad_input_is_refused(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    leader = province.users[Role.LEADER]
    with pytest.raises(ValidationFailed, match="PIN"):
        results.result_sign(dossier=dossier, actor=leader, file=row, pin="")
    other = dossier_in_status(province, DossierStatus.PROCESSED)
    with pytest.raises(ValidationFailed, match="result document of this dossier"):
        results.result_sign(dossier=other, actor=leader, file=row, pin=PIN)


def test_a_leader_without_a_certificate_is_told(province, trust_store):
    dossier = processed(province)
    row = add_result(province, dossier)
    with pytest.raises(ValidationFailed, match="no active personal signing certificate"):
        results.result_sign(dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN)


def test_a_file_changed_while_signing_is_not_overwritten(province, pki, media, monkeypatch):
    dossier = processed(province)
    row = add_result(province, dossier)
    real = results.pades.sign_pdf

    def sign_while_someone_changes_it(*args, **kwargs):
        signed = real(*args, **kwargs)
        DossierFile.objects.filter(pk=row.pk).update(sha256="0" * 64)
        return signed

    monkeypatch.setattr(results.pades, "sign_pdf", sign_while_someone_changes_it)
    names = stored_names(media)
    with pytest.raises(DomainError) as error:
        results.result_sign(dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN)
    assert error.value.code == "stale_version"
    assert stored_names(media) == names  # the signed version was removed again
    assert not ResultSignature.objects.exists()


# --- number, notation and the organisation's signature ----------------------------------------


def test_the_clerk_numbers_and_seals(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    sealed = sign_and_seal(province, dossier, row, " 125/QĐ-UBND ")

    report = verify_pdf(stored_bytes(sealed))
    assert report.valid, report.problem
    assert len(report.signatures) == 2
    dossier.refresh_from_db()
    assert dossier.result_number == "125/QĐ-UBND"
    seal = ResultSignature.objects.get(file=sealed, purpose="organisation")
    assert seal.number_notation == "125/QĐ-UBND" and seal.signer == province.users[Role.CLERK]
    assert events(dossier)[-2:] == ["dossier.result_signed", "dossier.result_sealed"]
    assert results.check_signed_result(dossier) == []
    assert results.issued_result_by_sha256(sealed.sha256) == sealed


def test_the_seal_needs_the_personal_signature_first(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    with pytest.raises(ValidationFailed, match="competent person"):
        results.result_seal(
            dossier=dossier,
            actor=province.users[Role.CLERK],
            file=row,
            number_notation="125/QĐ-UBND",
        )


@pytest.mark.parametrize(
    "number", ["", "125", "QĐ-UBND", "0/QĐ-UBND", "125/QĐ", "125/qđ-ubnd", "12a/QĐ-UBND"]
)
def test_a_malformed_number_is_refused(province, pki, number):
    dossier = processed(province)
    row = add_result(province, dossier)
    with pytest.raises(ValidationFailed, match="number and notation"):
        results.result_seal(
            dossier=dossier, actor=province.users[Role.CLERK], file=row, number_notation=number
        )


@pytest.mark.parametrize("number", ["1/GCN-STP", "05/2024/QĐ-UBND", "125/QĐ-STP"])
def test_well_formed_numbers(number):
    assert results.clean_number_notation(number) == number


def test_the_leader_seals_only_where_there_is_no_clerk(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    leader = province.users[Role.LEADER]
    row = results.result_sign(dossier=dossier, actor=leader, file=row, pin=PIN)
    with pytest.raises(DomainError) as error:
        results.result_seal(dossier=dossier, actor=leader, file=row, number_notation="7/QĐ-UBND")
    assert error.value.code == "act_not_permitted"

    Membership.objects.filter(agency=province.commune, role=Role.CLERK).delete()
    sealed = results.result_seal(
        dossier=dossier, actor=leader, file=row, number_notation="7/QĐ-UBND"
    )
    assert ResultSignature.objects.filter(file=sealed, purpose="organisation").exists()


def test_a_sealed_result_is_neither_sealed_nor_signed_again(province, pki):
    dossier = processed(province)
    row = sign_and_seal(province, dossier, add_result(province, dossier))
    with pytest.raises(DomainError) as error:
        results.result_seal(
            dossier=dossier, actor=province.users[Role.CLERK], file=row, number_notation="8/QĐ-X"
        )
    assert error.value.code == "already_sealed"
    with pytest.raises(DomainError) as error:
        results.result_sign(dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN)
    assert error.value.code == "already_sealed"


def test_no_organisation_certificate_is_told(province, trust_store):
    personal_credential(trust_store, province.users[Role.LEADER])
    dossier = processed(province)
    row = results.result_sign(
        dossier=dossier,
        actor=province.users[Role.LEADER],
        file=add_result(province, dossier),
        pin=PIN,
    )
    with pytest.raises(ValidationFailed, match="no organisation signing certificate"):
        results.result_seal(
            dossier=dossier, actor=province.users[Role.CLERK], file=row, number_notation="9/QĐ-X"
        )


# --- interrupted signing ----------------------------------------------------------------------


def _sign_value(pki, label: str, to_be_signed: bytes | memoryview) -> bytes:
    key = pki.private_key(label)
    return key.sign(bytes(to_be_signed), padding.PKCS1v15(), hashes.SHA256())


def test_interrupted_signing_by_a_plugin(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    leader, clerk = province.users[Role.LEADER], province.users[Role.CLERK]
    pending = results.result_prepare_external(
        dossier=dossier,
        actor=leader,
        file=row,
        purpose="personal",
        certificate_der=pki.cert_der("leader"),
    )
    assert base64.b64decode(pending.digest) == hashlib.sha256(bytes(pending.to_be_signed)).digest()
    assert events(dossier)[-1] == "dossier.result_signing_prepared"
    row = results.result_complete_external(
        dossier=dossier,
        actor=leader,
        pending_id=pending.pk,
        signature_value=_sign_value(pki, "leader", pending.to_be_signed),
    )
    assert not PendingSignature.objects.exists()
    assert ResultSignature.objects.get(file=row).way == "external"

    pending = results.result_prepare_external(
        dossier=dossier,
        actor=clerk,
        file=row,
        purpose="organisation",
        certificate_der=pki.cert_der("org"),
        number_notation="11/QĐ-UBND",
    )
    row = results.result_complete_external(
        dossier=dossier,
        actor=clerk,
        pending_id=pending.pk,
        signature_value=_sign_value(pki, "org", pending.to_be_signed),
    )
    assert results.check_signed_result(dossier) == []
    dossier.refresh_from_db()
    assert dossier.result_number == "11/QĐ-UBND"


def test_a_signature_value_that_does_not_match_is_refused(province, pki, media):
    dossier = processed(province)
    row = add_result(province, dossier)
    leader = province.users[Role.LEADER]
    pending = results.result_prepare_external(
        dossier=dossier,
        actor=leader,
        file=row,
        purpose="personal",
        certificate_der=pki.cert_der("leader"),
    )
    names = stored_names(media)
    with pytest.raises(SigningFailed):
        results.result_complete_external(
            dossier=dossier,
            actor=leader,
            pending_id=pending.pk,
            signature_value=_sign_value(pki, "leader2", pending.to_be_signed),
        )
    assert stored_names(media) == names and not ResultSignature.objects.exists()


def test_a_pending_signing_is_its_preparers_and_expires(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    leader = province.users[Role.LEADER]
    pending = results.result_prepare_external(
        dossier=dossier,
        actor=leader,
        file=row,
        purpose="personal",
        certificate_der=pki.cert_der("leader"),
    )
    value = _sign_value(pki, "leader", pending.to_be_signed)
    with pytest.raises(ValidationFailed, match="No signing is waiting"):
        results.result_complete_external(
            dossier=dossier,
            actor=province.users[Role.CLERK],
            pending_id=pending.pk,
            signature_value=value,
        )
    later = time_machine.travel(timezone.now() + timedelta(hours=1), tick=False)
    with later, pytest.raises(ValidationFailed, match="waited too long"):
        results.result_complete_external(
            dossier=dossier, actor=leader, pending_id=pending.pk, signature_value=value
        )
    assert not PendingSignature.objects.exists()


def test_prepare_refuses_bad_certificates(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    leader, clerk = province.users[Role.LEADER], province.users[Role.CLERK]
    with pytest.raises(ValidationFailed, match="certificate"):
        results.result_prepare_external(
            dossier=dossier, actor=leader, file=row, purpose="personal", certificate_der=b"junk"
        )
    with pytest.raises(ValidationFailed, match="organisation's certificate"):
        results.result_prepare_external(
            dossier=dossier,
            actor=leader,
            file=row,
            purpose="personal",
            certificate_der=pki.cert_der("org"),
        )
    with pytest.raises(ValidationFailed, match="personal or organisation"):
        results.result_prepare_external(
            dossier=dossier, actor=leader, file=row, purpose="x", certificate_der=b""
        )
    with pytest.raises(DomainError) as error:
        results.result_prepare_external(
            dossier=dossier,
            actor=clerk,
            file=row,
            purpose="personal",
            certificate_der=pki.cert_der("leader"),
        )
    assert error.value.code == "act_not_permitted"
    signed = results.result_sign(dossier=dossier, actor=leader, file=row, pin=PIN)
    with pytest.raises(ValidationFailed, match="not an organisation certificate"):
        results.result_prepare_external(
            dossier=dossier,
            actor=clerk,
            file=signed,
            purpose="organisation",
            certificate_der=pki.cert_der("leader2"),
            number_notation="3/QĐ-UBND",
        )


# --- selectors ----------------------------------------------------------------------------------


def test_only_results_are_found_by_hash_or_token(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier)
    assert results.issued_result_by_sha256(row.sha256.upper()) == row
    component = DossierComponent.objects.create(dossier=dossier, name="Đơn")
    scan = DossierFile.objects.create(
        dossier=dossier,
        purpose="component",
        component=component,
        file=row.file.name,
        original_name="scan.pdf",
        content_type="application/pdf",
        size=1,
        sha256="a" * 64,
        uploaded_at=timezone.now(),
        verify_token="t" * 43,
    )
    assert results.issued_result_by_sha256(scan.sha256) is None
    assert results.issued_result_by_token(scan.verify_token) is None
    assert results.issued_result_by_sha256("nothex") is None
    assert results.issued_result_by_token("") is None
    assert results.issued_result_by_token("x" * 60) is None
