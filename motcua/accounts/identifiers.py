"""Identification numbers people and organisations give: the citizen ID (căn cước, 12 digits),
the old identity card (CMND, 9 digits) and the tax code (mã số thuế) of an enterprise or an
organisation, 10 digits or 13 digits written "0123456789-001" for a branch or dependent unit.

Only the shape is checked; check digits are not (their rule is not in our sources).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.]+")
_TAX_CODE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")
_PERSON_ID = re.compile(r"^(\d{12}|\d{9})$")


def compact(value: str) -> str:
    """`value` without spaces and dots (people write "036 190 001 234" or "0123.456.789")."""
    return _SEPARATORS.sub("", value or "")


def tax_code_normalise(value: str) -> str | None:
    """The tax code in its written form ("0123456789" or "0123456789-001"), or None when
    `value` is not 10 digits or 13 digits (with or without the dash before the last three)."""
    match = _TAX_CODE.match(compact(value))
    if match is None:
        return None
    head, branch = match.groups()
    return f"{head}-{branch}" if branch else head


def tax_code_validator(value: str) -> None:
    """Django validator: a tax code of 10 digits or 13 digits ("0123456789-001")."""
    if tax_code_normalise(value) is None:
        raise ValidationError(
            _("A tax code has 10 digits, or 13 digits written 0123456789-001."),
            code="invalid_tax_code",
        )


def id_number_normalise(value: str) -> str | None:
    """A person's ID number (12-digit citizen ID or 9-digit old card) or an organisation's tax
    code, in its written form; None when it is none of these."""
    person = compact(value)
    if _PERSON_ID.match(person):
        return person
    return tax_code_normalise(value)


def id_number_variants(value: str) -> list[str]:
    """The ways a normalised number may have been stored: a 13-digit tax code with and without
    its dash."""
    return [value, value.replace("-", "")] if "-" in value else [value]
