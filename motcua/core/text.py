"""Text helpers shared by every app: NFC normalisation, the search fold and amounts of đồng."""

import unicodedata


def nfc(value: str) -> str:
    """Vietnamese text is stored NFC-normalised, so NFD input renders and compares the same."""
    return unicodedata.normalize("NFC", value)


def money(amount: int) -> str:
    """An amount of đồng as Vietnamese documents write it, grouped by dots: 1.250.000."""
    return f"{int(amount):,}".replace(",", ".")


def fold(value: str) -> str:
    """Lowercase, strip diacritics, đ/Đ → d, collapse whitespace.

    One function for every backend: stored in `search_text` columns and applied to queries,
    so "Đăng ký kết hôn", "dang ky ket hon" and "DANG KY KET HON" all compare equal.
    """
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


_VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_VIETNAMESE_LETTERS)}
# Tone marks: ngang (none), huyền, sắc, hỏi, ngã, nặng — the conventional dictionary order.
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def vietnamese_sort_key(value: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key in Vietnamese alphabetical order (a ă â b c d đ e ê …), then by tone.

    Databases sort "Đất đai" after "Văn hóa" (code-point order); people expect it after "Dân".
    """
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", value.lower()):
        if char in _TONES:
            tones[-1:] = [_TONES[char]] if tones else []
            continue
        if unicodedata.category(char) == "Mn" and letters:
            base = (
                _VIETNAMESE_LETTERS[letters[-1]] if letters[-1] < len(_VIETNAMESE_LETTERS) else ""
            )
            composed = unicodedata.normalize("NFC", base + char)
            if composed in _LETTER_RANK:
                letters[-1] = _LETTER_RANK[composed]
            continue
        letters.append(_LETTER_RANK.get(char, len(_VIETNAMESE_LETTERS) + ord(char)))
        tones.append(0)
    return tuple(letters), tuple(tones)
