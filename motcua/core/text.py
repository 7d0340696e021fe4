"""Text helpers shared by every app: NFC normalisation and the search fold."""

import unicodedata


def nfc(value: str) -> str:
    """Vietnamese text is stored NFC-normalised, so NFD input renders and compares the same."""
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lowercase, strip diacritics, đ/Đ → d, collapse whitespace.

    One function for every backend: stored in `search_text` columns and applied to queries,
    so "Đăng ký kết hôn", "dang ky ket hon" and "DANG KY KET HON" all compare equal.
    """
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())
