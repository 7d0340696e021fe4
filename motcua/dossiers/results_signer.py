"""Who signed last: the signer certificate of a PDF's last embedded signature (the one MotCua
just applied), read with pyHanko, for the record of the signature."""

from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader


def last_signer_certificate(pdf: bytes) -> bytes:
    """The DER of the signer certificate of the last signature in `pdf`."""
    signatures = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures
    if not signatures:
        raise ValueError("the signed PDF has no signature")
    return bytes(signatures[-1].signer_cert.dump())


def has_signatures(pdf: bytes) -> bool:
    """Whether `pdf` already carries a signature (a QR code stamped now would change the pages
    an earlier signer signed)."""
    try:
        return bool(PdfFileReader(BytesIO(pdf)).embedded_signatures)
    except Exception:  # a damaged PDF: the signing itself will say what is wrong
        return False
