"""Every (status, act) pair for every actor, generated from the constants so a new status, act
or role cannot escape; the expected table below is written out by hand, independently."""

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.dossiers.constants import (
    INITIAL_STATUS,
    NATIONAL_STATUS_CODE,
    PAUSED_STATUSES,
    TERMINAL_STATUSES,
    Act,
    DossierStatus,
)
from motcua.dossiers.states import (
    RETURNS_TO,
    TRANSITIONS,
    ActNotPermitted,
    TransitionNotAllowed,
    allowed_acts,
    resolve,
)

S = DossierStatus
APPLICANT = "applicant"
ACTORS = [*Role, APPLICANT]
LETTERS = {
    "R": Role.RECEPTION_OFFICER,
    "S": Role.SPECIALIST,
    "D": Role.DEPARTMENT_HEAD,
    "L": Role.LEADER,
    "C": Role.CLERK,
    "A": APPLICANT,
}

# (status, act): (target, who: R reception, S specialist, D department head, L leader,
# C clerk, A applicant). Province administrators and supervisors perform no act.
EXPECTED = {
    (S.REGISTERED, Act.ACCEPT): (S.ACCEPTED, "R"),
    (S.REGISTERED, Act.REFUSE): (S.NOT_ACCEPTED, "R"),
    (S.REGISTERED, Act.REQUEST_SUPPLEMENT): (S.INTAKE_SUPPLEMENT_REQUESTED, "R"),
    (S.REGISTERED, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.INTAKE_SUPPLEMENT_REQUESTED, Act.RECEIVE_SUPPLEMENT): (S.REGISTERED, "RA"),
    (S.INTAKE_SUPPLEMENT_REQUESTED, Act.REFUSE): (S.NOT_ACCEPTED, "R"),
    (S.INTAKE_SUPPLEMENT_REQUESTED, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.ACCEPTED, Act.FORWARD): (S.IN_PROCESSING, "R"),
    (S.ACCEPTED, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.IN_PROCESSING, Act.FORWARD): (S.IN_PROCESSING, "SDL"),
    (S.IN_PROCESSING, Act.SEND_BACK): (S.IN_PROCESSING, "SDL"),
    (S.IN_PROCESSING, Act.REQUEST_SUPPLEMENT): (S.SUPPLEMENT_REQUESTED, "SDL"),
    (S.IN_PROCESSING, Act.REQUEST_FINANCIAL_OBLIGATION): (S.FINANCIAL_OBLIGATION, "SDL"),
    (S.IN_PROCESSING, Act.TRANSFER): (S.IN_TRANSFER, "SDL"),
    (S.IN_PROCESSING, Act.STOP): (S.STOPPED, "DL"),
    (S.IN_PROCESSING, Act.FINISH): (S.PROCESSED, "LC"),
    (S.IN_PROCESSING, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.IN_TRANSFER, Act.RECEIVE_BACK): (S.IN_PROCESSING, "SDL"),
    (S.IN_TRANSFER, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.SUPPLEMENT_REQUESTED, Act.RECEIVE_SUPPLEMENT): (S.IN_PROCESSING, "RSA"),
    (S.SUPPLEMENT_REQUESTED, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.SUPPLEMENT_REQUESTED, Act.STOP): (S.STOPPED, "DL"),  # once the answer-by date passed
    (S.FINANCIAL_OBLIGATION, Act.CONFIRM_PAYMENT): (S.IN_PROCESSING, "RS"),
    (S.FINANCIAL_OBLIGATION, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.STOPPED, Act.RESUME): (S.IN_PROCESSING, "DL"),
    (S.STOPPED, Act.WITHDRAW): (S.WITHDRAWN, "RA"),
    (S.PROCESSED, Act.RETURN_RESULT): (S.RESULT_RETURNED, "R"),
    (S.ACCEPTED, Act.APOLOGISE): (S.ACCEPTED, "RDL"),
    (S.IN_PROCESSING, Act.APOLOGISE): (S.IN_PROCESSING, "RDL"),
    (S.IN_TRANSFER, Act.APOLOGISE): (S.IN_TRANSFER, "RDL"),
}

ALL_PAIRS = [(status, act) for status in DossierStatus for act in Act]
ALLOWED = [
    (status, act, actor)
    for (status, act), (_target, who) in EXPECTED.items()
    for actor in ACTORS
    if actor in {LETTERS[c] for c in who}
]
NOT_PERMITTED = [
    (status, act, actor)
    for (status, act), (_target, who) in EXPECTED.items()
    for actor in ACTORS
    if actor not in {LETTERS[c] for c in who}
]
NOT_ALLOWED = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def as_actor(actor):
    if actor == APPLICANT:
        return {"roles": [], "is_applicant": True}
    return {"roles": [actor], "is_applicant": False}


def test_the_table_is_exactly_the_expected_one():
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize(("status", "act", "actor"), ALLOWED)
def test_allowed_transition(status, act, actor):
    assert resolve(status, act, **as_actor(actor)) == EXPECTED[status, act][0]


@pytest.mark.parametrize(("status", "act", "actor"), NOT_PERMITTED)
def test_existing_transition_refused_to_the_wrong_actor(status, act, actor):
    with pytest.raises(ActNotPermitted) as error:
        resolve(status, act, **as_actor(actor))
    assert error.value.code == "act_not_permitted"


@pytest.mark.parametrize(("status", "act"), NOT_ALLOWED)
def test_illegal_transition_refused_whoever_asks(status, act):
    with pytest.raises(TransitionNotAllowed) as error:
        resolve(status, act, roles=list(Role), is_applicant=True)
    assert error.value.code == "transition_not_allowed"


@pytest.mark.parametrize("status", list(DossierStatus))
@pytest.mark.parametrize("actor", ACTORS)
def test_allowed_acts_agrees_with_the_table(status, actor):
    expected = [
        act
        for act in Act
        if (status, act) in EXPECTED and actor in {LETTERS[c] for c in EXPECTED[status, act][1]}
    ]
    assert allowed_acts(status, **as_actor(actor)) == expected


def test_several_roles_add_up():
    acts = allowed_acts(S.IN_PROCESSING, roles=[Role.SPECIALIST, Role.CLERK])
    assert Act.FINISH in acts and Act.TRANSFER in acts and Act.STOP not in acts


def test_plain_strings_are_accepted():
    assert resolve("in_processing", "finish", roles=["leader"]) == S.PROCESSED


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
def test_terminal_statuses_have_no_acts(status):
    assert allowed_acts(status, roles=list(Role), is_applicant=True) == []


def test_terminal_means_no_way_out_and_only_terminal_means_that():
    with_exits = {status for status, _act in TRANSITIONS}
    assert set(DossierStatus) - with_exits == TERMINAL_STATUSES


def test_every_status_is_reachable_and_every_dossier_can_end():
    reachable, frontier = {INITIAL_STATUS}, [INITIAL_STATUS]
    while frontier:
        status = frontier.pop()
        for (source, _act), transition in TRANSITIONS.items():
            if source == status and transition.target not in reachable:
                reachable.add(transition.target)
                frontier.append(transition.target)
    assert reachable == set(DossierStatus)
    for status in set(DossierStatus) - TERMINAL_STATUSES:
        assert (status, Act.WITHDRAW) in TRANSITIONS or status == S.PROCESSED


# A dossier waiting for a supplement past its answer-by date may be stopped: the one pause
# entered from another pause; the stop still returns to processing.
PAUSE_TO_PAUSE = {(S.SUPPLEMENT_REQUESTED, S.STOPPED)}


@pytest.mark.parametrize("detour", list(RETURNS_TO))
def test_a_detour_returns_where_it_was_entered_from(detour):
    entered_from = {
        s
        for (s, _a), t in TRANSITIONS.items()
        if t.target == detour and s != detour and (s, detour) not in PAUSE_TO_PAUSE
    }
    leads_to = {
        t.target
        for (s, _a), t in TRANSITIONS.items()
        if s == detour
        and t.target not in TERMINAL_STATUSES
        and t.target != detour
        and (detour, t.target) not in PAUSE_TO_PAUSE
    }
    assert entered_from == leads_to == {RETURNS_TO[detour]}


def test_every_pause_is_a_detour_back_to_processing():
    assert set(RETURNS_TO) >= PAUSED_STATUSES
    assert {RETURNS_TO[status] for status in PAUSED_STATUSES} == {S.IN_PROCESSING}


def test_national_codes_cover_every_status_and_exactly_one_to_ten():
    assert set(NATIONAL_STATUS_CODE) == set(DossierStatus)
    assert sorted(set(NATIONAL_STATUS_CODE.values())) == list(range(1, 11))


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (S.REGISTERED, 1),
        (S.ACCEPTED, 2),
        (S.NOT_ACCEPTED, 3),
        (S.IN_PROCESSING, 4),
        (S.IN_TRANSFER, 4),
        (S.SUPPLEMENT_REQUESTED, 5),
        (S.INTAKE_SUPPLEMENT_REQUESTED, 5),
        (S.FINANCIAL_OBLIGATION, 6),
        (S.WITHDRAWN, 7),
        (S.STOPPED, 8),
        (S.PROCESSED, 9),
        (S.RESULT_RETURNED, 10),
    ],
)
def test_national_code(status, code):
    assert NATIONAL_STATUS_CODE[status] == code


def test_errors_name_the_act_and_the_status_in_vietnamese():
    with translation.override("vi"), pytest.raises(TransitionNotAllowed) as illegal:
        resolve(S.RESULT_RETURNED, Act.STOP, roles=[Role.LEADER])
    assert "Dừng xử lý" in illegal.value.message and "Đã trả kết quả" in illegal.value.message
    with translation.override("vi"), pytest.raises(ActNotPermitted) as forbidden:
        resolve(S.IN_PROCESSING, Act.FINISH, roles=[Role.SPECIALIST])
    assert "Đang xử lý" in forbidden.value.message
