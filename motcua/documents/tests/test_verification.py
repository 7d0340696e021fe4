"""verify_pdf over real files: the test PKI's signed e-result, tampered, untrusted, revoked and
expired signatures, an unsigned PDF, a damaged one and a file that is no PDF at all."""

import hashlib
from dataclasses import dataclass

import pytest
from django.utils import translation

from motcua.documents.signing.verification import verify_pdf
from motcua.documents.tests.signed_samples import sample  # noqa: F401 - fixture


@dataclass(frozen=True)
class Expected:
    valid: bool
    problem: str  # English msgid (the test runs in English)
    is_pdf: bool = True
    signatures: int = 1
    intact: bool = True
    trusted: bool = False
    revocation_checked: bool | None = None  # None: not asserted
    timestamped: bool = False


NO_TRUST = "The signer's certificate was not issued by a trusted certification authority."
CASES = {
    "genuine": Expected(
        True, "", signatures=2, trusted=True, revocation_checked=True, timestamped=True
    ),
    "tampered": Expected(
        False,
        "The document was changed after it was signed.",
        signatures=2,
        intact=False,
        trusted=True,  # the certificate is fine, the document is not
        timestamped=True,  # the time stamp covers the signature value, which is untouched
    ),
    "outsider": Expected(False, NO_TRUST),
    "revoked": Expected(
        False, "The signer's certificate has been revoked.", revocation_checked=True
    ),
    "expired": Expected(
        False, "The signer's certificate had expired when the document was signed."
    ),
    "unsigned": Expected(False, "The document has no digital signature.", signatures=0),
    "damaged": Expected(False, "The PDF file is damaged and cannot be read.", signatures=0),
    "not_pdf": Expected(False, "This file is not a PDF document.", is_pdf=False, signatures=0),
}


@pytest.mark.parametrize("kind", CASES)
def test_verify_pdf(kind, sample):  # noqa: F811
    data = sample(kind)
    expected = CASES[kind]
    with translation.override("en"):
        result = verify_pdf(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert (result.is_pdf, result.valid, result.problem) == (
        expected.is_pdf,
        expected.valid,
        expected.problem,
    )
    assert len(result.signatures) == expected.signatures
    first = result.signatures[0] if result.signatures else None
    if first is None:
        return
    assert first.intact is expected.intact
    assert first.trusted is expected.trusted
    assert first.timestamped is expected.timestamped
    if expected.revocation_checked is not None:
        assert first.revocation_checked is expected.revocation_checked
    assert first.signed_at is not None
    assert len(first.certificate_sha256) == 64
    if expected.valid:
        assert all(s.valid and s.problem == "" for s in result.signatures)
    else:
        assert not first.valid and first.problem == expected.problem


def test_genuine_result_names_both_signers(sample, test_pki):  # noqa: F811
    result = verify_pdf(sample("genuine"))
    leader, org = result.signatures
    assert (leader.signer, leader.organisation) == ("Nguyễn Văn An", "Sở Tư pháp tỉnh Thái Nguyên")
    assert (org.signer, org.organisation) == ("Sở Tư pháp tỉnh Thái Nguyên",) * 2
    assert org.certificate_sha256 == hashlib.sha256(test_pki.cert_der("org")).hexdigest()
    # The personal signature is followed by the seal: only the seal covers the whole file.
    assert (leader.covers_whole_file, org.covers_whole_file) == (False, True)
    assert leader.signed_at <= org.signed_at


def test_bytes_appended_after_the_last_signature(sample):  # noqa: F811
    """An incremental update after the seal (a new, unsigned revision) is reported."""
    from io import BytesIO

    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(sample("genuine")))
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    with translation.override("en"):
        result = verify_pdf(out.getvalue())
    assert result.valid is False
    assert result.problem in {
        "The document was changed after the last signature.",
        "The document was changed after it was signed.",
    }


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-", b"%PDF-1.7\n" + b"\x00" * 5000, b"\xff" * 100, b"%PDF-1.4\ntrailer<<>>\n%%EOF"],
)
def test_never_raises_on_bad_input(db, data):
    result = verify_pdf(data)
    assert result.valid is False and result.problem
