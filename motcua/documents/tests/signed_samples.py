"""Sample PDFs for the verification tests (verify_pdf, the API, the page, pyHanko's CLI).

- genuine: the test PKI's signed e-result (signed_result_pdf: "leader" then "org", PAdES B-LT);
- tampered: the same bytes with one byte of the first signed revision changed;
- outsider / revoked / expired: PAdES B-B signatures (no time stamp, no validation data) by the
  certificate issued by the untrusted CA, the revoked one and the expired one;
- unsigned: a WeasyPrint PDF; damaged: a PDF header and garbage; not_pdf: a text file.
"""

from __future__ import annotations

import time
from io import BytesIO
from typing import Any

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter

from motcua.documents.tests.pki import PASSPHRASE, TestPki

KINDS = ("genuine", "tampered", "outsider", "revoked", "expired", "unsigned", "damaged", "not_pdf")
# Signed samples are made once per session and day of the clock (tests on the frozen clock and
# those on the real one each get files signed on their own clock).
_CACHE: dict[tuple[int, int, str], bytes] = {}


def _day() -> int:
    return int(time.time() // 86400)


def unsigned_pdf() -> bytes:
    from motcua.documents import engine

    html = "<h1>GIẤY CHỨNG NHẬN</h1><p>Mẫu thử để xác thực chữ ký số.</p>"
    return engine.write_pdf(html, base_url="http://127.0.0.1:8000/")


def sign_basic(pdf: bytes, pki: TestPki, label: str, field_name: str = "Signature1") -> bytes:
    """A PAdES B-B signature by `label` (no time stamp, no revocation data, nothing checked)."""
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.pkcs12(label), other_certs=[], passphrase=PASSPHRASE
    )
    assert signer is not None
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    spec = fields.SigFieldSpec(field_name, box=(50, 50, 250, 110))
    out = signers.PdfSigner(meta, signer=signer, new_field_spec=spec).sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf))
    )
    data: bytes = out.getvalue()
    return data


def tamper(pdf: bytes) -> bytes:
    """Change one byte that the first signature covers, keeping the file readable: a letter of
    the document's /Producer (or /Creator) string."""
    for key in (b"/Producer (", b"/Creator (", b"/Title ("):
        at = pdf.find(key)
        if at >= 0:
            at += len(key)
            break
    else:  # pragma: no cover - WeasyPrint always writes /Producer
        raise AssertionError("no text to tamper with")
    changed = bytearray(pdf)
    changed[at] = ord("X") if changed[at] != ord("X") else ord("Y")
    return bytes(changed)


def build(kind: str, pki: TestPki, request: pytest.FixtureRequest) -> bytes:
    if kind in ("genuine", "tampered"):
        key = (id(pki), _day(), "genuine")
        if key not in _CACHE:
            _CACHE[key] = request.getfixturevalue("signed_result_pdf")
        genuine = _CACHE[key]
        return genuine if kind == "genuine" else tamper(genuine)
    if kind in ("outsider", "revoked", "expired"):
        key = (id(pki), _day(), kind)
        if key not in _CACHE:
            _CACHE[key] = sign_basic(unsigned_pdf(), pki, kind)
        return _CACHE[key]
    if kind == "unsigned":
        return unsigned_pdf()
    if kind == "damaged":
        return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nxref garbage"
    assert kind == "not_pdf"
    return "Đây không phải là một tệp PDF.\n".encode()


@pytest.fixture
def sample(trust_store: TestPki, request: pytest.FixtureRequest) -> Any:
    """`sample(kind)` -> the bytes of that kind of file (cached per session where signed)."""
    return lambda kind: build(kind, trust_store, request)
