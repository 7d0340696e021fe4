"""What eforms/_form.html needs to draw a form with its answers and errors (no HTML here).

    {% include "eforms/_form.html" with eform=eform %}

where `eform = bind(definition, answers, errors)`. The include draws the fields inside the
page's own <form method="post" novalidate> (which holds the CSRF token and the page's buttons):
an error summary linking to each field, labels, hints, each error next to its field, one
fieldset per group row with a "Remove" button, an "Add another" button per group, and the
script that hides conditional fields (without it they are all shown and the server ignores the
answers of those that do not apply).
"""

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .answers import ADD, REMOVE, Errors, field_name, rows_name
from .constants import FieldType
from .definition import parse_definition
from .spec import Condition, FieldSpec, FormSpec, GroupSpec
from .values import date_bound, parse_date

T = FieldType
INPUT_TYPES = {
    T.TEXT: "text",
    T.NUMBER: "text",  # type=number drops what it cannot parse and spins on scroll
    T.DATE: "date",
    T.EMAIL: "email",
    T.PHONE: "tel",
    T.CITIZEN_ID: "text",
}
AUTOCOMPLETE = {"full_name": "name", "phone": "tel", "email": "email"}


@dataclass
class BoundOption:
    value: str
    label: str
    id: str
    checked: bool


@dataclass
class BoundField:
    key: str
    type: str
    name: str
    id: str
    label: str
    help: str = ""
    required: bool = False
    error: str = ""
    value: str = ""
    checked: bool = False
    options: list[BoundOption] = field(default_factory=list)
    input_type: str = "text"
    inputmode: str = ""
    autocomplete: str = ""
    maxlength: int | None = None
    min: str = ""
    max: str = ""
    show_if: str = ""  # JSON for the script: {"name": …, "values": […], "boolean": …}
    condition: str = ""  # the same in words, for people without the script
    is_group: bool = False

    @property
    def first_id(self) -> str:
        """Where the error summary links to: the first option of a set, else the field."""
        return self.options[0].id if self.options else self.id

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-hint"] if self.help or self.condition else []
        return " ".join([*ids, f"{self.id}-error"] if self.error else ids)


@dataclass
class BoundRow:
    index: int
    legend: str
    fields: list[BoundField]
    remove_value: str
    can_remove: bool


@dataclass
class BoundGroup:
    key: str
    id: str
    label: str
    help: str
    rows: list[BoundRow]
    rows_name: str
    add_name: str
    add_value: str
    add_label: str
    can_add: bool
    remove_name: str
    error: str = ""
    show_if: str = ""
    condition: str = ""
    is_group: bool = True

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class BoundForm:
    items: list[BoundField | BoundGroup]
    errors: list[tuple[str, str]]  # (id to link to, message), in the order of the form
    title: str = ""


def bind(
    definition: Mapping[str, Any] | FormSpec,
    answers: Mapping[str, Any] | None = None,
    errors: Errors | None = None,
    *,
    today: datetime.date | None = None,
) -> BoundForm:
    """The form to render with `answers` (as typed, or prefilled) and `errors` (by path, from
    answers.validate_answers; none when the page is shown the first time)."""
    form = definition if isinstance(definition, FormSpec) else parse_definition(definition)
    answers = answers or {}
    errors = errors or {}
    today = today or timezone.localdate()
    items: list[BoundField | BoundGroup] = []
    summary: list[tuple[str, str]] = []
    for item in form.items:
        if isinstance(item, GroupSpec):
            group = _group(form, item, answers.get(item.key), errors, today)
            items.append(group)
            if group.error:
                summary.append((group.id, group.error))
            for row in group.rows:
                summary += [(f.first_id, f.error) for f in row.fields if f.error]
        else:
            bound = _field(form, item, answers.get(item.key), errors.get(item.key, ""), today)
            items.append(bound)
            if bound.error:
                summary.append((bound.first_id, bound.error))
    return BoundForm(items=items, errors=summary, title=str(form.title or ""))


def _field(
    form: FormSpec,
    spec: FieldSpec,
    raw: Any,
    error: str,
    today: datetime.date,
    *,
    group: GroupSpec | None = None,
    row: int | None = None,
) -> BoundField:
    name = field_name(spec.key, group=group.key if group else None, row=row)
    bound = BoundField(
        key=spec.key,
        type=spec.type,
        name=name,
        id=name,
        label=str(spec.label),
        help=str(spec.help or ""),
        required=spec.required,
        error=error,
        input_type=INPUT_TYPES.get(spec.type, "text"),
        autocomplete=AUTOCOMPLETE.get(spec.prefill or "", ""),
    )
    if spec.show_if is not None:
        controller = form.field(spec.show_if.field)
        sibling = group is not None and controller in group.fields
        bound.show_if, bound.condition = _condition(
            spec.show_if,
            controller,
            group=group.key if group and sibling else None,
            row=row if sibling else None,
        )
    if spec.type in (T.SELECT, T.RADIO, T.CHECKBOX):
        chosen = _chosen(raw)
        bound.options = [
            BoundOption(
                value=option.value,
                label=str(option.label),
                id=f"{name}-{position}",
                checked=option.value in chosen,
            )
            for position, option in enumerate(spec.options)
        ]
        bound.value = next(iter(chosen), "") if spec.type == T.SELECT else ""
    elif spec.type == T.BOOLEAN:
        bound.checked = raw is True or (
            isinstance(raw, str) and raw.strip().lower() in ("on", "true", "1")
        )
    else:
        bound.value = _shown(spec, raw)
    if spec.type in (T.TEXT, T.TEXTAREA) and spec.max_length:
        bound.maxlength = spec.max_length
    if spec.type == T.NUMBER:
        bound.inputmode = "decimal" if spec.decimal_places else "numeric"
    elif spec.type == T.CITIZEN_ID:
        bound.inputmode = "numeric"
    elif spec.type == T.DATE:
        if bound.value and parse_date(bound.value) is None:
            bound.input_type = "text"  # a date input would show what was typed as empty
        earliest, latest = date_bound(spec.minimum, today), date_bound(spec.maximum, today)
        bound.min = earliest.isoformat() if earliest else ""
        bound.max = latest.isoformat() if latest else ""
    return bound


def _chosen(raw: Any) -> list[str]:
    if isinstance(raw, list | tuple):
        return [str(value) for value in raw if isinstance(value, str | int)]
    return [str(raw)] if isinstance(raw, str | int) and not isinstance(raw, bool) else []


def _shown(spec: FieldSpec, raw: Any) -> str:
    """The value to put back in the input: as typed, or ISO for a date the browser can show."""
    if raw is None or isinstance(raw, bool):
        return ""
    if isinstance(raw, list | tuple):
        raw = raw[0] if len(raw) == 1 else ""
    if spec.type == T.DATE:
        day = parse_date(raw)
        return day.isoformat() if day else str(raw)
    if spec.type == T.NUMBER and isinstance(raw, str):
        return raw
    return str(raw)


def _condition(
    condition: Condition, controller: FieldSpec, *, group: str | None, row: int | None
) -> tuple[str, str]:
    """The `show_if` for the script (JSON) and in words."""
    boolean = controller.type == T.BOOLEAN
    values = [
        ("true" if value else "false") if isinstance(value, bool) else str(value)
        for value in condition.values
    ]
    script = json.dumps(
        {
            "name": field_name(controller.key, group=group, row=row),
            "values": values,
            "boolean": boolean,
        },
        ensure_ascii=False,
    )
    if boolean:
        wanted = [_("ticked") if value else _("not ticked") for value in condition.values]
    else:
        wanted = [f"“{controller.option_label(str(value))}”" for value in condition.values]
    words = _("Only when “%(field)s” is %(values)s.") % {
        "field": controller.label,
        "values": _(" or ").join(wanted),
    }
    return script, words


def _group(
    form: FormSpec, group: GroupSpec, raw: Any, errors: Errors, today: datetime.date
) -> BoundGroup:
    rows = raw if isinstance(raw, list) else []
    bound_rows = []
    for index, row in enumerate(rows):
        values = row if isinstance(row, Mapping) else {}
        fields = [
            _field(
                form,
                spec,
                values.get(spec.key),
                errors.get(f"{group.key}.{index}.{spec.key}", ""),
                today,
                group=group,
                row=index,
            )
            for spec in group.fields
        ]
        bound_rows.append(
            BoundRow(
                index=index,
                legend=group.row_label(index),
                fields=fields,
                remove_value=f"{group.key}-{index}",
                can_remove=len(rows) > group.min_rows,
            )
        )
    label = str(group.label)
    bound = BoundGroup(
        key=group.key,
        id=field_name(group.key),
        label=label,
        help=str(group.help or ""),
        rows=bound_rows,
        rows_name=rows_name(group.key),
        add_name=ADD,
        add_value=group.key,
        add_label=_("Add another: %(item)s") % {"item": group.item_label or label},
        can_add=len(rows) < group.max_rows,
        remove_name=REMOVE,
        error=errors.get(group.key, ""),
    )
    if group.show_if is not None:
        bound.show_if, bound.condition = _condition(
            group.show_if, form.field(group.show_if.field), group=None, row=None
        )
    return bound
