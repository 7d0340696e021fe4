import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold, nfc, vietnamese_sort_key


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Đăng ký kết hôn", "dang ky ket hon"),
        ("DANG KY KET HON", "dang ky ket hon"),
        ("đăng   ký\tkhai sinh ", "dang ky khai sinh"),
        ("Giấy phép xây dựng", "giay phep xay dung"),
        ("ĐỔI giấy phép lái xe", "doi giay phep lai xe"),
        ("Lý lịch tư pháp", "ly lich tu phap"),
        ("Chứng thực bản sao 1.001193", "chung thuc ban sao 1.001193"),
        ("", ""),
    ],
)
def test_fold_table(raw, folded):
    assert fold(raw) == folded


def test_fold_treats_nfd_input_like_nfc():
    text = "Nguyễn Thị Đào đăng ký thường trú"
    assert (
        fold(unicodedata.normalize("NFD", text))
        == fold(text)
        == "nguyen thi dao dang ky thuong tru"
    )


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_leaves_no_marks_no_d_stroke_no_uppercase_vietnamese(text):
    folded = fold(text)
    assert "đ" not in folded and "Đ" not in folded
    assert not any(unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFD", folded))


@given(st.text())
def test_fold_is_blind_to_normal_form(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_nfc_composes_vietnamese():
    assert nfc(unicodedata.normalize("NFD", "Hộ tịch")) == unicodedata.normalize("NFC", "Hộ tịch")


def test_vietnamese_alphabetical_order():
    names = [
        "Đường bộ",
        "Văn hóa",
        "Đất đai",
        "Dân tộc",
        "Ăn uống",
        "An ninh",
        "Âm nhạc",
        "Chứng thực",
        "Ơn",
        "Ông",
        "Hộ tịch",
        "Hỏi",
        "Hoa",
        "Hòa",
        "Hóa",
        "Hõa",
        "Họa",
        "Hủy",
    ]
    assert sorted(names, key=vietnamese_sort_key) == [
        "An ninh",
        "Ăn uống",
        "Âm nhạc",
        "Chứng thực",
        "Dân tộc",
        "Đất đai",
        "Đường bộ",
        "Hoa",
        "Hòa",
        "Hóa",
        "Hõa",
        "Họa",
        "Hỏi",
        "Hộ tịch",
        "Hủy",
        "Ông",
        "Ơn",
        "Văn hóa",
    ]


@given(st.text())
def test_sort_key_is_blind_to_normal_form(text):
    nfd = unicodedata.normalize("NFD", text)
    assert vietnamese_sort_key(nfd) == vietnamese_sort_key(unicodedata.normalize("NFC", text))
