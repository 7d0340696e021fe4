"""Answers: formats of each type, required fields, conditional fields and groups, and reading
them back from a POST of the rendered form (with "Add another" and "Remove")."""

import datetime

import pytest
from django.http import QueryDict

from motcua.eforms.answers import (
    RowAction,
    answers_from_post,
    applicant_fields,
    apply_row_action,
    prefill,
    row_action,
    shape,
    validate_answers,
)
from motcua.eforms.selectors import default_definition

TODAY = datetime.date(2026, 3, 15)


def one(field: dict, value, **extra):
    definition = {"fields": [{"key": "x", "label": "X", **field}]}
    clean, errors = validate_answers(definition, {"x": value}, today=TODAY, **extra)
    return clean.get("x"), errors.get("x")


FORMATS = [
    # (field, typed, clean value or None, part of the error or None)
    ({"type": "text"}, "  Nguyễn   Văn\nAn ", "Nguyễn Văn An", None),
    ({"type": "text"}, "Nguye\u0302\u0303n", "Nguyễn", None),  # NFD typed, NFC kept
    ({"type": "text", "max_length": 3}, "abcd", None, "at most 3 characters (it has 4)"),
    ({"type": "text", "min_length": 3}, "ab", None, "at least 3 characters"),
    ({"type": "text"}, "a" * 256, None, "at most 255 characters"),
    ({"type": "text", "pattern": "[0-9]{3}"}, "12a", None, "“X” is not in the expected form"),
    ({"type": "text", "pattern": "[0-9]{3}", "pattern_message": "Ba chữ số."}, "1234", None,
     "Ba chữ số."),
    ({"type": "text", "pattern": "[0-9]{3}"}, "123", "123", None),
    ({"type": "text"}, 42, "42", None),
    ({"type": "text"}, {"a": 1}, None, "Enter text for “X”"),
    ({"type": "textarea"}, "a\r\nb", "a\nb", None),
    ({"type": "textarea"}, "a" * 2001, None, "at most 2000 characters"),
    ({"type": "number"}, "42", 42, None),
    ({"type": "number"}, " 1 234 ", 1234, None),
    ({"type": "number"}, 7, 7, None),
    ({"type": "number"}, "4,5", None, "Enter a whole number"),
    ({"type": "number"}, "abc", None, "Enter a whole number"),
    ({"type": "number"}, True, None, "Enter a whole number"),
    ({"type": "number", "decimal_places": 2}, "12,5", "12.5", None),
    ({"type": "number", "decimal_places": 2}, "12.50", "12.5", None),
    ({"type": "number", "decimal_places": 2}, "12", "12", None),
    ({"type": "number", "decimal_places": 1}, "1.25", None, "at most 1 digits after"),
    ({"type": "number", "decimal_places": 1}, "x", None, "Enter a number for “X”, e.g. 12,5"),
    ({"type": "number", "min": 1900}, "1899", None, "must be at least 1900"),
    ({"type": "number", "max": 2.5, "decimal_places": 1}, "2,6", None, "must be at most 2,5"),
    ({"type": "number"}, float("nan"), None, "Enter a whole number"),
    ({"type": "date"}, "2020-12-25", "2020-12-25", None),
    ({"type": "date"}, "25/12/2020", "2020-12-25", None),
    ({"type": "date"}, "5.1.2021", "2021-01-05", None),
    ({"type": "date"}, "31/02/2020", None, "as a real date, day/month/year"),
    ({"type": "date"}, "2020-13-01", None, "as a real date"),
    ({"type": "date"}, "12/25", None, "as a real date"),
    ({"type": "date"}, "01/01/1899", None, "as a real date"),
    ({"type": "date"}, datetime.date(2020, 1, 2), "2020-01-02", None),
    ({"type": "date", "max": "today"}, "2026-03-15", "2026-03-15", None),
    ({"type": "date", "max": "today"}, "16/03/2026", None, "“X” cannot be in the future"),
    ({"type": "date", "min": "2020-01-01"}, "31/12/2019", None, "on or after 01/01/2020"),
    ({"type": "date", "max": "2020-01-01"}, "02/01/2020", None, "on or before 01/01/2020"),
    ({"type": "date", "min": "today"}, "14/03/2026", None, "on or after 15/03/2026"),
    ({"type": "email"}, " lan@example.com ", "lan@example.com", None),
    ({"type": "email"}, "lan@", None, "in the form name@example.com"),
    ({"type": "email"}, "lan example@x.vn", None, "in the form name@example.com"),
    ({"type": "email"}, "a@" + "b" * 250 + ".vn", None, "in the form name@example.com"),
    ({"type": "phone"}, "0912 345 678", "0912345678", None),
    ({"type": "phone"}, "+84 912.345.678", "0912345678", None),
    ({"type": "phone"}, "84912345678", "0912345678", None),
    ({"type": "phone"}, "024 3825 1234", "02438251234", None),
    ({"type": "phone"}, "091234567", None, "10 or 11 digits starting with 0"),
    ({"type": "phone"}, "0012345678", None, "10 or 11 digits"),
    ({"type": "phone"}, "09123456789012", None, "10 or 11 digits"),
    ({"type": "phone"}, "phone", None, "10 or 11 digits"),
    ({"type": "citizen_id"}, "022190001234", "022190001234", None),
    ({"type": "citizen_id"}, "0221 9000 1234", "022190001234", None),
    ({"type": "citizen_id"}, "02219000123", None, "exactly 12 digits"),
    ({"type": "citizen_id"}, "0221900012345", None, "exactly 12 digits"),
    ({"type": "citizen_id"}, "02219000123A", None, "exactly 12 digits"),
    ({"type": "citizen_id"}, "０２２１９０００１２３４", None, "exactly 12 digits"),  # full-width
    ({"type": "select", "options": ["a", "b"]}, "b", "b", None),
    ({"type": "select", "options": ["a", "b"]}, "c", None, "Choose one of the listed options"),
    ({"type": "radio", "options": ["a", "b"]}, ["a", "b"], None, "Choose one of the listed"),
    ({"type": "checkbox", "options": ["c", "b", "a"]}, ["a", "c", "a"], ["c", "a"], None),
    ({"type": "checkbox", "options": ["a", "b"]}, "b", ["b"], None),
    ({"type": "checkbox", "options": ["a", "b"]}, ["a", "z"], None, "Choose one of the listed"),
    ({"type": "boolean"}, "on", True, None),
    ({"type": "boolean"}, True, True, None),
    ({"type": "boolean"}, "", False, None),
    ({"type": "boolean"}, "maybe", None, "is either ticked or not"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "typed", "expected", "error"), FORMATS)
def test_formats(field, typed, expected, error):
    value, message = one(field, typed)
    if error is None:
        assert (value, message) == (expected, None)
    else:
        assert value is None
        assert error in message


REQUIRED = [
    ("text", "", "Enter “X”."),
    ("text", "   ", "Enter “X”."),
    ("date", None, "Enter “X”."),
    ("phone", "", "Enter “X”."),
    ("select", "", "Choose “X”."),
    ("checkbox", [], "Choose “X”."),
    ("checkbox", [""], "Choose “X”."),
    ("boolean", False, "Tick “X” to go on."),
    ("boolean", "off", "Tick “X” to go on."),
]


@pytest.mark.parametrize(("kind", "typed", "message"), REQUIRED)
def test_required_fields_say_what_to_do(kind, typed, message):
    field = {"type": kind, "required": True}
    if kind in ("select", "checkbox"):
        field["options"] = ["a"]
    assert one(field, typed) == (None, message)
    if kind == "boolean":
        assert one({"type": kind}, typed) == (False, None)
    else:
        assert one({"type": kind, "options": ["a"]} if "options" in field else {"type": kind},
                   typed) == (None, None)  # fmt: skip


def valid_household() -> dict:
    return {
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_id_number": "022190001234",
        "reason": "new",
        "has_members": True,
        "members": [
            {"member_name": "Trần Văn Bình", "member_birth": "01/02/1990",
             "member_relation": "Vợ/chồng"},
        ],
        "agree": "on",
    }  # fmt: skip


def test_a_complete_household_answer_is_clean(household):
    clean, errors = validate_answers(household, valid_household(), today=TODAY)
    assert errors == {}
    assert clean == {
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_id_number": "022190001234",
        "reason": "new",
        "has_members": True,
        "members": [
            {"member_name": "Trần Văn Bình", "member_birth": "1990-02-01",
             "member_relation": "Vợ/chồng"},
        ],
        "agree": True,
    }  # fmt: skip


def test_hidden_fields_are_not_required_and_their_answers_are_dropped(household):
    answers = valid_household() | {
        "reason_other": "",  # hidden: reason is not "other"; required but not asked
        "lost_on": "not a date",  # hidden: reason is not "lost"
        "has_members": False,
        "members": [{"member_name": ""}, {"member_birth": "bad"}],  # the whole group is hidden
    }
    clean, errors = validate_answers(household, answers, today=TODAY)
    assert errors == {}
    assert "reason_other" not in clean
    assert "lost_on" not in clean
    assert "members" not in clean


def test_a_shown_conditional_field_is_checked(household):
    answers = valid_household() | {"reason": "other", "lost_on": "not a date"}
    _clean, errors = validate_answers(household, answers, today=TODAY)
    assert errors == {"reason_other": "Enter “Lý do khác”."}
    answers |= {"reason": "lost"}
    _clean, errors = validate_answers(household, answers, today=TODAY)
    assert set(errors) == {"lost_on"}


def test_a_field_depending_on_an_invalid_answer_is_hidden(household):
    answers = valid_household() | {"reason": "nonsense", "reason_other": ""}
    _clean, errors = validate_answers(household, answers, today=TODAY)
    assert set(errors) == {"reason"}


def test_rows_are_checked_with_paths_and_row_names(household):
    answers = valid_household() | {
        "members": [
            {"member_name": "A", "member_birth": "2030-01-01", "member_relation": "Con"},
            {"member_name": "", "member_birth": "", "member_relation": "", "member_id": ""},
            {"member_name": "C", "member_birth": "1/1/2000", "member_relation": "Khác",
             "member_id": "123"},
        ],
    }  # fmt: skip
    clean, errors = validate_answers(household, answers, today=TODAY)
    assert errors == {
        "members.0.member_birth": "Thành viên 1: “Ngày sinh” cannot be in the future.",
        "members.2.member_relation_other": "Thành viên 3: Enter “Quan hệ khác”.",
        "members.2.member_id": "Thành viên 3: “Số định danh” must be exactly 12 digits "
        "(a citizen identification number).",
    }
    # The empty row is dropped; the others keep their order.
    assert [row.get("member_name") for row in clean["members"]] == ["A", "C"]


def test_groups_have_a_least_and_a_most_number_of_rows(household):
    row = {"member_name": "A", "member_birth": "1/1/2000", "member_relation": "Con"}
    for rows, error in [
        ([], "“Thành viên hộ gia đình” needs at least 1 entries."),
        ([{}, {"member_name": ""}], "“Thành viên hộ gia đình” needs at least 1 entries."),
        ([row] * 4, "“Thành viên hộ gia đình” may have at most 3 entries."),
        ([row] * 3, None),
        ([row, {}, {}, {}], None),  # empty rows are dropped, not counted
    ]:
        _clean, errors = validate_answers(
            household, valid_household() | {"members": rows}, today=TODAY
        )
        assert errors.get("members") == error


def test_bad_shapes_never_raise(household):
    for data in [None, [], "x", 3, {"members": "x"}, {"members": [1, None, "a"]}, {"agree": {}}]:
        _clean, errors = validate_answers(household, data, today=TODAY)
        assert "applicant_name" in errors


def test_unknown_keys_are_dropped(household):
    clean, _errors = validate_answers(household, valid_household() | {"is_admin": True})
    assert "is_admin" not in clean


def test_prefill_takes_the_profile_defaults_and_the_least_rows(household, citizen):
    household["fields"][4]["default"] = "12"
    assert prefill(household, citizen) == {
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_id_number": "022190001234",
        "applicant_phone": "0912345678",
        "applicant_email": "lan@example.com",
        "plot": "12",
        "members": [{}],
    }


def test_prefill_leaves_empty_what_the_profile_lacks(household, other_citizen):
    assert prefill(household, other_citizen) == {
        "applicant_name": "Trần Văn Bình",
        "members": [{}],
    }


def test_default_form_prefills_and_feeds_the_applicant(citizen):
    definition = default_definition()
    answers = prefill(definition, citizen) | {"applicant_address": "Thôn 1, xã Hạ Long"}
    clean, errors = validate_answers(definition, answers)
    assert errors == {}
    assert applicant_fields(clean) == {
        "name": "Nguyễn Thị Lan",
        "id_number": "022190001234",
        "phone": "0912345678",
        "email": "lan@example.com",
        "address": "Thôn 1, xã Hạ Long",
    }


def post(**values) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        name = name.replace("__", "-")
        if isinstance(value, list):
            query.setlist(name, value)
        else:
            query[name] = value
    return query


def test_answers_are_read_from_a_post(household):
    data = post(
        f__applicant_name="Lan",
        f__channels=["SMS", "Email"],
        f__has_members="true",
        f__members__rows="2",
        f__members__0__member_name="A",
        f__members__1__member_name="B",
        f__members__1__member_relation="Con",
        f__members__5__member_name="ignored: beyond the rows shown",
    )
    answers = answers_from_post(household, data)
    assert answers["applicant_name"] == "Lan"
    assert answers["channels"] == ["SMS", "Email"]
    assert answers["has_members"] is True
    assert answers["agree"] is False
    assert answers["area"] == ""
    assert [row["member_name"] for row in answers["members"]] == ["A", "B"]
    assert answers["members"][1]["member_relation"] == "Con"


def test_a_forged_row_count_is_capped(household):
    answers = answers_from_post(household, post(f__members__rows="100000"))
    assert len(answers["members"]) == 50
    assert answers_from_post(household, post(f__members__rows="-3"))["members"] == []
    assert answers_from_post(household, post(f__members__rows="x"))["members"] == []


def test_add_another_and_remove_keep_everything_typed(household):
    typed = {"applicant_name": "Lan", "members": [{"member_name": "A"}, {"member_name": "B"}]}
    action = row_action(household, post(**{"eform-add": "members"}))
    assert action == RowAction(group="members")
    added = apply_row_action(household, typed, action)
    assert added == {"applicant_name": "Lan", "members": [{"member_name": "A"},
                                                          {"member_name": "B"}, {}]}  # fmt: skip
    assert apply_row_action(household, added, action) == added  # max 3 rows
    removed = apply_row_action(
        household, added, row_action(household, post(**{"eform-remove": "members-0"}))
    )
    assert removed == {"applicant_name": "Lan", "members": [{"member_name": "B"}, {}]}
    assert apply_row_action(household, typed, RowAction("members", 9)) == typed
    assert typed["members"] == [{"member_name": "A"}, {"member_name": "B"}]  # not changed


@pytest.mark.parametrize(
    "values",
    [{}, {"eform-add": "nope"}, {"eform-add": "reason"}, {"eform-remove": "members"},
     {"eform-remove": "members-x"}, {"eform-remove": "nope-1"}],
)  # fmt: skip
def test_other_posts_are_no_row_action(household, values):
    assert row_action(household, post(**values)) is None


def test_a_draft_keeps_what_was_typed_but_only_that(household):
    typed = {
        "applicant_name": "Lan",
        "applicant_id_number": "123",  # invalid, kept
        "area": 12.5,
        "channels": ["SMS", 3, "Email"],
        "agree": True,
        "members": [{"member_name": "A", "junk": "x"}, "not a row"] + [{}] * 60,
        "junk": "dropped",
        "reason": {"nested": "dropped"},
        "plot": "x" * 20_000,
    }
    shaped = shape(household, typed)
    assert shaped["applicant_id_number"] == "123"
    assert shaped["area"] == 12.5
    assert shaped["channels"] == ["SMS", "Email"]
    assert shaped["agree"] is True
    assert shaped["members"][:2] == [{"member_name": "A"}, {}]
    assert len(shaped["members"]) == 50
    assert "junk" not in shaped
    assert "reason" not in shaped
    assert len(shaped["plot"]) == 10_000
