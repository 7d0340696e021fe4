"""VietQR payloads (wave2.md §1): the CRC, the published examples byte for byte, a payload decoded
by hand, every refusal, round trips of random payloads, and a rendered code read back by zbarimg."""

import struct
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.payments.vietqr import (
    MAX_AMOUNT,
    InvalidPayload,
    VietQR,
    build_payload,
    crc16_ccitt_false,
    crc_valid,
    note_text,
    parse_payload,
    qr_png,
    qr_svg,
    tlv_decode,
    tlv_encode,
)


@pytest.fixture(autouse=True)
def english(english_pages):
    """The messages are matched in English (the installation's language is Vietnamese)."""


# wave2.md §1.3: W4's published dynamic and static examples (ACB), and the fee-payment style
# examples (Vietcombank, a fictional account).
W4_DYNAMIC = (
    "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
    "5303704540410005802VN62150811Chuyen tien6304BBB8"
)
W4_STATIC = (
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F"
)
FEE_STATIC = (
    "00020101021138570010A00000072701270006970436011300110012345670208QRIBFTTA53037045802VN6304E8DB"
)
FEE_DYNAMIC = (
    "00020101021238570010A00000072701270006970436011300110012345670208QRIBFTTA"
    "53037045405500005802VN62230819LEPHI 000.00.00.H496304D375"
)


def transfer(**changes) -> VietQR:
    """ACB account 257678859, static, no note: the fields the examples share."""
    base = VietQR(
        initiation="static",
        bank_bin="970416",
        account_number="257678859",
        service="QRIBFTTA",
        currency="704",
        amount=None,
        country="VN",
        purpose="",
        reference_label="",
        crc="",
    )
    return replace(base, **changes)


FEE = {"bank_bin": "970436", "account_number": "0011001234567"}
PUBLISHED = [
    (
        W4_DYNAMIC,
        {"bank_bin": "970416", "account_number": "257678859", "amount": 1000},
        "Chuyen tien",
        transfer(initiation="dynamic", amount=1000, purpose="Chuyen tien", crc="BBB8"),
    ),
    (
        W4_STATIC,
        {"bank_bin": "970416", "account_number": "257678859", "amount": None},
        "",
        transfer(crc="AE9F"),
    ),
    (
        FEE_STATIC,
        {**FEE, "amount": None},
        "",
        transfer(**FEE, crc="E8DB"),
    ),
    (
        FEE_DYNAMIC,
        {**FEE, "amount": 50000},
        "LEPHI 000.00.00.H49",
        transfer(
            **FEE, initiation="dynamic", amount=50000, purpose="LEPHI 000.00.00.H49", crc="D375"
        ),
    ),
]


def assemble(fields: list[tuple[str, str]]) -> str:
    """A payload of these top-level fields with a correct CRC after them."""
    body = tlv_encode(fields) + "6304"
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def account(bank_bin: str = "970416", number: str = "257678859", guid: str = "A000000727") -> str:
    return tlv_encode(
        [("00", guid), ("01", tlv_encode([("00", bank_bin), ("01", number)])), ("02", "QRIBFTTA")]
    )


def fields_with(**values: str | None) -> list[tuple[str, str]]:
    """The W4 dynamic example's fields (without the CRC), some replaced (None: left out)."""
    fields: dict[str, str | None] = {
        "00": "01",
        "01": "12",
        "38": account(),
        "53": "704",
        "54": "1000",
        "58": "VN",
        "62": "0811Chuyen tien",
    }
    fields.update({tag.removeprefix("t"): value for tag, value in values.items()})
    return [(tag, value) for tag, value in fields.items() if value is not None]


# -- CRC ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        (b"123456789", 0x29B1),  # the catalogued check value of CRC-16/CCITT-FALSE
        (b"", 0xFFFF),  # the initial value, no final XOR
        (b"A", 0xB915),
    ],
)
def test_crc16_ccitt_false(data, crc):
    assert crc16_ccitt_false(data) == crc


def test_crc_is_always_four_hex_digits():
    """Payloads whose CRC is below 0x1000 keep their leading zeros (W4 pads only one)."""
    low = [
        payload
        for amount in range(1, 3000)
        if (payload := build_payload(bank_bin="970436", account_number="1", amount=amount))[-4]
        == "0"
    ]
    assert low, "some CRC below 0x1000 among 3000 amounts"
    for payload in low:
        assert len(payload.rsplit("6304", 1)[1]) == 4
        assert parse_payload(payload).crc.startswith("0")


# -- the published examples --------------------------------------------------------------------


@pytest.mark.parametrize(("payload", "inputs", "note", "decoded"), PUBLISHED)
def test_published_examples_parse_to_their_decoded_values(payload, inputs, note, decoded):
    assert parse_payload(payload) == decoded
    assert crc_valid(payload)


@pytest.mark.parametrize(("payload", "inputs", "note", "decoded"), PUBLISHED)
def test_build_payload_reproduces_the_published_examples(payload, inputs, note, decoded):
    assert build_payload(**inputs, purpose=note) == payload


def test_a_payload_decoded_by_hand():
    """W4's dynamic example, field by field (wave2.md §1.3)."""
    assert tlv_decode(W4_DYNAMIC) == [
        ("00", "01"),
        ("01", "12"),
        ("38", "0010A0000007270123000697041601092576788590208QRIBFTTA"),
        ("53", "704"),
        ("54", "1000"),
        ("58", "VN"),
        ("62", "0811Chuyen tien"),
        ("63", "BBB8"),
    ]
    assert tlv_decode("0010A0000007270123000697041601092576788590208QRIBFTTA") == [
        ("00", "A000000727"),
        ("01", "00069704160109257678859"),
        ("02", "QRIBFTTA"),
    ]
    assert tlv_decode("00069704160109257678859") == [("00", "970416"), ("01", "257678859")]
    assert tlv_decode("0811Chuyen tien") == [("08", "Chuyen tien")]


def test_reference_label_and_purpose_go_to_62_05_and_62_08():
    payload = build_payload(
        bank_bin="970415",
        account_number="113000012345",
        amount=150000,
        purpose="Lệ phí 000.00.00.H49-261207-0001",
        reference_label="MC7K2QX9PA",
        service="QRIBFTTC",
    )
    fields = dict(tlv_decode(payload))
    assert tlv_decode(fields["62"]) == [("05", "MC7K2QX9PA"), ("08", "Le phi 000.00.00.H49-2612")]
    parsed = parse_payload(payload)
    assert (parsed.service, parsed.reference_label, parsed.amount) == (
        "QRIBFTTC",
        "MC7K2QX9PA",
        150000,
    )


# -- transfer notes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "note"),
    [
        ("Chuyen tien", 25, "Chuyen tien"),
        ("Đăng ký kết hôn", 25, "Dang ky ket hon"),
        ("Lệ phí hồ sơ 000.00.00.H49", 25, "Le phi ho so 000.00.00.H4"),  # 26 → 25 characters
        ("Phí_đăng,ký/hồ  sơ", 25, "Phi dang ky ho so"),  # other signs become spaces
        ("  nộp\tphí \n ", 25, "nop phi"),
        ("Nguyễn Văn Ánh", 25, "Nguyen Van Anh"),
        ("Nguye\u0302\u0303n", 25, "Nguyen"),  # NFD input
        ("abcd efgh", 5, "abcd"),  # no trailing space after the cut
        ("ĐỒNG 😀 ý", 25, "DONG y"),
        ("—", 25, ""),
    ],
)
def test_note_text(text, limit, note):
    assert note_text(text, limit) == note
    assert note_text(note, limit) == note


def test_empty_notes_are_left_out():
    payload = build_payload(
        bank_bin="970416",
        account_number="257678859",
        amount=1000,
        purpose="///",
        reference_label="",
    )
    assert "62" not in dict(tlv_decode(payload))


# -- refusals ----------------------------------------------------------------------------------

PARSE_REFUSALS = [
    ("", "empty"),
    ("00A10101", "bad length"),
    ("00000101", "bad length"),
    ("A0020101", "bad tag"),
    ("000201010", "truncated"),
    (W4_DYNAMIC[:-2], "truncated"),
    (assemble([*fields_with(), ("53", "704")]), "appears twice"),
    (assemble(fields_with(t38=account()[:-3])), "truncated in template 38"),
    (assemble(fields_with(t62="0820Chuyen tien")), "truncated in template 62"),
    (assemble(fields_with(t00=None)), "mandatory tags 00"),
    (assemble(fields_with(t01=None)), "mandatory tags 01"),
    (assemble(fields_with(t38=None)), "mandatory tags 38"),
    (assemble(fields_with(t53=None)), "mandatory tags 53"),
    (assemble(fields_with(t58=None)), "mandatory tags 58"),
    (tlv_encode(fields_with()), "mandatory tags 63"),
    (tlv_encode([*fields_with(t58=None), ("63", "ABCD"), ("58", "VN")]), "last field"),
    (W4_DYNAMIC[:-1] + "9", "does not match"),
    (W4_DYNAMIC[:-4] + "bbb8", "does not match"),
    (W4_DYNAMIC.replace("1000", "9000"), "does not match"),
    (assemble(fields_with(t00="02")), "payload format"),
    (assemble(fields_with(t01="13")), "point of initiation"),
    (assemble(fields_with(t38=account(guid="A000000775"))), "not a NAPAS account"),
    (assemble(fields_with(t38=tlv_encode([("00", "A000000727")]))), "lacks the beneficiary"),
    (assemble(fields_with(t38=account(bank_bin="97041"))), "BIN"),
    (assemble(fields_with(t38=account(number="1" * 20))), "account number"),
    (assemble(fields_with(t38=account(number="25767-8859"))), "account number"),
    (assemble(fields_with(t53="VND")), "currency"),
    (assemble(fields_with(t58="vn")), "country"),
    (assemble(fields_with(t54="1000.5")), "amount"),
    (assemble(fields_with(t54="1e5")), "amount"),
    (assemble(fields_with(t54="-1000")), "amount"),
    (assemble(fields_with(t54="0")), "amount"),
    (assemble(fields_with(t54="01000")), "amount"),
]


@pytest.mark.parametrize(("payload", "reason"), PARSE_REFUSALS)
def test_parse_payload_refuses(payload, reason):
    with pytest.raises(InvalidPayload, match=reason):
        parse_payload(payload)


def test_invalid_payload_is_a_value_error():
    assert issubclass(InvalidPayload, ValueError)


BUILD: dict[str, Any] = {"bank_bin": "970416", "account_number": "257678859", "amount": 1000}
BUILD_REFUSALS = [
    ({"bank_bin": "97041"}, "BIN"),
    ({"bank_bin": "97041A"}, "BIN"),
    ({"bank_bin": 970416}, "BIN"),
    ({"account_number": ""}, "account number"),
    ({"account_number": "1" * 20}, "account number"),
    ({"account_number": "2576-78859"}, "account number"),
    ({"account_number": "số123"}, "account number"),
    ({"amount": 0}, "amount"),
    ({"amount": -1000}, "amount"),
    ({"amount": MAX_AMOUNT + 1}, "amount"),
    ({"amount": 1000.0}, "amount"),
    ({"amount": True}, "amount"),
    ({"service": "QRPUSH"}, "service"),
]


@pytest.mark.parametrize(("changes", "reason"), BUILD_REFUSALS)
def test_build_payload_refuses(changes, reason):
    with pytest.raises(ValueError, match=reason):
        build_payload(**{**BUILD, **changes})


def test_the_largest_amount_fits_thirteen_digits():
    payload = build_payload(**{**BUILD, "amount": MAX_AMOUNT})
    assert dict(tlv_decode(payload))["54"] == "9999999999999"
    assert parse_payload(payload).amount == MAX_AMOUNT


# -- properties --------------------------------------------------------------------------------

bins = st.from_regex(r"[0-9]{6}", fullmatch=True)
accounts = st.from_regex(r"[A-Za-z0-9]{1,19}", fullmatch=True)
amounts = st.none() | st.integers(min_value=1, max_value=MAX_AMOUNT)
notes = st.text(max_size=40)
payloads = st.builds(
    lambda bank_bin, account_number, amount, purpose, label, service: build_payload(
        bank_bin=bank_bin,
        account_number=account_number,
        amount=amount,
        purpose=purpose,
        reference_label=label,
        service=service,
    ),
    bins,
    accounts,
    amounts,
    notes,
    notes,
    st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(bank_bin=bins, account_number=accounts, amount=amounts, purpose=notes, label=notes)
def test_parse_gives_back_what_was_built(bank_bin, account_number, amount, purpose, label):
    payload = build_payload(
        bank_bin=bank_bin,
        account_number=account_number,
        amount=amount,
        purpose=purpose,
        reference_label=label,
    )
    assert payload.isascii() and crc_valid(payload)
    assert parse_payload(payload) == VietQR(
        initiation="static" if amount is None else "dynamic",
        bank_bin=bank_bin,
        account_number=account_number,
        service="QRIBFTTA",
        currency="704",
        amount=amount,
        country="VN",
        purpose=note_text(purpose),
        reference_label=note_text(label),
        crc=payload[-4:],
    )


@hypothesis_settings(max_examples=500, deadline=None)
@given(payload=payloads, data=st.data())
def test_any_one_character_change_breaks_the_crc(payload, data):
    position = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    char = data.draw(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(
            lambda c: c != payload[position]
        )
    )
    damaged = payload[:position] + char + payload[position + 1 :]
    assert not crc_valid(damaged)
    with pytest.raises(InvalidPayload):
        parse_payload(damaged)


# -- the QR image ------------------------------------------------------------------------------


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("amount", [None, 250000])
def test_a_rendered_code_reads_back_as_the_payload(tmp_path, amount):
    """What a bank app's camera reads: the PNG decoded by zbarimg."""
    payload = build_payload(
        bank_bin="970418",
        account_number="21510001234567",
        amount=amount,
        purpose="000.00.00.H49-261207-0001",
        reference_label="MC7K2QX9PA",
    )
    assert "000.00.00.H49-261207-0001" in payload
    image = tmp_path / "vietqr.png"
    image.write_bytes(qr_png(payload))
    found = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True
    )
    assert found.stdout.rstrip("\n") == payload
    assert parse_payload(found.stdout.rstrip("\n")).purpose == "000.00.00.H49-261207-0001"


def test_png_scale_and_quiet_zone():
    import segno

    payload = FEE_DYNAMIC
    modules = segno.make(payload, error="m", boost_error=False, micro=False).symbol_size(border=4)
    assert png_size(qr_png(payload)) == (modules[0] * 6, modules[1] * 6)
    assert png_size(qr_png(payload, scale=2)) == (modules[0] * 2, modules[1] * 2)
    with pytest.raises(ValueError, match="scale"):
        qr_png(payload, scale=0)


def test_svg_is_level_m_with_a_quiet_zone_and_no_text_in_the_markup():
    import segno

    code = segno.make(FEE_DYNAMIC, error="m", boost_error=False, micro=False)
    assert code.error == "M"
    size = code.symbol_size(border=4)[0]
    svg = qr_svg(FEE_DYNAMIC)
    root = ET.fromstring(svg)  # noqa: S314 (our own markup, in a test)
    assert root.attrib["viewBox"] == f"0 0 {size} {size}"
    assert "LEPHI" not in svg and not svg.startswith("<?xml")
