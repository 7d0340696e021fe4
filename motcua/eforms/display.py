"""Stored answers of an e-form as rows people read: each answer's label (in the active
language), its value in words (dates dd/mm/yyyy, choices by their label, yes/no as Có/Không)
and each row of a repeating group as nested rows.

`answer_rows(definition, answers)` follows the form's order for the answers it knows; answers
whose field is not (or no longer) in the form, e.g. after the administrator changed the form,
follow with their raw key and value, so nothing stored is ever hidden and nothing crashes.

Pure functions: nothing here touches the database.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

from .constants import GROUP, FieldType
from .definition import parse_definition
from .spec import FieldSpec, FormSpec, GroupSpec
from .values import parse_date, parse_number, show_date, show_number

T = FieldType


@dataclass(frozen=True)
class GroupRow:
    """One row of a repeating group: “Thành viên 2” and its answers."""

    label: str
    answers: tuple["Answer", ...]


@dataclass(frozen=True)
class Answer:
    """One stored answer, ready to show.

    `key` is the answer's path ("child_name", "members.1.member_name"); `label` the field's
    label, or the raw key when the form does not know it (`known` False); `value` the answer
    in words (empty for a group); `raw` the stored value; `type` the field's type, "group", or
    "" when unknown; `rows` the rows of a group."""

    key: str
    label: str
    value: str
    raw: Any
    type: str = ""
    known: bool = True
    rows: tuple[GroupRow, ...] = field(default_factory=tuple)

    @property
    def is_group(self) -> bool:
        return self.type == GROUP

    @property
    def multiline(self) -> bool:
        return "\n" in self.value


def form_spec(definition: Mapping[str, Any] | FormSpec | None) -> FormSpec | None:
    """The parsed form, or None when there is none or it no longer parses (then every answer is
    shown raw)."""
    if definition is None or isinstance(definition, FormSpec):
        return definition
    try:
        return parse_definition(definition)
    except ValidationFailed:
        return None


def answer_rows(
    definition: Mapping[str, Any] | FormSpec | None, answers: Mapping[str, Any] | None
) -> list[Answer]:
    """The stored `answers` as rows (see the module doc); empty when there are none."""
    if not isinstance(answers, Mapping) or not answers:
        return []
    form = form_spec(definition)
    rows: list[Answer] = []
    seen: set[str] = set()
    for item in form.items if form is not None else ():
        if item.key not in answers:
            continue
        seen.add(item.key)
        if isinstance(item, GroupSpec):
            rows.append(_group(item, answers[item.key]))
        else:
            rows.append(_known(item, answers[item.key], item.key))
    rows += [_unknown(key, value, str(key)) for key, value in answers.items() if key not in seen]
    return rows


def _known(spec: FieldSpec, raw: Any, path: str) -> Answer:
    return Answer(
        key=path, label=str(spec.label), value=format_value(spec, raw), raw=raw, type=spec.type
    )


def _group(group: GroupSpec, raw: Any) -> Answer:
    if not isinstance(raw, list):
        return _unknown(group.key, raw, group.key, label=str(group.label))
    rows = []
    for index, row in enumerate(raw):
        values = row if isinstance(row, Mapping) else {}
        answers = [
            _known(spec, values[spec.key], f"{group.key}.{index}.{spec.key}")
            for spec in group.fields
            if spec.key in values
        ]
        known = {spec.key for spec in group.fields}
        answers += [
            _unknown(key, value, f"{group.key}.{index}.{key}")
            for key, value in values.items()
            if key not in known
        ]
        if not isinstance(row, Mapping):
            answers.append(_unknown(str(index), row, f"{group.key}.{index}"))
        rows.append(GroupRow(label=group.row_label(index), answers=tuple(answers)))
    return Answer(
        key=group.key, label=str(group.label), value="", raw=raw, type=GROUP, rows=tuple(rows)
    )


def _unknown(key: str, raw: Any, path: str, *, label: str = "") -> Answer:
    """An answer the form does not know: its key as the label; a list of objects is shown as
    a group whose rows are numbered."""
    if isinstance(raw, list) and raw and all(isinstance(row, Mapping) for row in raw):
        rows = tuple(
            GroupRow(
                label=str(index + 1),
                answers=tuple(_unknown(k, v, f"{path}.{index}.{k}") for k, v in row.items()),
            )
            for index, row in enumerate(raw)
        )
        return Answer(
            key=path, label=label or key, value="", raw=raw, type=GROUP, known=False, rows=rows
        )
    return Answer(key=path, label=label or key, value=raw_text(raw), raw=raw, known=False)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def format_value(spec: FieldSpec, raw: Any) -> str:
    """One stored answer of `spec` in words; a value that does not fit the field (the form
    changed since) in its raw form."""
    if raw is None:
        return ""
    if spec.type == T.BOOLEAN and isinstance(raw, bool):
        return yes_no(raw)
    if spec.type == T.DATE:
        day = parse_date(raw)
        return show_date(day) if day is not None else raw_text(raw)
    if spec.type == T.NUMBER and not isinstance(raw, bool):
        number = parse_number(raw)
        return show_number(number) if number is not None else raw_text(raw)
    if spec.type in (T.SELECT, T.RADIO):
        return spec.option_label(raw) if isinstance(raw, str) else raw_text(raw)
    if spec.type == T.CHECKBOX:
        values = raw if isinstance(raw, list) else [raw]
        return ", ".join(spec.option_label(value) for value in values)
    return raw_text(raw)


def raw_text(raw: Any) -> str:
    """Any stored JSON value as text: yes/no, numbers with a decimal comma, lists joined with
    commas, a file by its name, other objects as JSON."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return yes_no(raw)
    if isinstance(raw, int | float | Decimal):
        number = parse_number(raw)
        return show_number(number) if number is not None else str(raw)
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list | tuple):
        return ", ".join(raw_text(item) for item in raw)
    if isinstance(raw, Mapping):
        for name in ("original_name", "name", "filename"):
            if isinstance(raw.get(name), str):
                return raw[name]
        return json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)
    return str(raw)
