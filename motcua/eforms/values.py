"""One answer of one field: whether it is empty, and its clean value or what is wrong with it.

Answers come as typed in an HTML form (strings, lists of strings for check boxes) or as JSON
values (numbers, booleans, lists). Clean values are JSON: strings for text, e-mail, phone
(digits only, "0…"), citizen ID (12 digits), dates ("YYYY-MM-DD") and choices; an int for a
whole number and a string ("12.5") for a number with decimals; a list of option values for
check boxes; a bool for a yes/no box.
"""

import datetime
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motcua.core.text import nfc

from .constants import (
    CHOICE_TYPES,
    DEFAULT_MAX_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    FieldType,
)
from .spec import Condition, FieldSpec

T = FieldType
TRUE_WORDS = frozenset({"on", "true", "1", "yes", "có"})
FALSE_WORDS = frozenset({"", "off", "false", "0", "no", "không"})
_NUMBER = re.compile(r"[+-]?[0-9]{1,30}(\.[0-9]{1,30})?")
_DMY = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_PHONE_JUNK = re.compile(r"[\s.\-()\u00a0]")


class Invalid(Exception):
    """The answer breaks a rule of its field; `message` is translated, for the citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(spec: FieldSpec, raw: Any) -> bool:
    """Nothing was answered: no value, blank text, no box ticked (a yes/no box left unticked)."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == "" or (spec.type == T.BOOLEAN and raw.strip().lower() == "off")
    if isinstance(raw, list | tuple):
        return all(is_empty(spec, item) for item in raw) if raw else True
    if spec.type == T.BOOLEAN:
        return raw is False
    return False


def required_message(spec: FieldSpec, label: str) -> str:
    if spec.type in CHOICE_TYPES:
        return _("Choose “%(label)s”.") % {"label": label}
    if spec.type == T.BOOLEAN:
        return _("Tick “%(label)s” to go on.") % {"label": label}
    return _("Enter “%(label)s”.") % {"label": label}


def clean(spec: FieldSpec, raw: Any, *, label: str, today: datetime.date) -> Any:
    """The clean value of a non-empty answer; Invalid says what is wrong, naming `label`."""
    cleaner = _CLEANERS[spec.type]
    return cleaner(spec, raw, label, today)


def _one_string(raw: Any, message: str) -> str:
    if isinstance(raw, list | tuple):
        if len(raw) != 1:
            raise Invalid(message)
        raw = raw[0]
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise Invalid(message)
    return nfc(str(raw)).strip()


def _text(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> str:
    value = _one_string(raw, _("Enter text for “%(label)s”.") % {"label": label})
    # One line: no line breaks, no runs of spaces; several lines: Unix line breaks.
    value = " ".join(value.split()) if spec.type == T.TEXT else value.replace("\r\n", "\n")
    longest = spec.max_length or DEFAULT_MAX_LENGTH.get(spec.type, MAX_TEXT_LENGTH)
    if len(value) > longest:
        raise Invalid(
            _("“%(label)s” may have at most %(n)s characters (it has %(length)s).")
            % {"label": label, "n": longest, "length": len(value)}
        )
    if len(value) < spec.min_length:
        raise Invalid(
            _("“%(label)s” must have at least %(n)s characters.")
            % {"label": label, "n": spec.min_length}
        )
    if spec.pattern and re.fullmatch(spec.pattern, value) is None:
        if spec.pattern_message is not None:
            raise Invalid(str(spec.pattern_message))
        raise Invalid(_("“%(label)s” is not in the expected form.") % {"label": label})
    return value


def parse_number(raw: Any) -> Decimal | None:
    """A Decimal from what was typed ("1 234", "12,5", "12.5") or given; None if not a number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
        return number if number.is_finite() else None
    if isinstance(raw, float):
        return Decimal(str(raw)) if math.isfinite(raw) else None
    if not isinstance(raw, str):
        return None
    text = "".join(raw.split())  # "1 234" → "1234" (spaces, also no-break ones)
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # Vietnamese writes decimals with a comma
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None


def _number(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> int | str:
    if isinstance(raw, list | tuple) and len(raw) == 1:
        raw = raw[0]
    number = parse_number(raw)
    if number is None:
        if spec.decimal_places == 0:
            raise Invalid(_("Enter a whole number for “%(label)s”.") % {"label": label})
        raise Invalid(_("Enter a number for “%(label)s”, e.g. 12,5.") % {"label": label})
    exponent = number.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > spec.decimal_places:
        if spec.decimal_places == 0:
            raise Invalid(_("Enter a whole number for “%(label)s”.") % {"label": label})
        raise Invalid(
            _("“%(label)s” may have at most %(n)s digits after the decimal point.")
            % {"label": label, "n": spec.decimal_places}
        )
    if spec.minimum is not None and number < spec.minimum:
        raise Invalid(
            _("“%(label)s” must be at least %(min)s.")
            % {"label": label, "min": show_number(spec.minimum)}
        )
    if spec.maximum is not None and number > spec.maximum:
        raise Invalid(
            _("“%(label)s” must be at most %(max)s.")
            % {"label": label, "max": show_number(spec.maximum)}
        )
    if spec.decimal_places == 0:
        return int(number)
    return format(number.normalize(), "f") if places else str(int(number))


def show_number(number: Decimal) -> str:
    return format(number.normalize(), "f").replace(".", ",")


def parse_date(raw: Any) -> datetime.date | None:
    """A date from "YYYY-MM-DD" (the browser's date input) or day/month/year as people type it
    ("25/12/2020", "25.12.2020", "25-12-2020"); None if it is not a real date."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DMY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def date_bound(bound: Any, today: datetime.date) -> datetime.date | None:
    if bound is None:
        return None
    return today if bound == "today" else datetime.date.fromisoformat(bound)


def show_date(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def _date(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> str:
    if isinstance(raw, list | tuple) and len(raw) == 1:
        raw = raw[0]
    day = parse_date(raw)
    if day is None:
        raise Invalid(
            _("Enter “%(label)s” as a real date, day/month/year, e.g. 25/12/2020.")
            % {"label": label}
        )
    earliest, latest = date_bound(spec.minimum, today), date_bound(spec.maximum, today)
    if earliest is not None and day < earliest:
        raise Invalid(
            _("“%(label)s” must be on or after %(date)s.")
            % {"label": label, "date": show_date(earliest)}
        )
    if latest is not None and day > latest:
        if spec.maximum == "today":
            raise Invalid(_("“%(label)s” cannot be in the future.") % {"label": label})
        raise Invalid(
            _("“%(label)s” must be on or before %(date)s.")
            % {"label": label, "date": show_date(latest)}
        )
    return day.isoformat()


def _email(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> str:
    message = _("Enter an e-mail address for “%(label)s” in the form name@example.com.") % {
        "label": label
    }
    value = _one_string(raw, message)
    if len(value) > MAX_EMAIL_LENGTH:
        raise Invalid(message)
    try:
        validate_email(value)
    except ValidationError:
        raise Invalid(message) from None
    return value


def normal_phone(raw: str) -> str | None:
    """A Vietnamese phone number as digits from "0" (a 10-digit mobile or an 11-digit landline
    number, typed with spaces, dots or dashes, or from +84 / 84); None if it is not one. The
    same rule as accounts.phones."""
    text = _PHONE_JUNK.sub("", raw)
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    return text if re.fullmatch(r"0[1-9][0-9]{8,9}", text) else None


def _phone(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> str:
    message = _(
        "Enter a Vietnamese phone number for “%(label)s”: 10 or 11 digits starting with 0 "
        "(or +84), e.g. 0912 345 678."
    ) % {"label": label}
    phone = normal_phone(_one_string(raw, message))
    if phone is None:
        raise Invalid(message)
    return phone


def _citizen_id(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> str:
    message = _("“%(label)s” must be exactly 12 digits (a citizen identification number).") % {
        "label": label
    }
    value = "".join(_one_string(raw, message).split())
    if not re.fullmatch(r"[0-9]{12}", value):
        raise Invalid(message)
    return value


def _choice_message(label: str) -> str:
    return _("Choose one of the listed options for “%(label)s”.") % {"label": label}


def _choice(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> str:
    value = _one_string(raw, _choice_message(label))
    if value not in {option.value for option in spec.options}:
        raise Invalid(_choice_message(label))
    return value


def _choices(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    chosen = set()
    for item in items:
        if isinstance(item, str) and item.strip() == "":
            continue
        chosen.add(_one_string(item, _choice_message(label)))
    known = [option.value for option in spec.options]
    if not chosen <= set(known):
        raise Invalid(_choice_message(label))
    return [value for value in known if value in chosen]  # in the order of the options


def _boolean(spec: FieldSpec, raw: Any, label: str, today: datetime.date) -> bool:
    if isinstance(raw, list | tuple) and len(raw) == 1:
        raw = raw[0]
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return raw.strip().lower() in TRUE_WORDS
    raise Invalid(_("“%(label)s” is either ticked or not.") % {"label": label})


_CLEANERS = {
    T.TEXT: _text,
    T.TEXTAREA: _text,
    T.NUMBER: _number,
    T.DATE: _date,
    T.EMAIL: _email,
    T.PHONE: _phone,
    T.CITIZEN_ID: _citizen_id,
    T.SELECT: _choice,
    T.RADIO: _choice,
    T.CHECKBOX: _choices,
    T.BOOLEAN: _boolean,
}


def holds(condition: Condition, controller: FieldSpec, value: Any) -> bool:
    """Whether a `show_if` condition holds for the controlling field's clean value (None when it
    is hidden, empty or invalid: then nothing that depends on it is shown)."""
    if value is None:
        return False
    if controller.type == T.CHECKBOX:
        return any(wanted in value for wanted in condition.values)
    if controller.type == T.BOOLEAN:
        return value in [wanted for wanted in condition.values if isinstance(wanted, bool)]
    if controller.type == T.NUMBER:
        number = parse_number(value)
        return any(parse_number(wanted) == number for wanted in condition.values)
    return any(str(wanted) == value for wanted in condition.values)
