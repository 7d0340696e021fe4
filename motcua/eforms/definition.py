"""Check an e-form definition (the JSON an administrator writes, docs/eforms.md) and turn it
into FormSpec objects.

`check_definition` lists every problem in words an administrator can act on (unknown types or
properties, duplicate keys, `show_if` pointing at nothing or at a later field, regular expressions
that do not compile, min above max, defaults that break their own field's rules). A definition
with no problems parses; `parse_definition` refuses the others with ValidationFailed.
"""

import datetime
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

from .constants import (
    CHOICE_TYPES,
    COMMON_PROPERTIES,
    DEFAULT_GROUP_MAX,
    FORM_PROPERTIES,
    GROUP,
    GROUP_PROPERTIES,
    KEY_PATTERN,
    MAX_DECIMAL_PLACES,
    MAX_GROUP_ROWS,
    MAX_ITEMS,
    MAX_OPTIONS,
    MAX_PATTERN_LENGTH,
    MAX_TEXT_LENGTH,
    PREFILL_SOURCES,
    TYPE_PROPERTIES,
    FieldType,
)
from .spec import Condition, FieldSpec, FormSpec, GroupSpec, Item, Option, Text
from .values import Invalid, clean, is_empty

T = FieldType
TYPES = [*FieldType.values, GROUP]
MAX_OPTION_VALUE = 100


class _Problem(Exception):
    """One problem with one property; the checker notes it and goes on with the next."""


def check_definition(definition: Any) -> list[str]:
    """Every problem of the definition (translated), in order; empty when it is sound."""
    return _Checker().run(definition)[1]


def parse_definition(definition: Any) -> FormSpec:
    """The FormSpec of a sound definition; ValidationFailed lists the problems otherwise."""
    spec, problems = _Checker().run(definition)
    if problems or spec is None:
        raise ValidationFailed(_("The form definition has errors."), errors=problems)
    return spec


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.keys: set[str] = set()
        self.count = 0
        self.today = timezone.localdate()

    def run(self, definition: Any) -> tuple[FormSpec | None, list[str]]:
        if not isinstance(definition, dict):
            return None, [_("The definition must be a JSON object with a list “fields”.")]
        for name in definition:
            if name not in FORM_PROPERTIES:
                self.problems.append(
                    _("Unknown property “%(name)s” of the form (allowed: %(allowed)s).")
                    % {"name": name, "allowed": ", ".join(sorted(FORM_PROPERTIES))}
                )
        title = None
        if "title" in definition:
            try:
                title = _text(definition["title"], "title")
            except _Problem as problem:
                self.problems.append(_("The form: %(problem)s") % {"problem": problem})
        raw_items = definition.get("fields")
        if not isinstance(raw_items, list) or not raw_items:
            self.problems.append(_("“fields” must be a list with at least one field."))
            return None, self.problems
        items = self._items(raw_items, scope={}, group=None)
        if self.count > MAX_ITEMS:
            self.problems.append(
                _("The form has %(count)s fields; at most %(max)s are allowed.")
                % {"count": self.count, "max": MAX_ITEMS}
            )
        if self.problems:
            return None, self.problems
        return FormSpec(items=tuple(items), title=title), []

    def _items(
        self, raw_items: list[Any], *, scope: dict[str, FieldSpec | None], group: str | None
    ) -> list[Any]:
        """Check a list of items; `scope` holds the fields a `show_if` may refer to (those
        before it), and grows as the list goes on."""
        items: list[Item] = []
        scope = dict(scope)
        for position, raw in enumerate(raw_items, start=1):
            self.count += 1
            where = _where(raw, position, group)
            if not isinstance(raw, dict):
                self.problems.append(_("%(where)s: must be a JSON object.") % {"where": where})
                continue
            before = len(self.problems)
            item = self._item(raw, where=where, scope=scope, group=group)
            if item is not None and len(self.problems) == before:
                items.append(item)
                if isinstance(item, FieldSpec):
                    scope[item.key] = item
            elif isinstance(raw.get("key"), str) and raw.get("type") != GROUP:
                # A broken field is still "before" later ones: no second, misleading problem.
                scope.setdefault(raw["key"], None)
        return items

    def _note(self, where: str, problem: _Problem | str) -> None:
        self.problems.append(_("%(where)s: %(problem)s") % {"where": where, "problem": problem})

    def _item(
        self,
        raw: dict[str, Any],
        *,
        where: str,
        scope: dict[str, FieldSpec | None],
        group: str | None,
    ) -> Item | None:
        key = self._key(raw.get("key"), where)
        kind = raw.get("type")
        if kind not in TYPES:
            if kind is None:
                self._note(where, _("it needs a “type”."))
            else:
                self._note(
                    where,
                    _("unknown type “%(type)s”; use one of: %(types)s.")
                    % {"type": kind, "types": ", ".join(TYPES)},
                )
            return None
        if kind == GROUP and group is not None:
            self._note(where, _("a group cannot contain another group."))
            return None
        allowed = GROUP_PROPERTIES if kind == GROUP else COMMON_PROPERTIES | TYPE_PROPERTIES[kind]
        for name in raw:
            if name not in allowed:
                self._note(
                    where,
                    _("unknown property “%(name)s” for type “%(type)s” (allowed: %(allowed)s).")
                    % {"name": name, "type": kind, "allowed": ", ".join(sorted(allowed))},
                )
        label = self._try(where, lambda: _text(raw.get("label"), "label"))
        help_text = self._try(where, lambda: _optional_text(raw, "help"))
        show_if = self._try(where, lambda: _condition(raw.get("show_if"), scope))
        controller = scope.get(show_if.field) if show_if is not None else None
        if show_if is not None and controller is not None:
            self._try(where, lambda: _condition_values(show_if, controller))
        if key is None or label is None:
            return None
        if kind == GROUP:
            return self._group(
                raw,
                key=key,
                label=label,
                help_text=help_text,
                show_if=show_if,
                where=where,
                scope=scope,
            )
        return self._field(
            raw,
            key=key,
            kind=FieldType(kind),
            label=label,
            help_text=help_text,
            show_if=show_if,
            where=where,
            group=group,
        )

    def _try(self, where: str, check: Any) -> Any:
        try:
            return check()
        except _Problem as problem:
            self._note(where, problem)
            return None

    def _key(self, key: Any, where: str) -> str | None:
        if not isinstance(key, str) or not re.fullmatch(KEY_PATTERN, key):
            self._note(
                where,
                _(
                    "“key” must be 1 to 40 lowercase letters (a–z), digits or “_”, "
                    "starting with a letter."
                ),
            )
            return None
        if key in self.keys:
            self._note(where, _("the key “%(key)s” is used twice.") % {"key": key})
            return None
        self.keys.add(key)
        return key

    def _group(
        self,
        raw: dict[str, Any],
        *,
        key: str,
        label: Text,
        help_text: Text | None,
        show_if: Condition | None,
        where: str,
        scope: dict[str, FieldSpec | None],
    ) -> GroupSpec | None:
        item_label = self._try(where, lambda: _optional_text(raw, "item_label"))
        least = self._try(where, lambda: _count(raw, "min", 0))
        most = self._try(where, lambda: _count(raw, "max", DEFAULT_GROUP_MAX))
        if isinstance(most, int) and not 1 <= most <= MAX_GROUP_ROWS:
            self._note(where, _("“max” must be from 1 to %(max)s.") % {"max": MAX_GROUP_ROWS})
        elif isinstance(least, int) and isinstance(most, int) and least > most:
            self._note(
                where,
                _("“min” (%(min)s) is greater than “max” (%(max)s).") % {"min": least, "max": most},
            )
        raw_fields = raw.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            self._note(where, _("a group needs a list “fields” with at least one field."))
            return None
        fields = self._items(raw_fields, scope=scope, group=key)
        if least is None or most is None:
            return None
        return GroupSpec(
            key=key,
            label=label,
            fields=tuple(fields),
            help=help_text,
            show_if=show_if,
            min_rows=least,
            max_rows=most,
            item_label=item_label,
        )

    def _field(
        self,
        raw: dict[str, Any],
        *,
        key: str,
        kind: FieldType,
        label: Text,
        help_text: Text | None,
        show_if: Condition | None,
        where: str,
        group: str | None,
    ) -> FieldSpec | None:
        before = len(self.problems)
        required = raw.get("required", False)
        if not isinstance(required, bool):
            self._note(where, _("“required” must be true or false."))
        values: dict[str, Any] = {}
        if kind in (T.TEXT, T.TEXTAREA):
            values |= self._try(where, lambda: _lengths(raw)) or {}
            values |= self._try(where, lambda: _pattern(raw)) or {}
        elif kind == T.NUMBER:
            values |= self._try(where, lambda: _number_bounds(raw)) or {}
        elif kind == T.DATE:
            values |= self._try(where, lambda: _date_bounds(raw)) or {}
        elif kind in CHOICE_TYPES:
            values["options"] = self._try(where, lambda: _options(raw.get("options")))
        if "prefill" in raw:
            if group is not None:
                self._note(where, _("fields inside a group cannot be prefilled."))
            elif raw["prefill"] not in PREFILL_SOURCES:
                self._note(
                    where,
                    _("“prefill” must be one of: %(sources)s.")
                    % {"sources": ", ".join(PREFILL_SOURCES)},
                )
            else:
                values["prefill"] = raw["prefill"]
        if len(self.problems) > before:
            return None
        spec = FieldSpec(
            key=key,
            type=kind,
            label=label,
            help=help_text,
            required=required,
            show_if=show_if,
            **values,
        )
        if "default" in raw:
            default = raw["default"]
            if not is_empty(spec, default):
                try:
                    default = clean(spec, default, label=str(label), today=self.today)
                except Invalid as invalid:
                    self._note(
                        where,
                        _("“default” is not a valid answer: %(message)s")
                        % {"message": invalid.message},
                    )
                    return None
            spec = FieldSpec(**{**spec.__dict__, "default": default})
        return spec


def _where(raw: Any, position: int, group: str | None) -> str:
    key = raw.get("key") if isinstance(raw, dict) else None
    if isinstance(key, str) and key:
        if group:
            return _("Field “%(key)s” of group “%(group)s”") % {"key": key, "group": group}
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind == GROUP:
            return _("Group “%(key)s”") % {"key": key}
        return _("Field “%(key)s”") % {"key": key}
    if group:
        return _("Item %(n)s of group “%(group)s”") % {"n": position, "group": group}
    return _("Item %(n)s") % {"n": position}


def _text(value: Any, name: str) -> Text:
    """A text of the form: a string (Vietnamese) or {"vi": "…", "en": "…"}."""
    if isinstance(value, str) and value.strip():
        return Text(vi=value.strip())
    if (
        isinstance(value, dict)
        and set(value) <= {"vi", "en"}
        and isinstance(value.get("vi"), str)
        and value["vi"].strip()
        and isinstance(value.get("en", ""), str)
    ):
        return Text(vi=value["vi"].strip(), en=value.get("en", "").strip())
    raise _Problem(
        _("“%(name)s” must be a text, or {“vi”: …, “en”: …} with the Vietnamese text.")
        % {"name": name}
    )


def _optional_text(raw: dict[str, Any], name: str) -> Text | None:
    return _text(raw[name], name) if name in raw else None


def _count(raw: dict[str, Any], name: str, default: int) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Problem(_("“%(name)s” must be a whole number, 0 or more.") % {"name": name})
    return value


def _lengths(raw: dict[str, Any]) -> dict[str, Any]:
    least = _count(raw, "min_length", 0)
    most = raw.get("max_length")
    if most is not None:
        most = _count(raw, "max_length", 0)
        if not 1 <= most <= MAX_TEXT_LENGTH:
            raise _Problem(_("“max_length” must be from 1 to %(max)s.") % {"max": MAX_TEXT_LENGTH})
        if least > most:
            raise _Problem(
                _("“min_length” (%(min)s) is greater than “max_length” (%(max)s).")
                % {"min": least, "max": most}
            )
    elif least > MAX_TEXT_LENGTH:
        raise _Problem(_("“min_length” must be at most %(max)s.") % {"max": MAX_TEXT_LENGTH})
    return {"min_length": least, "max_length": most}


def _pattern(raw: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "pattern_message" in raw:
        values["pattern_message"] = _text(raw["pattern_message"], "pattern_message")
    if "pattern" not in raw:
        return values
    pattern = raw["pattern"]
    if not isinstance(pattern, str) or not pattern:
        raise _Problem(_("“pattern” must be a regular expression (text)."))
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise _Problem(
            _("“pattern” may have at most %(max)s characters.") % {"max": MAX_PATTERN_LENGTH}
        )
    try:
        re.compile(pattern)
    except re.error as error:
        raise _Problem(
            _("“pattern” is not a valid regular expression: %(error)s.") % {"error": error}
        ) from None
    values["pattern"] = pattern
    return values


def _number(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Problem(_("“%(name)s” must be a number.") % {"name": name})
    number = Decimal(str(value))
    if not number.is_finite():
        raise _Problem(_("“%(name)s” must be a number.") % {"name": name})
    return number


def _number_bounds(raw: dict[str, Any]) -> dict[str, Any]:
    least = _number(raw["min"], "min") if "min" in raw else None
    most = _number(raw["max"], "max") if "max" in raw else None
    places = _count(raw, "decimal_places", 0)
    if places > MAX_DECIMAL_PLACES:
        raise _Problem(
            _("“decimal_places” must be from 0 to %(max)s.") % {"max": MAX_DECIMAL_PLACES}
        )
    if least is not None and most is not None and least > most:
        raise _Problem(
            _("“min” (%(min)s) is greater than “max” (%(max)s).") % {"min": least, "max": most}
        )
    return {"minimum": least, "maximum": most, "decimal_places": places}


def _date_bound(value: Any, name: str) -> str:
    if value == "today":
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _Problem(_("“%(name)s” must be a date written YYYY-MM-DD, or “today”.") % {"name": name})


def _date_bounds(raw: dict[str, Any]) -> dict[str, Any]:
    least = _date_bound(raw["min"], "min") if "min" in raw else None
    most = _date_bound(raw["max"], "max") if "max" in raw else None
    concrete = least not in (None, "today") and most not in (None, "today")
    if concrete and str(least) > str(most):
        raise _Problem(_("“min” (%(min)s) is after “max” (%(max)s).") % {"min": least, "max": most})
    return {"minimum": least, "maximum": most}


def _options(raw: Any) -> tuple[Option, ...]:
    """A list of {"value": "…", "label": …}, or of plain strings (the value is the label)."""
    if not isinstance(raw, list) or not raw:
        raise _Problem(_("a choice needs a list “options” with at least one option."))
    if len(raw) > MAX_OPTIONS:
        raise _Problem(_("at most %(max)s options are allowed.") % {"max": MAX_OPTIONS})
    options: list[Option] = []
    for entry in raw:
        if isinstance(entry, str):
            entry = {"value": entry, "label": entry}
        value = entry.get("value") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or set(entry) - {"value", "label"}
            or not isinstance(value, str)
            or not value.strip()
            or len(value) > MAX_OPTION_VALUE
            or value != value.strip()
        ):
            raise _Problem(
                _(
                    "each option must be a text or {“value”: …, “label”: …}; the value is a "
                    "text of 1 to 100 characters without spaces around it."
                )
            )
        if any(option.value == value for option in options):
            raise _Problem(_("the option value “%(value)s” is used twice.") % {"value": value})
        options.append(Option(value=value, label=_text(entry.get("label"), "label")))
    return tuple(options)


def _condition(raw: Any, scope: dict[str, FieldSpec | None]) -> Condition | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, dict)
        or set(raw) not in ({"field", "equals"}, {"field", "in"})
        or not isinstance(raw["field"], str)
    ):
        raise _Problem(
            _(
                "“show_if” must be {“field”: key, “equals”: value} "
                "or {“field”: key, “in”: [values]}."
            )
        )
    if raw["field"] not in scope:
        raise _Problem(
            _(
                "“show_if” refers to “%(key)s”, which is not a field before it "
                "(in the form, or earlier in the same group)."
            )
            % {"key": raw["field"]}
        )
    wanted = [raw["equals"]] if "equals" in raw else raw["in"]
    if not isinstance(wanted, list) or not wanted:
        raise _Problem(_("“show_if”: “in” must be a list with at least one value."))
    if not all(isinstance(value, str | int | float | bool) for value in wanted):
        raise _Problem(_("“show_if” compares with texts, numbers or true/false only."))
    return Condition(field=raw["field"], values=tuple(wanted))


def _condition_values(condition: Condition, controller: FieldSpec) -> None:
    """The values a condition waits for must be values the controlling field can have."""
    if controller.type in CHOICE_TYPES:
        known = {option.value for option in controller.options}
        for value in condition.values:
            if value not in known:
                raise _Problem(
                    _("“show_if” waits for “%(value)s”, which is not an option of “%(key)s”.")
                    % {"value": value, "key": controller.key}
                )
    elif controller.type == T.BOOLEAN and not all(
        isinstance(value, bool) for value in condition.values
    ):
        raise _Problem(
            _("“show_if” on the yes/no field “%(key)s” compares with true or false.")
            % {"key": controller.key}
        )
