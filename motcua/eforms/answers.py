"""Answers to an e-form: check them, start them from the profile, read them from a POST.

Answers are a JSON object: a field's key maps to its value, a group's key to a list of rows
(objects of the group's fields). Paths name one answer: "child_name", "members" (the group
itself) or "members.1.birth_date" (row 1, counted from 0, of the group "members").

Pure functions: nothing here touches the database.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import MAX_GROUP_ROWS, MAX_TEXT_LENGTH, FieldType
from .definition import parse_definition
from .spec import FieldSpec, FormSpec, GroupSpec
from .values import Invalid, clean, holds, is_empty, required_message

T = FieldType
Errors = dict[str, str]
PREFIX = "f"  # HTML names: f-<key>, f-<group>-<row>-<key>, f-<group>-rows
ADD = "eform-add"  # submit button: value is a group key
REMOVE = "eform-remove"  # submit button: value is "<group>-<row>"


def _spec(definition: Mapping[str, Any] | FormSpec) -> FormSpec:
    return definition if isinstance(definition, FormSpec) else parse_definition(definition)


def validate_answers(
    definition: Mapping[str, Any] | FormSpec,
    data: Any,
    *,
    today: datetime.date | None = None,
) -> tuple[dict[str, Any], Errors]:
    """Check answers against a definition: (clean answers, errors by path).

    Applies `required`, each type's format and limits, `show_if` (a hidden field or group is
    neither required nor checked, and its answer is dropped) and the groups' min and max rows.
    Rows left entirely empty are dropped; the others keep their order, and their errors carry the
    row's position in `data`. Unknown keys are dropped. Never raises for bad answers.
    """
    form = _spec(definition)
    today = today or timezone.localdate()
    answers = data if isinstance(data, Mapping) else {}
    result: dict[str, Any] = {}
    errors: Errors = {}
    for item in form.items:
        if item.show_if is not None and not holds(
            item.show_if, form.field(item.show_if.field), result.get(item.show_if.field)
        ):
            continue
        if isinstance(item, GroupSpec):
            rows = _group(form, item, answers.get(item.key), result, errors, today)
            result[item.key] = rows
            continue
        _answer(item, answers.get(item.key), str(item.label), item.key, result, errors, today)
    return result, errors


def _answer(
    spec: FieldSpec,
    raw: Any,
    label: str,
    path: str,
    into: dict[str, Any],
    errors: Errors,
    today: datetime.date,
) -> None:
    if is_empty(spec, raw):
        if spec.required:
            errors[path] = required_message(spec, label)
        elif spec.type == T.BOOLEAN:
            into[spec.key] = False
        return
    try:
        into[spec.key] = clean(spec, raw, label=label, today=today)
    except Invalid as invalid:
        errors[path] = invalid.message


def _group(
    form: FormSpec,
    group: GroupSpec,
    raw: Any,
    outer: dict[str, Any],
    errors: Errors,
    today: datetime.date,
) -> list[dict[str, Any]]:
    rows = raw if isinstance(raw, list) else []
    kept: list[dict[str, Any]] = []
    for index, row in enumerate(rows[: MAX_GROUP_ROWS + 1]):
        values = row if isinstance(row, Mapping) else {}
        if all(is_empty(spec, values.get(spec.key)) for spec in group.fields):
            continue
        clean_row: dict[str, Any] = {}
        for spec in group.fields:
            condition = spec.show_if
            if condition is not None:
                scope = clean_row if _in(group, condition.field) else outer
                if not holds(condition, form.field(condition.field), scope.get(condition.field)):
                    continue
            path = f"{group.key}.{index}.{spec.key}"
            _answer(spec, values.get(spec.key), str(spec.label), path, clean_row, errors, today)
            if path in errors:  # "Thành viên 2: Enter “Ngày sinh”."
                errors[path] = f"{group.row_label(index)}: {errors[path]}"
        kept.append(clean_row)
    label = str(group.label)
    if len(kept) > group.max_rows:
        errors[group.key] = _too_many(label, group.max_rows)
    elif len(kept) < group.min_rows:
        errors[group.key] = _too_few(label, group.min_rows)
    return kept


def _in(group: GroupSpec, key: str) -> bool:
    return any(spec.key == key for spec in group.fields)


def _too_many(label: str, most: int) -> str:
    return _("“%(label)s” may have at most %(n)s entries.") % {"label": label, "n": most}


def _too_few(label: str, least: int) -> str:
    return _("“%(label)s” needs at least %(n)s entries.") % {"label": label, "n": least}


APPLICANT_KEYS = {
    "applicant_name": "name",
    "applicant_id_number": "id_number",
    "applicant_phone": "phone",
    "applicant_email": "email",
    "applicant_address": "address",
}


def applicant_fields(clean_data: Mapping[str, Any]) -> dict[str, str]:
    """The applicant's details in clean answers, under the names of dossiers.services.Applicant
    (name, id_number, phone, email, address), for the e-forms that use the keys applicant_name,
    applicant_id_number, applicant_phone, applicant_email and applicant_address (the default
    form does; see docs/eforms.md). Missing ones are empty."""
    return {target: str(clean_data.get(key) or "") for key, target in APPLICANT_KEYS.items()}


def prefill(definition: Mapping[str, Any] | FormSpec, user: Any) -> dict[str, Any]:
    """The answers a new application starts with: each field's `default`, the fields marked
    `prefill` from the user's profile (full_name, citizen_id, phone, email; an empty profile
    value leaves the field empty) and `min` empty rows (with defaults) of each group."""
    form = _spec(definition)
    answers: dict[str, Any] = {}
    for item in form.items:
        if isinstance(item, GroupSpec):
            answers[item.key] = [new_row(item) for _ in range(item.min_rows)]
            continue
        value = getattr(user, item.prefill, "") if item.prefill else ""
        if isinstance(value, str) and value.strip():
            answers[item.key] = value.strip()
        elif item.default is not None:
            answers[item.key] = item.default
    return answers


def new_row(group: GroupSpec) -> dict[str, Any]:
    return {spec.key: spec.default for spec in group.fields if spec.default is not None}


def shape(definition: Mapping[str, Any] | FormSpec, data: Any) -> dict[str, Any]:
    """Answers as a draft keeps them: everything typed, valid or not, but only for keys of the
    form, as texts, lists of texts, booleans or numbers, each text cut at 10,000 characters and
    each group at 50 rows (a draft cannot be used to store anything else)."""
    form = _spec(definition)
    answers = data if isinstance(data, Mapping) else {}
    kept: dict[str, Any] = {}
    for item in form.items:
        if item.key not in answers:
            continue
        if isinstance(item, GroupSpec):
            rows = answers[item.key] if isinstance(answers[item.key], list) else []
            kept[item.key] = [_shape_row(item.fields, row) for row in rows[:MAX_GROUP_ROWS]]
        elif (value := _shape_value(answers[item.key])) is not None:
            kept[item.key] = value
    return kept


def _shape_row(fields: tuple[FieldSpec, ...], row: Any) -> dict[str, Any]:
    row = row if isinstance(row, Mapping) else {}
    shaped = {spec.key: _shape_value(row.get(spec.key)) for spec in fields if spec.key in row}
    return {key: value for key, value in shaped.items() if value is not None}


def _shape_value(value: Any) -> Any:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        return value[:MAX_TEXT_LENGTH]
    if isinstance(value, list | tuple):
        return [item[:MAX_TEXT_LENGTH] for item in value[:300] if isinstance(item, str)]
    return None


# ---------------------------------------------------------------- HTML forms


def field_name(key: str, *, group: str | None = None, row: int | None = None) -> str:
    """The HTML name (and id) of a field: "f-child_name", "f-members-1-birth_date"."""
    return f"{PREFIX}-{group}-{row}-{key}" if group is not None else f"{PREFIX}-{key}"


def rows_name(group: str) -> str:
    """The hidden input holding how many rows of a group the page shows."""
    return f"{PREFIX}-{group}-rows"


def answers_from_post(definition: Mapping[str, Any] | FormSpec, post: Any) -> dict[str, Any]:
    """The answers in a POST of the page rendered by eforms/_form.html (a QueryDict or any
    mapping with getlist): texts as typed, lists for check boxes, booleans for yes/no boxes, one
    list of rows per group (as many as its hidden "rows" input says, at most 50)."""
    form = _spec(definition)
    answers: dict[str, Any] = {}
    for item in form.items:
        if isinstance(item, GroupSpec):
            count = _int(post.get(rows_name(item.key)))
            answers[item.key] = [
                {
                    spec.key: _posted(spec, post, field_name(spec.key, group=item.key, row=row))
                    for spec in item.fields
                }
                for row in range(min(count, MAX_GROUP_ROWS))
            ]
        else:
            answers[item.key] = _posted(item, post, field_name(item.key))
    return answers


def _posted(spec: FieldSpec, post: Any, name: str) -> Any:
    if spec.type == T.CHECKBOX:
        return [value for value in post.getlist(name) if isinstance(value, str)]
    if spec.type == T.BOOLEAN:
        return name in post and post.get(name) not in ("", "off", "false")
    value = post.get(name, "")
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class RowAction:
    """A press of "Add another" (row None) or "Remove" (the row's position) in a group."""

    group: str
    row: int | None = None


def row_action(definition: Mapping[str, Any] | FormSpec, post: Any) -> RowAction | None:
    """The group button pressed in a POST, if one was: the page then re-renders with the
    answers (apply_row_action) instead of submitting."""
    form = _spec(definition)
    added = post.get(ADD)
    if isinstance(added, str) and form.group(added) is not None:
        return RowAction(group=added)
    removed = post.get(REMOVE)
    if isinstance(removed, str) and "-" in removed:
        key, _dash, row = removed.rpartition("-")
        if form.group(key) is not None and row.isdigit():
            return RowAction(group=key, row=int(row))
    return None


def apply_row_action(
    definition: Mapping[str, Any] | FormSpec, answers: dict[str, Any], action: RowAction
) -> dict[str, Any]:
    """The answers with one more (empty, defaults set) row, or without one row; a group at its
    `max` gets no more rows, and an unknown row is ignored."""
    form = _spec(definition)
    group = form.group(action.group)
    if group is None:
        return answers
    rows = list(answers.get(group.key) or [])
    if action.row is None:
        if len(rows) < group.max_rows:
            rows.append(new_row(group))
    elif 0 <= action.row < len(rows):
        del rows[action.row]
    return {**answers, group.key: rows}
