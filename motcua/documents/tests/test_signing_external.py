"""PKCS#11 (a real SoftHSM2 token) and interrupted signing (hash out, signature value back)."""

import io
import json

import pytest
from asn1crypto import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature

from motcua.documents import engine
from motcua.documents.signing.appearance import Appearance
from motcua.documents.signing.backends import Pkcs11Backend, SigningFailed
from motcua.documents.signing.pades import finish_external, prepare_external, sign_pdf
from motcua.documents.signing.sample_images import signature_png

pytestmark = pytest.mark.usefixtures("english")  # they match the English messages

LEADER = Appearance(
    purpose="personal",
    signer_name="Nguyễn Văn An",
    title="GIÁM ĐỐC",
    image_png=signature_png("Nguyễn Văn An"),
)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return engine.write_pdf("<h1>GIẤY PHÉP</h1>", base_url="http://127.0.0.1:8000/")


def _assert_b_lt(pki, signed: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    vc = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {
            "trust_roots": [x509.Certificate.load(pki.root_der)],
            "allow_fetching": False,
            "revocation_mode": "require",
        }
    )
    status = validate_pdf_signature(reader.embedded_signatures[-1], vc, vc)
    assert status.bottom_line, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert status.signing_cert.subject.native["common_name"] == "Nguyễn Văn An"


def _token(softhsm_token, *, pin: str | None = None) -> Pkcs11Backend:
    return Pkcs11Backend(
        module_path=softhsm_token.module_path,
        token_label=softhsm_token.token_label,
        pin=pin or softhsm_token.pin,
        key_label=softhsm_token.key_label,
        cert_label=softhsm_token.cert_label,
    )


def test_pkcs11_token_signs_b_lt(trust_store, softhsm_token, pdf):
    signed = sign_pdf(
        pdf, backend=_token(softhsm_token), appearance=LEADER, field_name="Signature1"
    )
    _assert_b_lt(trust_store, signed)


def test_pkcs11_wrong_pin_is_refused(trust_store, softhsm_token, pdf):
    with pytest.raises(SigningFailed, match="PIN"):
        sign_pdf(
            pdf,
            backend=_token(softhsm_token, pin="9999"),
            appearance=LEADER,
            field_name="Signature1",
        )


def test_pkcs11_missing_token_is_refused(trust_store, softhsm_token, pdf):
    backend = Pkcs11Backend(
        module_path=softhsm_token.module_path,
        token_label="no-such-token",
        pin="1234",
        key_label="leader",
    )
    with pytest.raises(SigningFailed, match="not connected"):
        sign_pdf(pdf, backend=backend, appearance=LEADER, field_name="Signature1")


def _prepare(pki, pdf):
    return prepare_external(
        pdf,
        certificate_der=pki.cert_der("leader"),
        chain_der=pki.chain_der("leader"),
        appearance=LEADER,
        field_name="Signature1",
        qr_url="https://motcua.example.vn/xac-thuc/t0k3n/",
    )


def test_interrupted_signing_finishes_into_a_b_lt_signature(trust_store, pdf):
    prepared = _prepare(trust_store, pdf)
    state = json.loads(prepared.state)  # plain JSON, no pickle
    assert state["v"] == 1
    # the outside signer (a phone app, a remote service) signs the signed attributes
    value = trust_store.private_key("leader").sign(
        prepared.to_be_signed, padding.PKCS1v15(), hashes.SHA256()
    )
    signed = finish_external(prepared.state, value)
    _assert_b_lt(trust_store, signed)


def test_interrupted_signing_refuses_a_wrong_signature_value(trust_store, pdf):
    prepared = _prepare(trust_store, pdf)
    wrong_key = trust_store.private_key("leader2")
    value = wrong_key.sign(prepared.to_be_signed, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(SigningFailed, match="does not match"):
        finish_external(prepared.state, value)
    with pytest.raises(SigningFailed, match="prepare the document again"):
        finish_external(b"{not json", value)
