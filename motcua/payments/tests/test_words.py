"""Amounts in Vietnamese words (payments.words): the accounting usage, case by case, and what
holds for every amount."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.payments.words import amount_in_words

CASES = [
    (0, "Không đồng"),
    (1, "Một đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (99, "Chín mươi chín đồng"),
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (104, "Một trăm linh bốn đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (1_000, "Một nghìn đồng"),
    (1_001, "Một nghìn không trăm linh một đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (1_100, "Một nghìn một trăm đồng"),
    (10_000, "Mười nghìn đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (25_000, "Hai mươi lăm nghìn đồng"),
    (30_000, "Ba mươi nghìn đồng"),
    (50_000, "Năm mươi nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (200_000, "Hai trăm nghìn đồng"),
    (350_500, "Ba trăm năm mươi nghìn năm trăm đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
    (2_500_000, "Hai triệu năm trăm nghìn đồng"),
    (12_345_678, "Mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám đồng"),
    (100_000_000, "Một trăm triệu đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
    (1_200_000_000, "Một tỷ hai trăm triệu đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_001_000_000_000, "Một nghìn không trăm linh một tỷ đồng"),
    (
        987_654_321,
        "Chín trăm tám mươi bảy triệu sáu trăm năm mươi bốn nghìn ba trăm hai mươi mốt đồng",
    ),
]


@pytest.mark.parametrize(("amount", "words"), CASES)
def test_amounts_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(-1)


@given(st.integers(min_value=0, max_value=10**15))
def test_every_amount_reads_well(amount):
    text = amount_in_words(amount)
    assert text and text.strip() == text
    assert "  " not in text
    assert text.endswith(" đồng")
    assert text[0].isupper() and text[1:] == text[1:].lower()
    assert not re.search(r"mươi (một|năm|tư)\b", text)  # mốt, lăm, bốn
    assert not re.search(r"mười năm|linh lăm|linh mốt", text)
    # "không" is read only as the zero hundreds of a group, or for nothing at all
    assert text.lower().count("không") == text.count("không trăm") + (amount == 0)


@given(st.integers(min_value=1, max_value=999))
def test_the_units_are_read_the_same_after_thousands(amount):
    """A group after "nghìn" reads as a whole group: "không trăm" when it is below 100."""
    alone = amount_in_words(amount).removesuffix(" đồng").lower()
    after = amount_in_words(1000 + amount).removesuffix(" đồng")
    expected = alone if amount >= 100 else f"không trăm {'linh ' if amount < 10 else ''}{alone}"
    assert after == f"Một nghìn {expected}"
