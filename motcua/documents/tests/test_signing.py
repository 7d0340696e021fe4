"""Signing PDFs with a PKCS#12 file: PAdES B-LT against the test PKI's real OCSP, CRL and TSA."""

import io

import pytest
from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.documents import engine
from motcua.documents.signing.appearance import (
    Appearance,
)
from motcua.documents.signing.backends import Pkcs12Backend, SigningFailed
from motcua.documents.signing.pades import sign_pdf
from motcua.documents.signing.sample_images import seal_png, signature_png
from motcua.documents.tests.pdf_tools import pdf_text, save_png

pytestmark = pytest.mark.usefixtures("english")  # they match the English messages

LEADER = Appearance(
    purpose="personal",
    signer_name="Nguyễn Văn An",
    title="GIÁM ĐỐC",
    image_png=signature_png("Nguyễn Văn An"),
)
ORG = Appearance(
    purpose="organisation",
    signer_name="Sở Tư pháp tỉnh Thái Nguyên",
    number_notation="125/QĐ-STP",
    image_png=seal_png("Sở Tư pháp", "Tỉnh Thái Nguyên"),
)


@pytest.fixture(scope="module")
def decision_pdf() -> bytes:
    return engine.write_pdf(
        "<h1>QUYẾT ĐỊNH</h1><p>Về việc cấp phiếu lý lịch tư pháp cho ông Trần Văn Bình.</p>",
        base_url="http://127.0.0.1:8000/",
    )


def _backend(pki, label: str, passphrase: bytes = b"1234") -> Pkcs12Backend:
    return Pkcs12Backend(pki.pkcs12(label), passphrase)


def _signatures(pdf: bytes):
    return PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures


def _check_lt(pki, pdf: bytes, index: int) -> None:
    """Valid with nothing but the trust root and what the file embeds (no fetching, revocation
    data required for every certificate): PAdES B-LT, time-stamped."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    vc = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {
            "trust_roots": [x509.Certificate.load(pki.root_der)],
            "allow_fetching": False,
            "revocation_mode": "require",
        }
    )
    status = validate_pdf_signature(reader.embedded_signatures[index], vc, vc)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.bottom_line, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.valid


def test_pkcs12_signature_is_pades_b_lt_and_trusted(trust_store, decision_pdf):
    signed = sign_pdf(
        decision_pdf,
        backend=_backend(trust_store, "leader"),
        appearance=LEADER,
        field_name="Signature1",
        reason="Phê duyệt kết quả",
        location="Thái Nguyên",
    )
    (signature,) = _signatures(signed)
    vc = ValidationContext(
        trust_roots=[x509.Certificate.load(trust_store.root_der)], allow_fetching=True
    )
    status = validate_pdf_signature(signature, vc)
    assert status.bottom_line, status.pretty_print_details()
    assert status.signer_reported_dt is not None
    assert status.signing_cert.subject.native["common_name"] == "Nguyễn Văn An"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    dss = PdfFileReader(io.BytesIO(signed), strict=False).root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1 and len(dss["/Certs"]) >= 2
    _check_lt(trust_store, signed, 0)
    text = pdf_text(signed)
    assert "GIÁM ĐỐC" in text and "Nguyễn Văn An" in text


def test_leader_then_organisation_both_stay_valid(trust_store, decision_pdf):
    once = sign_pdf(
        decision_pdf,
        backend=_backend(trust_store, "leader"),
        appearance=LEADER,
        field_name="Signature1",
        qr_url="https://motcua.example.vn/xac-thuc/abc123/",
    )
    twice = sign_pdf(
        once,
        backend=_backend(trust_store, "org"),
        appearance=ORG,
        field_name="Signature2",
    )
    assert twice.startswith(once)  # an incremental update
    _first, second = _signatures(twice)
    _check_lt(trust_store, twice, 0)
    _check_lt(trust_store, twice, 1)
    assert second.field_name == "Signature2"
    text = pdf_text(twice)
    assert "Sở Tư pháp tỉnh Thái Nguyên" in text and "125/QĐ-STP" in text
    assert "+07:00" in text


def test_signed_result_fixture_has_two_valid_signatures(signed_result_pdf, trust_store):
    signatures = _signatures(signed_result_pdf)
    assert [s.field_name for s in signatures] == ["Signature1", "Signature2"]
    for index in range(2):
        _check_lt(trust_store, signed_result_pdf, index)


def test_wrong_passphrase_is_refused(trust_store, decision_pdf):
    with pytest.raises(SigningFailed, match="PIN"):
        sign_pdf(
            decision_pdf,
            backend=_backend(trust_store, "leader", b"0000"),
            appearance=LEADER,
            field_name="Signature1",
        )


def test_no_trusted_time_source_is_refused(trust_store, decision_pdf, settings):
    settings.MOTCUA_TSA_URL = ""
    with pytest.raises(SigningFailed, match="time") as failure:
        sign_pdf(
            decision_pdf,
            backend=_backend(trust_store, "leader"),
            appearance=LEADER,
            field_name="Signature1",
        )
    assert failure.value.code == "signing_failed"


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("revoked", "revoked"),
        ("expired", "expired"),
        ("outsider", "not issued by a trusted"),
    ],
)
def test_untrustworthy_certificates_are_refused(trust_store, decision_pdf, label, reason):
    with pytest.raises(SigningFailed, match=reason):
        sign_pdf(
            decision_pdf,
            backend=_backend(trust_store, label),
            appearance=LEADER,
            field_name="Signature1",
        )


def test_not_a_pdf_is_refused(trust_store):
    with pytest.raises(SigningFailed, match="PDF"):
        sign_pdf(
            b"not a pdf",
            backend=_backend(trust_store, "leader"),
            appearance=LEADER,
            field_name="Signature1",
        )


def test_appearance_draws_blue_signature_and_red_seal_where_decree_30_puts_them(
    trust_store, decision_pdf
):
    """The rendered page: blue strokes in the personal block, red seal to its left, overlapping."""
    from PIL import Image

    once = sign_pdf(
        decision_pdf,
        backend=_backend(trust_store, "leader"),
        appearance=LEADER,
        field_name="Signature1",
        qr_url="https://motcua.example.vn/xac-thuc/abc123/",
    )
    twice = sign_pdf(
        once, backend=_backend(trust_store, "org"), appearance=ORG, field_name="Signature2"
    )
    png = save_png(twice, "signed-result", dpi=80)
    image = Image.open(png).convert("RGB")
    width, height = image.size
    scale = width / 595  # points to pixels (A4)
    blue, red = [], []
    for x in range(0, width, 2):
        for y in range(height // 2, height, 2):
            r, g, b = image.getpixel((x, y))
            if b > 120 and r < 90 and g < 110:
                blue.append(x / scale)
            elif r > 150 and g < 90 and b < 90:
                red.append(x / scale)
    assert blue and red
    personal_left = 595 - 57 - 200
    assert min(blue) > personal_left  # the signature stays in the signature block
    assert min(red) < personal_left < max(red)  # the seal sits left, over the block's edge
    assert max(red) > min(blue)  # and covers the start of the signature
