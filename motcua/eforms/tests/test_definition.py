"""The checker of definitions: a sound definition parses; each kind of mistake an administrator
can make is reported in words that name the field and the problem."""

import copy

import pytest

from motcua.core.errors import ValidationFailed
from motcua.eforms.constants import MAX_GROUP_ROWS
from motcua.eforms.definition import check_definition, parse_definition
from motcua.eforms.selectors import default_definition
from motcua.eforms.spec import GroupSpec

from .conftest import HOUSEHOLD


def test_the_example_the_default_and_the_birth_form_are_sound(birth_definition):
    for definition in (HOUSEHOLD, default_definition(), birth_definition):
        assert check_definition(definition) == []
    form = parse_definition(HOUSEHOLD)
    members = form.group("members")
    assert isinstance(members, GroupSpec)
    assert (members.min_rows, members.max_rows) == (1, 3)
    assert form.field("member_relation").options[0].value == "Vợ/chồng"
    assert str(form.field("applicant_name").label) == "Full name"


def text(key="a", **extra):
    return {"key": key, "type": "text", "label": "A", **extra}


def form(*fields, **extra):
    return {"fields": list(fields), **extra}


BAD = [
    # (definition, what the message must say)
    ([], "must be a JSON object"),
    ({"fields": []}, "“fields” must be a list with at least one field"),
    ({"field": [text()]}, "Unknown property “field” of the form"),
    (form(text(), title=""), "“title” must be a text"),
    (form("text"), "Item 1: must be a JSON object"),
    (form({"key": "a", "label": "A"}), "Field “a”: it needs a “type”"),
    (form({"key": "a", "type": "dat", "label": "A"}), "Field “a”: unknown type “dat”; use one of"),
    (form({"type": "text", "label": "A"}), "Item 1: “key” must be 1 to 40 lowercase letters"),
    (form(text("Tên")), "“key” must be 1 to 40 lowercase"),
    (form(text("a" * 41)), "“key” must be 1 to 40 lowercase"),
    (form(text("a"), text("a")), "Field “a”: the key “a” is used twice"),
    (
        form(text("a"), {"key": "g", "type": "group", "label": "G", "fields": [text("a")]}),
        "Field “a” of group “g”: the key “a” is used twice",
    ),
    (form({"key": "a", "type": "text"}), "Field “a”: “label” must be a text"),
    (form(text(label={"en": "A"})), "“label” must be a text, or {“vi”: …, “en”: …}"),
    (form(text(label={"vi": "A", "fr": "A"})), "“label” must be a text"),
    (form(text(requird=True)), "unknown property “requird” for type “text”"),
    (form(text(options=["x"])), "unknown property “options” for type “text”"),
    (form(text(required="yes")), "“required” must be true or false"),
    (form(text(min_length=5, max_length=2)), "“min_length” (5) is greater than “max_length” (2)"),
    (form(text(max_length=0)), "“max_length” must be from 1 to 10000"),
    (form(text(min_length=-1)), "“min_length” must be a whole number, 0 or more"),
    (form(text(pattern="(")), "“pattern” is not a valid regular expression"),
    (form(text(pattern="a" * 301)), "“pattern” may have at most 300 characters"),
    (form(text(pattern_message=3)), "“pattern_message” must be a text"),
    (
        form({"key": "n", "type": "number", "label": "N", "min": 10, "max": 1}),
        "Field “n”: “min” (10) is greater than “max” (1)",
    ),
    (form({"key": "n", "type": "number", "label": "N", "min": "1"}), "“min” must be a number"),
    (
        form({"key": "n", "type": "number", "label": "N", "decimal_places": 9}),
        "“decimal_places” must be from 0 to 6",
    ),
    (
        form({"key": "d", "type": "date", "label": "D", "min": "2020-02-30"}),
        "“min” must be a date written YYYY-MM-DD, or “today”",
    ),
    (
        form({"key": "d", "type": "date", "label": "D", "min": "2021-01-01", "max": "2020-01-01"}),
        "“min” (2021-01-01) is after “max” (2020-01-01)",
    ),
    (form({"key": "s", "type": "select", "label": "S"}), "a choice needs a list “options”"),
    (
        form({"key": "s", "type": "radio", "label": "S", "options": ["x", "x"]}),
        "the option value “x” is used twice",
    ),
    (
        form({"key": "s", "type": "radio", "label": "S",
              "options": [{"value": " x", "label": "X"}]}),
        "each option must be a text or {“value”: …, “label”: …}",
    ),
    (form(text(prefill="address")), "“prefill” must be one of: full_name, citizen_id, phone"),
    (
        form({"key": "d", "type": "date", "label": "D", "prefill": "full_name"}),
        "unknown property “prefill” for type “date”",
    ),
    (
        form({"key": "g", "type": "group", "label": "G", "fields": [text(prefill="full_name")]}),
        "Field “a” of group “g”: fields inside a group cannot be prefilled",
    ),
    (form(text("b", show_if={"field": "z", "equals": "x"})), "refers to “z”, which is not a field"),
    (
        form(text("b", show_if={"field": "c", "equals": "x"}), text("c")),
        "Field “b”: “show_if” refers to “c”, which is not a field before it",
    ),
    (form(text("b", show_if={"field": "b", "equals": "x"})), "refers to “b”, which is not a field"),
    (form(text(), text("b", show_if={"field": "a"})), "“show_if” must be {“field”: key, “equals”"),
    (form(text(), text("b", show_if={"field": "a", "in": []})), "“in” must be a list"),
    (
        form(text(), text("b", show_if={"field": "a", "equals": "x", "in": ["y"]})),
        "“show_if” must be {“field”: key",
    ),
    (
        form(
            {"key": "s", "type": "select", "label": "S", "options": ["yes", "no"]},
            text("b", show_if={"field": "s", "equals": "maybe"}),
        ),
        "“show_if” waits for “maybe”, which is not an option of “s”",
    ),
    (
        form(
            {"key": "ok", "type": "boolean", "label": "OK"},
            text("b", show_if={"field": "ok", "equals": "yes"}),
        ),
        "on the yes/no field “ok” compares with true or false",
    ),
    (
        form(
            {"key": "g", "type": "group", "label": "G", "fields": [text("inner")]},
            text("b", show_if={"field": "inner", "equals": "x"}),
        ),
        "refers to “inner”, which is not a field before it",
    ),
    (
        form(text(), text("b", show_if={"field": "a", "equals": {"x": 1}})),
        "compares with texts, numbers or true/false only",
    ),
    (form({"key": "g", "type": "group", "label": "G"}), "a group needs a list “fields”"),
    (
        form({"key": "g", "type": "group", "label": "G", "min": 3, "max": 2, "fields": [text()]}),
        "Group “g”: “min” (3) is greater than “max” (2)",
    ),
    (
        form({"key": "g", "type": "group", "label": "G", "max": MAX_GROUP_ROWS + 1,
              "fields": [text()]}),
        "“max” must be from 1 to 50",
    ),
    (
        form({"key": "g", "type": "group", "label": "G",
              "fields": [{"key": "h", "type": "group", "label": "H", "fields": [text()]}]}),
        "“h” of group “g”: a group cannot contain another group",
    ),
    (
        form({"key": "g", "type": "group", "label": "G", "fields": [text()], "required": True}),
        "unknown property “required” for type “group”",
    ),
    (form(text(default=["a", "b"])), "“default” is not a valid answer"),
    (form({"key": "c", "type": "citizen_id", "label": "C", "default": "123"}), "exactly 12 digits"),
    (
        form({"key": "s", "type": "radio", "label": "S", "options": ["x"], "default": "y"}),
        "“default” is not a valid answer: Choose one of the listed options",
    ),
    (form(*[text(f"k{i}") for i in range(201)]), "The form has 201 fields; at most 200"),
]  # fmt: skip


@pytest.mark.parametrize(("definition", "expected"), BAD)
def test_each_mistake_is_named(definition, expected):
    problems = check_definition(definition)
    assert any(expected in problem for problem in problems), problems
    with pytest.raises(ValidationFailed) as raised:
        parse_definition(definition)
    assert raised.value.errors == problems


def test_every_problem_is_listed_at_once():
    definition = form(
        {"key": "a", "type": "dat", "label": "A"},
        text("b", pattern="("),
        text("c", min_length=3, max_length=1),
    )
    problems = check_definition(definition)
    assert len(problems) == 3
    assert [p.split(":")[0] for p in problems] == ["Field “a”", "Field “b”", "Field “c”"]


def test_a_broken_field_does_not_make_its_dependants_wrong_too():
    definition = form(
        {"key": "a", "type": "select", "label": "A"},  # no options
        text("b", show_if={"field": "a", "equals": "x"}),
    )
    assert len(check_definition(definition)) == 1


GOOD = [
    form(text(label={"vi": "Tên", "en": "Name"}, help="Gợi ý")),
    form(text(min_length=0, max_length=10_000)),
    form({"key": "n", "type": "number", "label": "N", "min": -5.5, "max": 5.5,
          "decimal_places": 2}),
    form({"key": "d", "type": "date", "label": "D", "min": "1900-01-01", "max": "today"}),
    form({"key": "d", "type": "date", "label": "D", "min": "today"}),
    form({"key": "s", "type": "select", "label": "S", "options": [{"value": "1", "label": "Một"}]}),
    form({"key": "c", "type": "checkbox", "label": "C", "options": ["a", "b"], "default": ["b"]}),
    form({"key": "b", "type": "boolean", "label": "B", "default": True}),
    form(
        {"key": "n", "type": "number", "label": "N"},
        text("b", show_if={"field": "n", "in": [1, 2]}),
    ),
    form(
        text(),
        {"key": "g", "type": "group", "label": "G", "min": 0, "max": 50,
         "show_if": {"field": "a", "equals": "x"},
         "fields": [text("x"), text("y", show_if={"field": "x", "equals": "1"}),
                    text("z", show_if={"field": "a", "equals": "1"})]},
    ),
]  # fmt: skip


@pytest.mark.parametrize("definition", GOOD)
def test_sound_definitions_pass(definition):
    assert check_definition(definition) == []
    assert parse_definition(copy.deepcopy(definition)).items
