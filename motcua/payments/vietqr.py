"""VietQR payloads: build, parse and draw the QR code a payer scans to pre-fill a bank transfer.

VietQR is NAPAS's profile of the EMVCo Merchant-Presented Mode QR ("Technical Specifications on
NAPAS QR Switching, Part IV: QR Code Format", v1.5.2; wave2.md §1). A payload is a string of
TLV fields: a 2-digit tag, a 2-digit length (a count of characters) and the value. Templates
38 (the NAPAS account) and 62 (additional data) hold TLV fields of their own, and so does
38's sub-field 01 (bank BIN and account number). The payload ends with tag 63, a CRC-16/CCITT-
FALSE over everything before its 4 hex digits, "6304" included (wave2.md §1.4).

Only the bank transfer services are built here (QRIBFTTA to an account, QRIBFTTC to a card,
wave2.md §1.2): a static code (initiation 11, the payer types the amount) or a dynamic one
(initiation 12, one payment of a given amount). The transfer note (62/08) and the reference
label (62/05) are cut to plain ASCII, since banks' apps differ on non-ASCII text (§1.4).

A VietQR code only pre-fills a transfer; matching the money to a dossier is done from the
bank's statement or notification with the reference put in the note (§1.5).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = [
    "NAPAS_GUID",
    "SERVICES",
    "InvalidPayload",
    "VietQR",
    "build_payload",
    "crc16_ccitt_false",
    "crc_valid",
    "note_text",
    "parse_payload",
    "qr_png",
    "qr_svg",
    "tlv_decode",
    "tlv_encode",
]

#: Application identifier of NAPAS in template 38, sub-field 00 (wave2.md §1.2).
NAPAS_GUID = "A000000727"
#: Bank transfer service codes (38/02): to an account, to a card (wave2.md §1.2).
SERVICES = frozenset({"QRIBFTTA", "QRIBFTTC"})
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
STATIC, DYNAMIC = "11", "12"
MAX_AMOUNT = 9_999_999_999_999  # tag 54 holds at most 13 characters (wave2.md §1.2)
NOTE_LIMIT = 25  # every sub-field of template 62 (wave2.md §1.2)

MANDATORY_TAGS = ("00", "01", "38", "53", "58", "63")
_CRC_TAG = "6304"
_BIN_RE = re.compile(r"[0-9]{6}")
_ACCOUNT_RE = re.compile(r"[A-Za-z0-9]{1,19}")
_AMOUNT_RE = re.compile(r"[1-9][0-9]{0,12}")
_CRC_RE = re.compile(r"[0-9A-F]{4}")
_NOT_NOTE_RE = re.compile(r"[^A-Za-z0-9 .-]")


class InvalidPayload(ValueError):
    """The text is not a well-formed VietQR payload; the message says why (translated)."""


@dataclass(frozen=True)
class VietQR:
    """The fields of a VietQR bank transfer payload, as parse_payload reads them."""

    initiation: str  # "static" (11) or "dynamic" (12)
    bank_bin: str
    account_number: str
    service: str  # "" when 38/02 is absent
    currency: str
    amount: int | None
    country: str
    purpose: str  # 62/08, the transfer note
    reference_label: str  # 62/05
    crc: str


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final
    XOR (wave2.md §1.4). The check value of b"123456789" is 0x29B1."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _crc_hex(text: str) -> str:
    """The CRC of `text` (UTF-8, as the public implementations do) as 4 upper-case hex digits,
    always padded to 4 (wave2.md §1.4)."""
    return f"{crc16_ccitt_false(text.encode('utf-8')):04X}"


def crc_valid(payload: str) -> bool:
    """Whether the payload ends with "6304" and the CRC of everything before its last 4
    characters."""
    body, crc = payload[:-4], payload[-4:]
    return body.endswith(_CRC_TAG) and _CRC_RE.fullmatch(crc) is not None and _crc_hex(body) == crc


def tlv_encode(fields: Iterable[tuple[str, str]]) -> str:
    """The fields as one TLV string: each tag (2 digits), its length (2 digits, characters)
    and its value, in the order given."""
    parts = []
    for tag, value in fields:
        if not re.fullmatch(r"[0-9]{2}", tag):
            raise ValueError(_("A VietQR tag must be two digits, not “%(tag)s”.") % {"tag": tag})
        if not 0 < len(value) <= 99:
            raise ValueError(
                _("The value of VietQR tag %(tag)s must have 1 to 99 characters.") % {"tag": tag}
            )
        parts.append(f"{tag}{len(value):02d}{value}")
    return "".join(parts)


def tlv_decode(text: str, *, where: str = "") -> list[tuple[str, str]]:
    """The TLV fields of `text` as (tag, value) pairs, in order. `where` names the template
    being read in error messages ("" for the payload itself)."""
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4:
            raise InvalidPayload(_truncated(where))
        tag, length = header[:2], header[2:]
        if not tag.isascii() or not tag.isdigit():
            raise InvalidPayload(
                _("The VietQR payload has a bad tag “%(tag)s”%(where)s.")
                % {"tag": tag, "where": _in(where)}
            )
        if not length.isascii() or not length.isdigit() or length == "00":
            raise InvalidPayload(
                _("VietQR tag %(tag)s has a bad length “%(length)s”%(where)s.")
                % {"tag": tag, "length": length, "where": _in(where)}
            )
        end = position + 4 + int(length)
        if end > len(text):
            raise InvalidPayload(_truncated(where))
        if any(seen == tag for seen, _value in fields):
            raise InvalidPayload(
                _("VietQR tag %(tag)s appears twice%(where)s.") % {"tag": tag, "where": _in(where)}
            )
        fields.append((tag, text[position + 4 : end]))
        position = end
    return fields


def _in(where: str) -> str:
    return _(" in template %(template)s") % {"template": where} if where else ""


def _truncated(where: str) -> str:
    return _("The VietQR payload is truncated%(where)s.") % {"where": _in(where)}


def note_text(text: str, limit: int = NOTE_LIMIT) -> str:
    """`text` as a transfer note every bank's app keeps as it is: diacritics stripped (đ → d),
    only letters, digits, spaces, "." and "-" (anything else becomes a space), spaces collapsed,
    cut to `limit` characters (wave2.md §1.4). Case is kept. note_text(note_text(x)) ==
    note_text(x)."""
    value = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    plain = " ".join(_NOT_NOTE_RE.sub(" ", stripped).split())
    return plain[:limit].rstrip()


def build_payload(
    *,
    bank_bin: str,
    account_number: str,
    amount: int | None,
    purpose: str = "",
    reference_label: str = "",
    service: str = "QRIBFTTA",
) -> str:
    """The VietQR payload of a transfer to `account_number` at the bank `bank_bin`.

    With an amount (integer VND) the code is dynamic (initiation 12, tag 54); without, static
    (11). `purpose` goes to 62/08 and `reference_label` to 62/05, both through note_text and
    left out when empty. Raises ValueError on a bad BIN, account number, amount or service.
    """
    if not isinstance(bank_bin, str) or not _BIN_RE.fullmatch(bank_bin):
        raise ValueError(_("A bank BIN has exactly 6 digits."))
    if not isinstance(account_number, str) or not _ACCOUNT_RE.fullmatch(account_number):
        raise ValueError(_("An account number has 1 to 19 letters or digits."))
    if amount is not None and (
        not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT
    ):
        raise ValueError(
            _("The amount must be a whole number of dong from 1 to %(max)s.") % {"max": MAX_AMOUNT}
        )
    if service not in SERVICES:
        raise ValueError(
            _("The VietQR service must be one of %(services)s.")
            % {"services": ", ".join(sorted(SERVICES))}
        )
    beneficiary = tlv_encode([("00", bank_bin), ("01", account_number)])
    account = tlv_encode([("00", NAPAS_GUID), ("01", beneficiary), ("02", service)])
    notes = [
        (tag, note)
        for tag, note in (("05", note_text(reference_label)), ("08", note_text(purpose)))
        if note
    ]
    fields = [
        ("00", "01"),
        ("01", STATIC if amount is None else DYNAMIC),
        ("38", account),
        ("53", CURRENCY_VND),
    ]
    if amount is not None:
        fields.append(("54", str(amount)))
    fields.append(("58", COUNTRY_VN))
    if notes:
        fields.append(("62", tlv_encode(notes)))
    body = tlv_encode(fields) + _CRC_TAG
    return body + _crc_hex(body)


def parse_payload(payload: str) -> VietQR:
    """The fields of a VietQR bank transfer payload, after checking its form and its CRC.

    Raises InvalidPayload (a ValueError) with a translated message saying what is wrong.
    """
    if not isinstance(payload, str) or not payload:
        raise InvalidPayload(_("The VietQR payload is empty."))
    fields = dict(tlv_decode(payload))
    missing = [tag for tag in MANDATORY_TAGS if tag not in fields]
    if missing:
        raise InvalidPayload(
            _("The VietQR payload lacks the mandatory tags %(tags)s.")
            % {"tags": ", ".join(missing)}
        )
    crc = fields["63"]
    if not payload.endswith(_CRC_TAG + crc) or len(crc) != 4:
        raise InvalidPayload(_("The VietQR CRC (tag 63) must be the last field, 4 characters."))
    if not crc_valid(payload):
        raise InvalidPayload(_("The VietQR CRC does not match: the payload is damaged."))
    if fields["00"] != "01":
        raise InvalidPayload(
            _("Unknown VietQR payload format “%(value)s”.") % {"value": fields["00"]}
        )
    initiation = {STATIC: "static", DYNAMIC: "dynamic"}.get(fields["01"])
    if initiation is None:
        raise InvalidPayload(
            _("Unknown VietQR point of initiation “%(value)s”.") % {"value": fields["01"]}
        )
    bank_bin, account_number, service = _parse_account(fields["38"])
    currency, country = fields["53"], fields["58"]
    if not re.fullmatch(r"[0-9]{3}", currency):
        raise InvalidPayload(
            _("The VietQR currency “%(value)s” is not a 3-digit code.") % {"value": currency}
        )
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidPayload(
            _("The VietQR country “%(value)s” is not a 2-letter code.") % {"value": country}
        )
    amount = None
    if "54" in fields:
        if not _AMOUNT_RE.fullmatch(fields["54"]):
            raise InvalidPayload(
                _("The VietQR amount “%(value)s” is not a whole number of dong.")
                % {"value": fields["54"]}
            )
        amount = int(fields["54"])
    extra = dict(tlv_decode(fields["62"], where="62")) if "62" in fields else {}
    return VietQR(
        initiation=initiation,
        bank_bin=bank_bin,
        account_number=account_number,
        service=service,
        currency=currency,
        amount=amount,
        country=country,
        purpose=extra.get("08", ""),
        reference_label=extra.get("05", ""),
        crc=crc,
    )


def _parse_account(value: str) -> tuple[str, str, str]:
    """Template 38: the NAPAS GUID, the beneficiary (BIN, account) and the service code."""
    account = dict(tlv_decode(value, where="38"))
    if account.get("00") != NAPAS_GUID:
        raise InvalidPayload(
            _("Template 38 is not a NAPAS account (GUID %(guid)s expected).") % {"guid": NAPAS_GUID}
        )
    if "01" not in account:
        raise InvalidPayload(_("Template 38 lacks the beneficiary (sub-field 01)."))
    beneficiary = dict(tlv_decode(account["01"], where="38/01"))
    bank_bin, account_number = beneficiary.get("00", ""), beneficiary.get("01", "")
    if not _BIN_RE.fullmatch(bank_bin):
        raise InvalidPayload(
            _("The VietQR bank BIN “%(value)s” is not 6 digits.") % {"value": bank_bin}
        )
    if not _ACCOUNT_RE.fullmatch(account_number):
        raise InvalidPayload(
            _("The VietQR account number “%(value)s” is not 1 to 19 letters or digits.")
            % {"value": account_number}
        )
    return bank_bin, account_number, account.get("02", "")


def _qr(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", boost_error=False, micro=False)


def qr_png(payload: str, *, scale: int = 6) -> bytes:
    """The payload as a QR code PNG (error correction M, quiet zone of 4 modules), each module
    `scale` pixels wide."""
    if not isinstance(scale, int) or isinstance(scale, bool) or scale < 1:
        raise ValueError(_("The QR code scale must be a whole number of at least 1."))
    out = io.BytesIO()
    _qr(payload).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(payload: str) -> SafeString:
    """The payload as a QR code `<svg>` element (error correction M, quiet zone of 4 modules,
    a viewBox and no fixed size) to put in a template as it is. The payload is encoded only in
    the modules' path, never written into the markup."""
    out = io.BytesIO()
    _qr(payload).save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True, border=4)
    return mark_safe(out.getvalue().decode("ascii"))  # noqa: S308 (segno's markup, no input text)
