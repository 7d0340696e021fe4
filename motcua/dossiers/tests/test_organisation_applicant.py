"""An organisation or business account's online dossier: the organisation is the applicant
(type, name, tax code, head office) and the person who submits it is its representative, in
the dossier's own applicant fields (accounts.selectors.account_applicant)."""

import pytest

from motcua.accounts.constants import AccountKind
from motcua.accounts.selectors import account_applicant
from motcua.catalogue.constants import Channel
from motcua.dossiers.constants import NATIONAL_APPLICANT_CODE, ApplicantKind
from motcua.dossiers.services import Applicant, dossier_register

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "citizen",
    "id_number": "022090001234",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Thôn Đông",
}


def test_an_organisation_account_applies_in_the_organisation_name(province):
    user = province.users["citizen"]
    user.account_kind = AccountKind.ENTERPRISE
    user.organisation_name = "Công ty TNHH Ánh Dương"
    user.tax_code = "0101234567-001"
    user.organisation_address = "Số 12 phố Tràng Tiền, Hà Nội"
    user.representative_title = "Giám đốc"
    user.save()

    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=Applicant(**account_applicant(user=user, details=DETAILS), user=user),
        actor=user,
    )

    dossier.refresh_from_db()
    assert dossier.applicant_kind == ApplicantKind.ENTERPRISE
    assert NATIONAL_APPLICANT_CODE[ApplicantKind(dossier.applicant_kind)] == 2
    assert (dossier.applicant_name, dossier.applicant_id_number) == (
        "Công ty TNHH Ánh Dương",
        "0101234567-001",
    )
    assert dossier.applicant_address == "Số 12 phố Tràng Tiền, Hà Nội"
    assert (dossier.representative_name, dossier.representative_id_number) == (
        "citizen",
        "022090001234",
    )
    assert dossier.authorisation == "Giám đốc"
    assert dossier.applicant_user == user


def test_account_kinds_are_applicant_kinds():
    assert set(AccountKind.values) <= set(ApplicantKind.values)
