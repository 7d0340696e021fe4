"""The procedure flag "result must be digitally signed" (BatBuocKySoKetQua): a dossier is not
finished, nor its result returned online, without a result document that verifies with the
competent person's and the organisation's signatures. One test per refusal, and the flag off."""

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.core.errors import ValidationFailed
from motcua.dossiers import results
from motcua.dossiers.constants import Act, DossierStatus, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, dossier_act

from .conftest import Province, dossier_in_status
from .results_scenes import (
    PIN,
    add_result,
    organisation_credential,
    personal_credential,
    processed,
    sign_and_seal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def pki(trust_store, province: Province):
    personal_credential(trust_store, province.users[Role.LEADER])
    organisation_credential(trust_store, province.commune)
    return trust_store


def in_processing(province: Province, *, must_be_signed: bool = True) -> Dossier:
    province.procedure.result_must_be_signed = must_be_signed
    province.procedure.save(update_fields=["result_must_be_signed"])
    return dossier_in_status(province, DossierStatus.IN_PROCESSING)


def finish(province: Province, dossier: Dossier, **data) -> Dossier:
    return dossier_act(
        dossier=dossier, act=Act.FINISH, actor=province.users[Role.LEADER], data=ActInput(**data)
    )


def return_online(province: Province, dossier: Dossier) -> Dossier:
    return dossier_act(
        dossier=dossier,
        act=Act.RETURN_RESULT,
        actor=province.users[Role.RECEPTION_OFFICER],
        data=ActInput(return_method=ReturnMethod.ONLINE),
    )


def refused_finish(province: Province, dossier: Dossier) -> list[str]:
    with pytest.raises(ValidationFailed) as error:
        finish(province, dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROCESSING
    return error.value.errors


def test_no_result_document(province, pki):
    dossier = in_processing(province)
    assert refused_finish(province, dossier) == [
        "This procedure requires a digitally signed result; add the result document."
    ]


def test_an_unsigned_result(province, pki):
    dossier = in_processing(province)
    add_result(province, dossier, name="qd.pdf")
    assert refused_finish(province, dossier) == [
        "The result document “qd.pdf” is not digitally signed."
    ]


def test_only_the_personal_signature(province, pki):
    dossier = in_processing(province)
    row = add_result(province, dossier, name="qd.pdf")
    results.result_sign(dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN)
    assert refused_finish(province, dossier) == [
        "The result document “qd.pdf” lacks the organisation's signature (seal)."
    ]


def test_a_result_changed_after_signing(province, pki):
    dossier = in_processing(province)
    row = sign_and_seal(province, dossier, add_result(province, dossier, name="qd.pdf"))
    path = row.file.path
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    data[len(data) // 3] ^= 0x01  # one byte inside the signed range
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    [message] = refused_finish(province, dossier)
    assert message.startswith("The signatures of the result document “qd.pdf” do not verify")


def test_a_result_that_is_not_a_pdf_any_more(province, pki):
    dossier = in_processing(province)
    row = add_result(province, dossier, name="qd.pdf")
    row.file.storage.delete(str(row.file.name))
    assert refused_finish(province, dossier) == ["The result document “qd.pdf” cannot be read."]


def test_signed_and_sealed_finishes_and_keeps_the_number(province, pki):
    dossier = in_processing(province)
    sign_and_seal(province, dossier, add_result(province, dossier), number="31/QĐ-UBND")
    finished = finish(province, dossier)
    assert finished.status == DossierStatus.PROCESSED
    assert finished.result_number == "31/QĐ-UBND"  # the seal's number stays


def test_the_flag_off_finishes_without_a_signature(province, pki):
    dossier = in_processing(province, must_be_signed=False)
    add_result(province, dossier)
    assert finish(province, dossier, result_number="4/GP").status == DossierStatus.PROCESSED
    assert results.check_signed_result(dossier) == []


def test_online_return_needs_the_signed_result(province, pki):
    dossier = processed(province)
    row = add_result(province, dossier, name="qd.pdf")
    results.result_sign(dossier=dossier, actor=province.users[Role.LEADER], file=row, pin=PIN)
    with pytest.raises(ValidationFailed) as error:
        return_online(province, dossier)
    assert error.value.errors == [
        "The result document “qd.pdf” lacks the organisation's signature (seal)."
    ]
    row.refresh_from_db()
    results.result_seal(
        dossier=dossier,
        actor=province.users[Role.CLERK],
        file=row,
        number_notation="5/QĐ-UBND",
    )
    assert return_online(province, dossier).status == DossierStatus.RESULT_RETURNED


def test_at_the_counter_the_paper_result_is_returned(province, pki):
    dossier = processed(province)
    returned = dossier_act(
        dossier=dossier,
        act=Act.RETURN_RESULT,
        actor=province.users[Role.RECEPTION_OFFICER],
        data=ActInput(return_method=ReturnMethod.COUNTER, recipient_name="Nguyễn Văn An"),
    )
    assert returned.status == DossierStatus.RESULT_RETURNED
