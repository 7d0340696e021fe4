"""Vietnamese phone numbers, typed any common way, kept in one national form (0xxxxxxxxx)."""

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_NATIONAL = re.compile(r"^0[1-9]\d{8,9}$")


def phone_normalise(raw: str) -> str | None:
    """'+84 912 345 678', '84912345678' and '0912.345.678' all give '0912345678'; None if the
    text is not a Vietnamese mobile (10 digits) or landline (11 digits) number."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _NATIONAL.match(digits) else None
