"""The rendered form: labels, hints and errors next to their fields, an error summary linking to
them, groups with "Add another" and "Remove" that work as plain submit buttons, conditional
fields marked for the script and explained in words, and answers put back as typed."""

import datetime
import re

from django.template.loader import render_to_string
from django.utils import translation

from motcua.eforms.answers import (
    answers_from_post,
    apply_row_action,
    prefill,
    row_action,
    validate_answers,
)
from motcua.eforms.rendering import BoundField, BoundGroup, bind

from .test_answers import post

TODAY = datetime.date(2026, 3, 15)


def html(definition, answers=None, errors=None) -> str:
    return render_to_string(
        "eforms/_form.html", {"eform": bind(definition, answers, errors, today=TODAY)}
    )


def test_first_view_has_labels_hints_and_no_errors(household, citizen):
    page = html(household, prefill(household, citizen))
    assert 'role="alert"' not in page
    assert '<label class="usa-label" for="f-applicant_name">Full name' in page
    assert 'value="Nguyễn Thị Lan"' in page
    assert 'autocomplete="name"' in page
    assert 'type="tel" id="f-applicant_phone"' in page
    assert 'inputmode="numeric"' in page  # citizen ID
    assert 'id="f-area" name="f-area" value="" inputmode="decimal"' in page
    assert '<input type="hidden" name="f-members-rows" value="1">' in page
    assert 'name="eform-add" value="members"' in page
    assert "Add another: Thành viên" in page
    assert 'name="eform-remove"' not in page  # one row, and at least one is needed
    assert 'src="/static/eforms/eforms.js"' in page


def test_errors_are_summarised_with_links_and_shown_next_to_each_field(household):
    answers = {"applicant_id_number": "12", "reason": "other", "has_members": True,
               "members": [{"member_name": "A", "member_birth": "31/02/2020"}]}  # fmt: skip
    _clean, errors = validate_answers(household, answers, today=TODAY)
    page = html(household, answers, errors)
    summary = page.split('id="eform-errors"')[1].split("</ul>")[0]
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == [
        "f-applicant_name",
        "f-applicant_id_number",
        "f-reason_other",
        "f-members-0-member_birth",
        "f-members-0-member_relation-0",  # the first radio of the set
        "f-agree",
    ]
    for target in links:
        assert f'id="{target}"' in page
    assert (
        '<span class="usa-error-message" id="f-applicant_id_number-error">“Số định danh cá nhân” '
        "must be exactly 12 digits" in page
    )
    assert 'aria-describedby="f-applicant_id_number-error" aria-invalid="true"' in page
    # What was typed is put back, even when it is wrong (and a bad date is not hidden by a
    # date input that cannot show it).
    assert 'type="text" id="f-members-0-member_birth" name="f-members-0-member_birth" ' \
        'value="31/02/2020"' in page  # fmt: skip
    assert 'value="12"' in page


def test_conditional_fields_carry_their_rule_and_say_it_in_words(household):
    page = html(household)
    assert (
        'data-eform-show-if="{&quot;name&quot;: &quot;f-reason&quot;, &quot;values&quot;: '
        "[&quot;other&quot;], &quot;boolean&quot;: false}" in page
    )
    assert "Only when “Lý do” is “Other”." in page
    assert "Only when “Có thành viên hộ gia đình” is ticked." in page


def test_a_row_condition_points_at_its_own_row(household):
    form = bind(household, {"members": [{}, {}]}, today=TODAY)
    group = next(item for item in form.items if isinstance(item, BoundGroup))
    rules = [row.fields[3].show_if for row in group.rows]
    assert '"name": "f-members-0-member_relation"' in rules[0]
    assert '"name": "f-members-1-member_relation"' in rules[1]


def test_without_script_add_another_keeps_everything_typed(household):
    """The no-JS round trip: the page posts with "Add another"; the answers read back and one
    more row make the next page, with every typed value in place."""
    first = post(
        f__applicant_name="Lan",
        f__reason="lost",
        f__lost_on="2026-01-02",
        f__has_members="true",
        f__members__rows="1",
        f__members__0__member_name="Bình",
        f__channels=["Email"],
        **{"eform-add": "members"},
    )
    typed = apply_row_action(
        household, answers_from_post(household, first), row_action(household, first)
    )
    page = html(household, typed)
    assert '<input type="hidden" name="f-members-rows" value="2">' in page
    assert 'name="f-members-1-member_name" value=""' in page
    assert 'name="f-members-0-member_name" value="Bình"' in page
    assert 'value="Lan"' in page
    assert 'value="2026-01-02"' in page
    assert 'value="lost" selected' in page
    assert re.search(r'value="Email"\s+checked', page)
    assert page.count('name="eform-remove"') == 2


def test_groups_at_their_max_offer_no_add_button(household):
    page = html(household, {"members": [{}, {}, {}]})
    assert 'name="eform-add"' not in page


def test_labels_follow_the_language(household):
    with translation.override("vi"):
        assert '<label class="usa-label" for="f-applicant_name">Họ và tên' in html(household)
    with translation.override("en"):
        assert '<label class="usa-label" for="f-applicant_name">Full name' in html(household)


def test_bound_fields_describe_themselves(household):
    form = bind(household, {"agree": "on", "channels": ["SMS"]}, today=TODAY)
    by_key = {item.key: item for item in form.items if isinstance(item, BoundField)}
    assert by_key["agree"].checked is True
    assert [o.checked for o in by_key["channels"].options] == [True, False]
    assert by_key["lost_on"].max == "2026-03-15"
    assert form.title == "Sample declaration"
