"""Stored answers shown to people (eforms.display): each type of field in words, the labels in
the active language, repeating groups as nested rows, and answers the form no longer has shown
raw instead of failing."""

import pytest
from django.utils import translation

from motcua.eforms.display import answer_rows, format_value, raw_text
from motcua.eforms.spec import FieldSpec, Option, Text

from .conftest import HOUSEHOLD


def spec(kind: str, **extra) -> FieldSpec:
    return FieldSpec(key="x", type=kind, label=Text("Nhãn", "Label"), **extra)  # type: ignore[arg-type]


SEX = (Option("nam", Text("Nam", "Male")), Option("nu", Text("Nữ", "Female")))
CHANNELS = (Option("sms", Text("Tin nhắn", "SMS")), Option("mail", Text("Thư điện tử", "E-mail")))


@pytest.mark.parametrize(
    ("kind", "extra", "stored", "vi", "en"),
    [
        ("text", {}, "Trần Minh Khôi", "Trần Minh Khôi", "Trần Minh Khôi"),
        ("textarea", {}, "Dòng 1\nDòng 2", "Dòng 1\nDòng 2", "Dòng 1\nDòng 2"),
        ("number", {}, 1990, "1990", "1990"),
        ("number", {"decimal_places": 1}, "12.5", "12,5", "12,5"),
        ("date", {}, "2026-03-02", "02/03/2026", "02/03/2026"),
        ("email", {}, "an@example.org", "an@example.org", "an@example.org"),
        ("phone", {}, "0912345678", "0912345678", "0912345678"),
        ("citizen_id", {}, "022190001234", "022190001234", "022190001234"),
        ("select", {"options": SEX}, "nu", "Nữ", "Female"),
        ("radio", {"options": SEX}, "nam", "Nam", "Male"),
        ("checkbox", {"options": CHANNELS}, ["sms", "mail"], "Tin nhắn, Thư điện tử",
         "SMS, E-mail"),
        ("boolean", {}, True, "Có", "Yes"),
        ("boolean", {}, False, "Không", "No"),
        # values that no longer fit the field (the form changed): shown as stored
        ("select", {"options": SEX}, "khac", "khac", "khac"),
        ("date", {}, "not a date", "not a date", "not a date"),
        ("number", {}, "abc", "abc", "abc"),
        ("boolean", {}, "có", "có", "có"),
    ],
)  # fmt: skip
def test_each_type_in_words(kind, extra, stored, vi, en):
    field = spec(kind, **extra)
    with translation.override("vi"):
        assert format_value(field, stored) == vi
    with translation.override("en"):
        assert format_value(field, stored) == en


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        (None, ""),
        (True, "Yes"),
        (3, "3"),
        (2.5, "2,5"),
        ("x", "x"),
        (["a", 1], "a, 1"),
        ({"name": "giay-chung-sinh.pdf", "size": 1024}, "giay-chung-sinh.pdf"),
        ({"original_name": "to-khai.pdf"}, "to-khai.pdf"),
        ({"b": 1, "a": "đ"}, '{"a": "đ", "b": 1}'),
    ],
)
def test_raw_values_in_words(stored, text):
    assert raw_text(stored) == text


def test_rows_follow_the_form_with_labels_in_the_active_language():
    answers = {
        "reason": "lost",
        "applicant_name": "Nguyễn Văn An",
        "lost_on": "2026-01-15",
        "channels": ["SMS"],
        "has_members": True,
        "agree": True,
    }
    with translation.override("vi"):
        rows = answer_rows(HOUSEHOLD, answers)
        assert [(r.key, r.label, r.value) for r in rows] == [
            ("applicant_name", "Họ và tên", "Nguyễn Văn An"),
            ("reason", "Lý do", "Bị mất"),
            ("lost_on", "Ngày bị mất", "15/01/2026"),
            ("has_members", "Có thành viên hộ gia đình", "Có"),
            ("channels", "Nhận thông báo qua", "SMS"),
            ("agree", "Tôi cam đoan", "Có"),
        ]
    with translation.override("en"):
        rows = answer_rows(HOUSEHOLD, answers)
        assert (rows[0].label, rows[1].value, rows[3].value) == ("Full name", "Lost", "Yes")
    assert all(row.known for row in rows)


def test_a_repeating_group_is_shown_row_by_row():
    wife = {"member_name": "Trần Thị Bình", "member_birth": "1992-05-01"}
    child = {"member_name": "Trần Minh An", "member_relation": "Con", "member_id": "022190001234"}
    answers = {"members": [wife | {"member_relation": "Vợ/chồng"}, child]}
    with translation.override("vi"):
        [group] = answer_rows(HOUSEHOLD, answers)
    assert group.is_group and group.value == "" and group.label == "Thành viên hộ gia đình"
    assert [row.label for row in group.rows] == ["Thành viên 1", "Thành viên 2"]
    first, second = group.rows
    assert [(a.key, a.label, a.value) for a in first.answers] == [
        ("members.0.member_name", "Họ và tên", "Trần Thị Bình"),
        ("members.0.member_birth", "Ngày sinh", "01/05/1992"),
        ("members.0.member_relation", "Quan hệ", "Vợ/chồng"),
    ]
    assert [a.value for a in second.answers] == ["Trần Minh An", "Con", "022190001234"]


def test_answers_the_form_no_longer_has_are_shown_raw_at_the_end():
    answers = {
        "old_field": "2026-03-02",
        "applicant_name": "An",
        "witnesses": [{"name": "Bình", "age": 40}],
        "members": "not a list",
        "scan": {"name": "giay-chung-sinh.pdf"},
    }
    rows = answer_rows(HOUSEHOLD, answers)
    assert [(r.key, r.known) for r in rows] == [
        ("applicant_name", True),
        ("members", False),
        ("old_field", False),
        ("witnesses", False),
        ("scan", False),
    ]
    members, old, witnesses, scan = rows[1:]
    assert (members.label, members.value) == ("Thành viên hộ gia đình", "not a list")
    assert (old.label, old.value) == ("old_field", "2026-03-02")
    assert witnesses.is_group
    assert [(a.key, a.label, a.value) for a in witnesses.rows[0].answers] == [
        ("witnesses.0.name", "name", "Bình"),
        ("witnesses.0.age", "age", "40"),
    ]
    assert scan.value == "giay-chung-sinh.pdf"


def test_a_row_with_an_unknown_key_keeps_it():
    [group] = answer_rows(HOUSEHOLD, {"members": [{"member_name": "An", "nickname": "Bé"}, 7]})
    assert [(a.key, a.known) for a in group.rows[0].answers] == [
        ("members.0.member_name", True),
        ("members.0.nickname", False),
    ]
    assert [(a.key, a.value) for a in group.rows[1].answers] == [("members.1", "7")]


@pytest.mark.parametrize("definition", [None, {"fields": "broken"}])
def test_without_a_usable_form_every_answer_is_raw(definition):
    rows = answer_rows(definition, {"child_name": "An", "copies": 2})
    assert [(r.label, r.value, r.known) for r in rows] == [
        ("child_name", "An", False),
        ("copies", "2", False),
    ]


@pytest.mark.parametrize("answers", [None, {}, [], "text"])
def test_no_answers_no_rows(answers):
    assert answer_rows(HOUSEHOLD, answers) == []
