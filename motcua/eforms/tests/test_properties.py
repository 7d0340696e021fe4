"""Properties of the answer rules over generated definitions: answers made to satisfy a
definition always pass (and their clean form passes again unchanged, also after a round trip
through the rendered HTML form); removing a required answer always gives an error at its path;
hidden fields never give errors; and no data, however odd, makes the check raise."""

import datetime
from decimal import Decimal

from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.eforms.answers import answers_from_post, validate_answers
from motcua.eforms.definition import check_definition
from motcua.eforms.rendering import BoundField, bind

TODAY = datetime.date(2026, 3, 15)
KINDS = ["text", "textarea", "number", "date", "email", "phone", "citizen_id", "select",
         "radio", "checkbox", "boolean"]  # fmt: skip
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂĐƯ"
OPTION = st.from_regex(r"[a-z]{1,6}", fullmatch=True)
GATED = {"field": "gate", "equals": True}
SLOW = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@st.composite
def field_specs(draw, key: str) -> dict:
    kind = draw(st.sampled_from(KINDS))
    spec: dict = {"key": key, "type": kind, "label": key.upper(), "required": draw(st.booleans())}
    if kind in ("text", "textarea"):
        most = draw(st.integers(1, 40))
        spec |= {"max_length": most, "min_length": draw(st.integers(0, most))}
    elif kind == "number":
        least = draw(st.integers(-1000, 1000))
        spec |= {"min": least, "max": draw(st.integers(least, least + 5000)),
                 "decimal_places": draw(st.integers(0, 2))}  # fmt: skip
    elif kind == "date" and draw(st.booleans()):
        spec |= {"min": "1950-01-01", "max": "today"}
    elif kind in ("select", "radio", "checkbox"):
        spec["options"] = draw(st.lists(OPTION, min_size=1, max_size=5, unique=True))
    return spec


@st.composite
def definitions(draw) -> dict:
    fields: list[dict] = [{"key": "gate", "type": "boolean", "label": "Gate"}]
    for index in range(draw(st.integers(1, 6))):
        spec = draw(field_specs(f"f{index}"))
        if draw(st.booleans()):
            spec["show_if"] = GATED
        fields.append(spec)
    if draw(st.booleans()):
        least = draw(st.integers(0, 2))
        group = {
            "key": "rows",
            "type": "group",
            "label": "Rows",
            "min": least,
            "max": draw(st.integers(max(least, 1), least + 3)),
            "fields": [draw(field_specs(f"g{index}")) for index in range(draw(st.integers(1, 3)))],
        }
        if draw(st.booleans()):
            group["show_if"] = GATED
        fields.append(group)
    return {"fields": fields}


def valid_value(spec: dict, *, in_row: bool = False) -> st.SearchStrategy:
    """(an answer as people type it that satisfies the field, its clean value)."""
    kind = spec["type"]
    if kind in ("text", "textarea"):
        text = st.text(LETTERS, min_size=max(spec["min_length"], 1), max_size=spec["max_length"])
        return text.map(lambda value: (value, value))
    if kind == "number":
        places = spec["decimal_places"]
        scale = 10**places
        numbers = st.integers(spec["min"] * scale, spec["max"] * scale)
        return numbers.map(lambda n: (_decimal_text(n, places), _clean_number(n, places)))
    if kind == "date":
        earliest = datetime.date(1950, 1, 1) if "min" in spec else datetime.date(1900, 1, 1)
        latest = TODAY if "max" in spec else datetime.date(2100, 12, 31)
        return st.dates(earliest, latest).flatmap(
            lambda day: st.sampled_from(
                [(day.isoformat(), day.isoformat()), (day.strftime("%d/%m/%Y"), day.isoformat())]
            )
        )
    if kind == "email":
        email = st.from_regex(r"[a-z0-9]{1,10}@[a-z]{1,10}\.vn", fullmatch=True)
        return email.map(lambda value: (value, value))
    if kind == "phone":
        return st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True).flatmap(
            lambda digits: st.sampled_from(
                [(digits, digits), (f"{digits[:4]} {digits[4:7]} {digits[7:]}", digits),
                 ("+84" + digits[1:], digits)]
            )
        )  # fmt: skip
    if kind == "citizen_id":
        return st.from_regex(r"[0-9]{12}", fullmatch=True).map(lambda value: (value, value))
    if kind in ("select", "radio"):
        return st.sampled_from(spec["options"]).map(lambda value: (value, value))
    if kind == "checkbox":
        chosen = st.lists(st.sampled_from(spec["options"]), min_size=1, unique=True)
        return chosen.map(lambda values: (values, [o for o in spec["options"] if o in values]))
    # boolean: a required one must be ticked; in a row, ticked keeps the row from being empty
    ticks = st.just(True) if spec["required"] or in_row else st.booleans()
    return ticks.map(lambda value: (value, value))


def _decimal_text(scaled: int, places: int) -> str:
    if places == 0:
        return str(scaled)
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), 10**places)
    return f"{sign}{whole},{part:0{places}d}"


def _clean_number(scaled: int, places: int) -> int | str:
    if places == 0:
        return scaled
    number = (Decimal(scaled) / 10**places).normalize()
    return str(int(number)) if number == number.to_integral_value() else format(number, "f")


@st.composite
def answered(draw) -> tuple[dict, dict, dict]:
    """A definition, answers that satisfy it and the clean answers they must give."""
    definition = draw(definitions())
    gate = draw(st.booleans())
    answers: dict = {"gate": gate}
    expected: dict = {"gate": gate}
    for item in definition["fields"][1:]:
        shown = "show_if" not in item or gate
        if item["type"] == "group":
            count = draw(st.integers(item["min"], item["max"]))
            rows = [
                {f["key"]: draw(valid_value(f, in_row=True)) for f in item["fields"]}
                for _ in range(count)
            ]
            answers["rows"] = [{k: typed for k, (typed, _) in row.items()} for row in rows]
            if shown:
                expected["rows"] = [{k: clean for k, (_, clean) in row.items()} for row in rows]
        elif item["required"] or draw(st.booleans()):
            typed, clean = draw(valid_value(item))
            answers[item["key"]] = typed
            if shown:
                expected[item["key"]] = clean
        elif shown and item["type"] == "boolean":
            expected[item["key"]] = False
    return definition, answers, expected


def visible(item: dict, answers: dict) -> bool:
    return "show_if" not in item or answers.get("gate") is True


@SLOW
@given(answered())
def test_answers_made_to_satisfy_a_definition_pass(case):
    definition, answers, expected = case
    assert check_definition(definition) == []
    clean, errors = validate_answers(definition, answers, today=TODAY)
    assert errors == {}
    assert clean == expected
    # The clean answers are answers too, and clean already.
    assert validate_answers(definition, clean, today=TODAY) == (clean, {})


def browser_post(definition: dict, answers: dict) -> QueryDict:
    """What a browser sends for the rendered form, untouched by the citizen."""
    query = QueryDict(mutable=True)
    form = bind(definition, answers, today=TODAY)

    def add(field: BoundField) -> None:
        if field.type in ("radio", "checkbox"):
            query.setlist(field.name, [o.value for o in field.options if o.checked])
        elif field.type == "boolean":
            if field.checked:
                query[field.name] = "true"
        else:
            query[field.name] = field.value

    for item in form.items:
        if isinstance(item, BoundField):
            add(item)
        else:
            query[item.rows_name] = str(item.count)
            for row in item.rows:
                for field in row.fields:
                    add(field)
    return query


@SLOW
@given(answered())
def test_the_rendered_form_gives_back_the_same_answers(case):
    definition, answers, _expected = case
    posted = answers_from_post(definition, browser_post(definition, answers))
    assert validate_answers(definition, posted, today=TODAY) == validate_answers(
        definition, answers, today=TODAY
    )


@SLOW
@given(answered(), st.data())
def test_removing_a_required_answer_gives_an_error_at_its_path(case, data):
    definition, answers, _expected = case
    paths = [
        (item["key"],) for item in definition["fields"][1:]
        if item["type"] != "group" and item["required"] and visible(item, answers)
    ]  # fmt: skip
    for item in definition["fields"][1:]:
        if item["type"] == "group" and visible(item, answers) and len(item["fields"]) > 1:
            paths += [
                ("rows", index, field["key"])
                for index in range(len(answers["rows"]))
                for field in item["fields"]
                if field["required"]
            ]
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    if len(path) == 1:
        answers.pop(path[0])
    else:
        answers["rows"][path[1]].pop(path[2])
    _clean, errors = validate_answers(definition, answers, today=TODAY)
    assert ".".join(map(str, path)) in errors


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
)


@SLOW
@given(definitions(), st.data())
def test_hidden_fields_never_give_errors(definition, data):
    answers: dict = {"gate": False}
    gated = []
    for item in definition["fields"][1:]:
        if "show_if" not in item:
            continue
        gated.append(item["key"])
        if item["type"] == "group":
            answers["rows"] = data.draw(st.lists(st.dictionaries(st.sampled_from(
                [f["key"] for f in item["fields"]]), JUNK), max_size=6))  # fmt: skip
        else:
            answers[item["key"]] = data.draw(JUNK)
    clean, errors = validate_answers(definition, answers, today=TODAY)
    for key in gated:
        assert key not in clean
        assert not any(path == key or path.startswith(f"{key}.") for path in errors)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@SLOW
@given(definitions(), st.dictionaries(st.sampled_from(["gate", "f0", "f1", "rows", "x"]), JSON))
def test_no_data_makes_the_check_raise(definition, data):
    clean, errors = validate_answers(definition, data, today=TODAY)
    keys = {item["key"] for item in definition["fields"]}
    assert set(clean) <= keys
    assert all(path.split(".")[0] in keys for path in errors)
    bind(definition, data, errors, today=TODAY)  # and the page with them renders
