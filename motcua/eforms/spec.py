"""A checked e-form definition as Python objects (definition.parse_definition builds them)."""

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from .constants import FieldType


@dataclass(frozen=True)
class Text:
    """A text of the form in Vietnamese and, optionally, English."""

    vi: str
    en: str = ""

    def __str__(self) -> str:
        language = translation.get_language() or "vi"
        return self.en if self.en and language.startswith("en") else self.vi


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Condition:
    """`show_if`: the item is shown when the field `field` has one of `values`."""

    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: FieldType
    label: Text
    help: Text | None = None
    required: bool = False
    show_if: Condition | None = None
    default: Any = None
    min_length: int = 0
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: Text | None = None
    minimum: Any = None  # a Decimal (number) or "YYYY-MM-DD" / "today" (date)
    maximum: Any = None
    decimal_places: int = 0
    options: tuple[Option, ...] = ()
    prefill: str | None = None

    @property
    def is_group(self) -> bool:
        return False

    def option_label(self, value: Any) -> str:
        for option in self.options:
            if option.value == value:
                return str(option.label)
        return str(value)


@dataclass(frozen=True)
class GroupSpec:
    """A repeating group: `fields` asked once per row (family members, co-owners…)."""

    key: str
    label: Text
    fields: tuple[FieldSpec, ...]
    help: Text | None = None
    show_if: Condition | None = None
    min_rows: int = 0
    max_rows: int = 20
    item_label: Text | None = None

    @property
    def is_group(self) -> bool:
        return True

    def row_label(self, index: int) -> str:
        """“Thành viên 2”: the item label (or the group's) and the 1-based row number."""
        return f"{self.item_label or self.label} {index + 1}"


Item = FieldSpec | GroupSpec


@dataclass(frozen=True)
class FormSpec:
    items: tuple[Item, ...]
    title: Text | None = None
    _by_key: dict[str, FieldSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for item in self.items:
            for spec in item.fields if isinstance(item, GroupSpec) else (item,):
                self._by_key[spec.key] = spec

    def field(self, key: str) -> FieldSpec:
        """A field by key, wherever it is (keys are unique in the whole form)."""
        return self._by_key[key]

    def groups(self) -> list[GroupSpec]:
        return [item for item in self.items if isinstance(item, GroupSpec)]

    def group(self, key: str) -> GroupSpec | None:
        return next((g for g in self.groups() if g.key == key), None)
