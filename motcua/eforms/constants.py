"""The vocabulary of the e-form definition language (see docs/eforms.md) and its limits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    TEXT = "text", _("Text (one line)")
    TEXTAREA = "textarea", _("Text (several lines)")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    EMAIL = "email", _("E-mail address")
    PHONE = "phone", _("Phone number")
    CITIZEN_ID = "citizen_id", _("Citizen identification number")
    SELECT = "select", _("Choice from a list")
    RADIO = "radio", _("One choice (radio buttons)")
    CHECKBOX = "checkbox", _("Several choices (check boxes)")
    BOOLEAN = "boolean", _("Yes or no (one check box)")


GROUP = "group"  # the `type` of a repeating group

# Where a field may be prefilled from: the signed-in user's profile (accounts.User).
PREFILL_SOURCES = ("full_name", "citizen_id", "phone", "email")

TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.TEXTAREA})
CHOICE_TYPES = frozenset({FieldType.SELECT, FieldType.RADIO, FieldType.CHECKBOX})
PREFILLABLE_TYPES = frozenset(
    {FieldType.TEXT, FieldType.EMAIL, FieldType.PHONE, FieldType.CITIZEN_ID}
)

# Properties each type accepts besides the common ones.
COMMON_PROPERTIES = frozenset({"key", "type", "label", "help", "required", "show_if", "default"})
_TEXT_PROPERTIES = frozenset({"min_length", "max_length", "pattern", "pattern_message"})
TYPE_PROPERTIES: dict[str, frozenset[str]] = {
    FieldType.TEXT: _TEXT_PROPERTIES | {"prefill"},
    FieldType.TEXTAREA: _TEXT_PROPERTIES,
    FieldType.NUMBER: frozenset({"min", "max", "decimal_places"}),
    FieldType.DATE: frozenset({"min", "max"}),
    FieldType.EMAIL: frozenset({"prefill"}),
    FieldType.PHONE: frozenset({"prefill"}),
    FieldType.CITIZEN_ID: frozenset({"prefill"}),
    FieldType.SELECT: frozenset({"options"}),
    FieldType.RADIO: frozenset({"options"}),
    FieldType.CHECKBOX: frozenset({"options"}),
    FieldType.BOOLEAN: frozenset(),
}
GROUP_PROPERTIES = frozenset(
    {"key", "type", "label", "help", "show_if", "min", "max", "fields", "item_label"}
)
FORM_PROPERTIES = frozenset({"title", "fields"})

# Limits that keep a definition, and the answers typed into it, of a sane size.
KEY_PATTERN = r"[a-z][a-z0-9_]{0,39}"
MAX_ITEMS = 200  # fields and groups in one form, counting those inside groups
MAX_OPTIONS = 300
MAX_PATTERN_LENGTH = 300
MAX_GROUP_ROWS = 50  # the largest `max` a group may have
DEFAULT_GROUP_MAX = 20
DEFAULT_MAX_LENGTH = {FieldType.TEXT: 255, FieldType.TEXTAREA: 2000}
MAX_TEXT_LENGTH = 10_000  # the largest `max_length`
MAX_DECIMAL_PLACES = 6
MAX_EMAIL_LENGTH = 254
# Dates people type: from 1900 on, at most a century ahead.
MIN_YEAR, MAX_YEAR = 1900, 2100
