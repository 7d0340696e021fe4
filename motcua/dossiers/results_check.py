"""Reads about signed e-results: does a result document verify with both signatures (the rule
`Procedure.result_must_be_signed` enforces at finish and at online return), and which result
MotCua issued has this hash or verification token (the public verification page).

Kept apart from dossiers.results (the signing services) because dossiers.services calls
`check_signed_result` and dossiers.results builds on dossiers.files, which imports services.
"""

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.documents.models import SigningCredential

from .constants import DossierStatus, FilePurpose
from .models import Dossier, DossierFile
from .result_models import ResultSignature, SignaturePurpose

if TYPE_CHECKING:
    from motcua.documents.signing.verification import PdfVerification


@dataclass(frozen=True)
class ResultState:
    """What the signatures of one result document say."""

    file: DossierFile
    verification: "PdfVerification | None"  # None: the file could not be read
    personal: bool  # a valid signature by a person
    organisation: bool  # a valid signature by the organisation (in place of the seal)

    @property
    def signed(self) -> bool:
        """Verifies as a whole and carries both signatures the law asks for."""
        return bool(
            self.verification and self.verification.valid and self.personal and self.organisation
        )


def organisation_certificates() -> set[str]:
    """SHA-256 (hex) of every certificate known as an organisation's: those of organisation
    signing credentials, and those MotCua recorded applying an organisation signature with."""
    known = {
        hashlib.sha256(bytes(der)).hexdigest()
        for der in SigningCredential.objects.filter(purpose="organisation").values_list(
            "certificate_der", flat=True
        )
        if der
    }
    known.update(
        ResultSignature.objects.filter(purpose=SignaturePurpose.ORGANISATION).values_list(
            "certificate_sha256", flat=True
        )
    )
    return known


def read_file(row: DossierFile) -> bytes | None:
    """The stored bytes of a dossier file, or None when the storage does not have it."""
    if not row.file.name:
        return None
    try:
        with row.file.storage.open(row.file.name, "rb") as handle:
            return bytes(handle.read())
    except (OSError, ValueError):
        return None


def result_state(
    row: DossierFile, *, organisations: set[str] | None = None, cached: bool = False
) -> ResultState:
    """Verify one result document (documents.signing.verification) and sort its valid
    signatures into personal and organisation ones. `cached`: take the verdict remembered for
    the file's hash (dossiers.warehouse_signatures), for what is only shown; the rules (finish,
    return, seal) always verify afresh."""
    # pyHanko is loaded only when a result is verified, not by every import of dossiers.services.
    from motcua.documents.signing.verification import verify_pdf

    from .warehouse_signatures import file_verification

    if cached:
        verification = file_verification(row)
    else:
        data = read_file(row)
        verification = verify_pdf(data) if data is not None else None
    if verification is None:
        return ResultState(row, None, personal=False, organisation=False)
    if organisations is None:
        organisations = organisation_certificates()
    valid = [report for report in verification.signatures if report.valid]
    return ResultState(
        row,
        verification,
        personal=any(r.certificate_sha256 not in organisations for r in valid),
        organisation=any(r.certificate_sha256 in organisations for r in valid),
    )


def _problem(state: ResultState) -> str:
    name = state.file.original_name
    verification = state.verification
    if verification is None:
        return _("The result document “%(name)s” cannot be read.") % {"name": name}
    if not verification.signatures:
        return _("The result document “%(name)s” is not digitally signed.") % {"name": name}
    if not verification.valid:
        return _("The signatures of the result document “%(name)s” do not verify: %(problem)s") % {
            "name": name,
            "problem": verification.problem,
        }
    if not state.personal:
        return _("The result document “%(name)s” lacks the competent person's signature.") % {
            "name": name
        }
    return _("The result document “%(name)s” lacks the organisation's signature (seal).") % {
        "name": name
    }


def check_signed_result(dossier: Dossier) -> list[str]:
    """Why the dossier may not be finished or its result returned online yet: when its
    procedure requires a signed result, at least one result document must verify with every
    signature valid, one of them a person's and one the organisation's. Empty when it may
    (always, when the procedure does not require it)."""
    if not dossier.procedure.result_must_be_signed:
        return []
    rows = list(DossierFile.objects.filter(dossier=dossier, purpose=FilePurpose.RESULT))
    if not rows:
        return [_("This procedure requires a digitally signed result; add the result document.")]
    organisations = organisation_certificates()
    states = [result_state(row, organisations=organisations) for row in rows]
    if any(state.signed for state in states):
        return []
    return [_problem(state) for state in states]


def issued_result_by_sha256(sha256: str) -> DossierFile | None:
    """The result document MotCua issued whose current content has this SHA-256 (hex)."""
    value = sha256.strip().lower()
    if len(value) != 64:
        return None
    return _issued().filter(sha256=value).order_by("-id").first()


def issued_result_by_token(token: str) -> DossierFile | None:
    """The result document the verification link (QR code) `token` names."""
    value = token.strip()
    if not value or len(value) > 43:
        return None
    return _issued().filter(verify_token=value).first()


def _issued() -> QuerySet[DossierFile]:
    return DossierFile.objects.filter(purpose=FilePurpose.RESULT).select_related(
        "dossier__procedure", "dossier__current_agency", "dossier__receiving_agency"
    )


def results_visible_to(dossier: Dossier, user: Any) -> list[DossierFile]:
    """The result documents of a dossier the user already may see: all of them for its
    officials; for the applicant, once the result was returned (as on the portal)."""
    if dossier.status != DossierStatus.RESULT_RETURNED and not _is_official(user):
        return []
    return list(
        DossierFile.objects.filter(dossier=dossier, purpose=FilePurpose.RESULT).order_by(
            "uploaded_at", "id"
        )
    )


def _is_official(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.memberships.exists())
