"""Pauses by kind, the once-only acts and the supplement's answer-by date (dossiers.pauses),
through the real acts (dossiers.services) on a 5-working-day procedure without a process.

Each table names its legal source or, where the decrees could not be read, the setting that
carries the rule ("unconfirmed, setting X"; docs/architecture.md "Deadlines" says what is
known)."""

from datetime import date, datetime, timedelta
from functools import partial

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.accounts.constants import Role
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import VN_TZ, Period, WorkingCalendar
from motcua.deadlines.constants import DayCount, ResumeMode
from motcua.dossiers import pauses as pauses_rules
from motcua.dossiers.constants import Act, DossierStatus, PauseKind
from motcua.dossiers.models import Dossier, DossierPause
from motcua.dossiers.pause_history import pauses_from_events
from motcua.dossiers.services import ActInput, dossier_act

from .conftest import receive, vn

ACCEPTED = vn(2026, 3, 6, 10, 0)  # Friday: day 1 is Mon 9/3, due Fri 13/3 17:00
PAUSED = vn(2026, 3, 12, 9, 0)  # Thursday
RESUMED = vn(2026, 3, 16, 10, 0)  # Monday: 17 working hours later (Thu 6.5 + Fri 8 + Mon 2.5)

EXTENDED = vn(2026, 3, 18, 8, 30)  # Fri 13/3 17:00 + 17 working hours
RESTARTED = vn(2026, 3, 23, 17, 0)  # 5 working days from Mon 16/3: 17, 18, 19, 20, 23

PAUSE = {
    PauseKind.SUPPLEMENT: (Act.REQUEST_SUPPLEMENT, Role.SPECIALIST, Act.RECEIVE_SUPPLEMENT),
    PauseKind.FINANCIAL_OBLIGATION: (
        Act.REQUEST_FINANCIAL_OBLIGATION,
        Role.SPECIALIST,
        Act.CONFIRM_PAYMENT,
    ),
    PauseKind.STOP: (Act.STOP, Role.LEADER, Act.RESUME),
}
INPUT = {
    Act.REQUEST_SUPPLEMENT: {"missing": ["Bản sao Giấy chứng nhận"], "comment": "Thiếu giấy tờ"},
    Act.REQUEST_FINANCIAL_OBLIGATION: {"comment": "Lệ phí trước bạ", "amount": 500_000},
    Act.STOP: {"comment": "Chờ kết quả xác minh"},
}


pytestmark = pytest.mark.django_db


def act(province, dossier, what, who, at, **data) -> Dossier:
    return dossier_act(
        dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data), at=at
    )


def processing(province, at: datetime = ACCEPTED) -> Dossier:
    dossier = receive(province, at=at)
    return act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, at)


def pause_and_resume(province, dossier, kind, paused=PAUSED, resumed=RESUMED) -> Dossier:
    start, who, end = PAUSE[kind]
    dossier = act(province, dossier, start, who, paused, **INPUT[start])
    resumer = Role.LEADER if end == Act.RESUME else Role.RECEPTION_OFFICER
    return act(province, dossier, end, resumer, resumed)


# (pause kind, procedure's resume mode, expected due, source)
RESUME_TABLE = [
    (
        PauseKind.FINANCIAL_OBLIGATION,
        "restart",
        EXTENDED,
        "unconfirmed, setting MOTCUA_RESUME_AFTER['financial_obligation'] = extend: the time "
        "to perform a financial obligation is not counted (issue 15)",
    ),
    (PauseKind.FINANCIAL_OBLIGATION, "extend", EXTENDED, "same: the procedure does not matter"),
    (
        PauseKind.SUPPLEMENT,
        "restart",
        RESTARTED,
        "unconfirmed, setting MOTCUA_RESUME_AFTER['supplement'] = procedure; Procedure."
        "resume_mode restart: the legal time runs again in full (domain-vn §2.3, 'per decree')",
    ),
    (PauseKind.SUPPLEMENT, "extend", EXTENDED, "a procedure whose law says extend"),
    (
        PauseKind.STOP,
        "restart",
        RESTARTED,
        "unconfirmed, setting MOTCUA_RESUME_AFTER['stop'] = procedure (Thanh Hóa practice: a "
        "stop resumes as a supplement, domain-vn §2.3)",
    ),
    (PauseKind.STOP, "extend", EXTENDED, "same, with an extending procedure"),
]


@pytest.mark.parametrize(("kind", "mode", "due", "source"), RESUME_TABLE)
@override_settings(MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS=None)  # the request is on day 4
def test_each_pause_resumes_by_its_own_rule(province, kind, mode, due, source):
    province.procedure.resume_mode = mode
    province.procedure.save(update_fields=["resume_mode"])
    dossier = processing(province)
    assert dossier.due_at == vn(2026, 3, 13, 17, 0)
    dossier = pause_and_resume(province, dossier, kind)
    assert dossier.status == DossierStatus.IN_PROCESSING
    assert dossier.due_at == due, source
    [pause] = DossierPause.objects.filter(dossier=dossier)
    assert (pause.kind, pause.started_at, pause.ended_at) == (kind, PAUSED, RESUMED)
    assert (pause.due_before, pause.due_after) == (vn(2026, 3, 13, 17, 0), due)


@override_settings(MOTCUA_RESUME_AFTER={"financial_obligation": "restart"})
def test_the_rule_of_a_kind_is_a_setting(province):
    dossier = pause_and_resume(province, processing(province), PauseKind.FINANCIAL_OBLIGATION)
    assert dossier.due_at == RESTARTED


def test_a_pause_over_tet_extends_by_working_time_only(province):
    """Tết 2026 (days off Sat 14 - Sun 22/02): a financial obligation from Thu 12/02 15:00 to
    the first working moment after Tết is 10 working hours (Thu 2 h, Fri 8 h), not 11 days."""
    dossier = processing(province, at=vn(2026, 2, 9, 8, 0))  # Mon: due Mon 23/02 17:00
    assert dossier.due_at == vn(2026, 2, 23, 17, 0)
    dossier = pause_and_resume(
        province,
        dossier,
        PauseKind.FINANCIAL_OBLIGATION,
        paused=vn(2026, 2, 12, 15, 0),
        resumed=vn(2026, 2, 23, 7, 30),
    )
    # 10 working hours after Mon 23/02 17:00: Tue 24/02 8 h, then Wed 25/02 07:30 + 2 h.
    assert dossier.due_at == vn(2026, 2, 25, 9, 30)


# --- once-only acts -------------------------------------------------------------------------


def request_supplement(province, dossier, at, **data) -> Dossier:
    values = INPUT[Act.REQUEST_SUPPLEMENT] | data
    return act(province, dossier, Act.REQUEST_SUPPLEMENT, Role.SPECIALIST, at, **values)


def unchanged(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.status, fresh.version, fresh.due_at, DossierPause.objects.count()


def test_a_supplement_is_requested_once_during_processing(province):
    """Unconfirmed, setting MOTCUA_SUPPLEMENT_ONCE (the once-only request of the one-stop
    decrees as practised; docs)."""
    dossier = request_supplement(province, processing(province), vn(2026, 3, 9, 9, 0))
    dossier = act(province, dossier, Act.RECEIVE_SUPPLEMENT, Role.RECEPTION_OFFICER, PAUSED)
    before = unchanged(dossier)
    with pytest.raises(DomainError) as refused:
        request_supplement(province, dossier, vn(2026, 3, 12, 10, 0))
    assert refused.value.code == "supplement_once"
    assert unchanged(dossier) == before
    with override_settings(
        MOTCUA_SUPPLEMENT_ONCE=False, MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS=None
    ):
        assert request_supplement(province, dossier, vn(2026, 3, 12, 10, 0)).status == (
            DossierStatus.SUPPLEMENT_REQUESTED
        )


# (moment of the request after acceptance on Fri 06/03/2026 10:00, allowed?) with the setting at
# 3 working days (unconfirmed, setting MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS): the third working
# day after acceptance is Wed 11/03, until its closing.
WITHIN_TABLE = [
    (vn(2026, 3, 9, 8, 0), True),
    (vn(2026, 3, 11, 17, 0), True),
    (vn(2026, 3, 11, 17, 1), False),
    (vn(2026, 3, 12, 9, 0), False),
]


@pytest.mark.parametrize(("moment", "allowed"), WITHIN_TABLE)
@override_settings(MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS=3)
def test_a_supplement_is_requested_soon_after_acceptance(province, moment, allowed):
    dossier = processing(province)
    if allowed:
        assert request_supplement(province, dossier, moment).status == (
            DossierStatus.SUPPLEMENT_REQUESTED
        )
        return
    before = unchanged(dossier)
    with pytest.raises(DomainError) as refused:
        request_supplement(province, dossier, moment)
    assert refused.value.code == "supplement_too_late"
    assert "11/03/2026" in refused.value.message
    assert unchanged(dossier) == before


@override_settings(MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS=None)
def test_without_a_limit_a_late_supplement_is_allowed(province):
    dossier = request_supplement(province, processing(province), vn(2026, 3, 13, 9, 0))
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED


# (apology moment, earlier apologies, refused with) — due Fri 13/03/2026 17:00. Unconfirmed,
# settings MOTCUA_APOLOGY_ONCE and MOTCUA_APOLOGY_BEFORE_DEADLINE (the one new appointment sent
# before the deadline of the one-stop decrees as practised; docs).
APOLOGY_TABLE = [
    (vn(2026, 3, 12, 9, 0), 0, None),
    (vn(2026, 3, 13, 17, 0), 0, None),  # at the deadline itself
    (vn(2026, 3, 13, 17, 1), 0, "apology_too_late"),
    (vn(2026, 3, 16, 9, 0), 0, "apology_too_late"),
    (vn(2026, 3, 12, 9, 0), 1, "apology_once"),
]


@pytest.mark.parametrize(("moment", "earlier", "code"), APOLOGY_TABLE)
def test_one_new_appointment_before_the_deadline(province, moment, earlier, code):
    dossier = processing(province)
    for _earlier in range(earlier):
        dossier = act(
            province,
            dossier,
            Act.APOLOGISE,
            Role.LEADER,
            vn(2026, 3, 11, 9, 0),
            comment="Chờ xác minh",
            new_appointment=date(2026, 3, 18),
        )
    data = {"comment": "Chờ xác minh", "new_appointment": date(2026, 3, 20)}
    if code is None:
        dossier = act(province, dossier, Act.APOLOGISE, Role.LEADER, moment, **data)
        assert dossier.apology_due_at == vn(2026, 3, 20, 17, 0)
        return
    before = unchanged(dossier)
    with pytest.raises(DomainError) as refused:
        act(province, dossier, Act.APOLOGISE, Role.LEADER, moment, **data)
    assert refused.value.code == code
    assert unchanged(dossier) == before


# --- the answer-by date -------------------------------------------------------------------------


def test_the_request_names_the_answer_by_date(province):
    """Given by the officer, or MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS (10) working days."""
    dossier = request_supplement(province, processing(province), vn(2026, 3, 9, 9, 0))
    pause = DossierPause.objects.get(dossier=dossier)
    assert pause.answer_by == date(2026, 3, 23)  # 10 working days after Mon 09/03
    assert pause.kind == PauseKind.SUPPLEMENT and pause.reason == "Thiếu giấy tờ"
    other = request_supplement(
        province, processing(province), vn(2026, 3, 9, 9, 0), answer_by=date(2026, 3, 31)
    )
    assert DossierPause.objects.get(dossier=other).answer_by == date(2026, 3, 31)


@pytest.mark.parametrize(
    "answer_by",
    [date(2026, 3, 9), date(2026, 3, 6), date(2026, 3, 14), date(2026, 4, 27)],
    ids=["today", "past", "saturday", "gio-to-compensatory-monday"],
)
def test_an_answer_by_date_that_is_not_a_later_working_day_is_refused(province, answer_by):
    dossier = processing(province)
    before = unchanged(dossier)
    with pytest.raises(ValidationFailed):
        request_supplement(province, dossier, vn(2026, 3, 9, 9, 0), answer_by=answer_by)
    assert unchanged(dossier) == before


def test_past_the_answer_by_date_the_dossier_may_be_stopped(province):
    dossier = request_supplement(
        province, processing(province), vn(2026, 3, 9, 9, 0), answer_by=date(2026, 3, 16)
    )
    stop = INPUT[Act.STOP]
    with pytest.raises(DomainError) as refused:
        act(province, dossier, Act.STOP, Role.LEADER, vn(2026, 3, 16, 16, 0), **stop)
    assert refused.value.code == "answer_by_not_passed"
    dossier = act(province, dossier, Act.STOP, Role.LEADER, vn(2026, 3, 17, 8, 0), **stop)
    assert dossier.status == DossierStatus.STOPPED
    assert dossier.paused_at == vn(2026, 3, 9, 9, 0)  # the clock stopped at the request
    supplement, stopped = DossierPause.objects.filter(dossier=dossier)
    assert (supplement.kind, supplement.end_act, supplement.ended_at) == (
        PauseKind.SUPPLEMENT,
        Act.STOP,
        vn(2026, 3, 17, 8, 0),
    )
    assert (stopped.kind, stopped.ended_at) == (PauseKind.STOP, None)
    dossier = act(province, dossier, Act.RESUME, Role.LEADER, vn(2026, 3, 18, 9, 0))
    assert dossier.status == DossierStatus.IN_PROCESSING
    # The stop resumes as a supplement (restart): 5 working days from Wed 18/03.
    assert dossier.due_at == vn(2026, 3, 25, 17, 0)
    assert DossierPause.objects.get(pk=stopped.pk).due_after == dossier.due_at


def test_a_specialist_may_not_stop_and_nobody_may_answer_an_open_pause_twice(province):
    dossier = request_supplement(province, processing(province), vn(2026, 3, 9, 9, 0))
    with pytest.raises(DomainError):
        act(province, dossier, Act.STOP, Role.SPECIALIST, vn(2026, 3, 30, 9, 0), comment="x")
    assert DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).count() == 1


def test_withdrawal_and_intake_supplements_are_kept_in_the_history(province):
    dossier = request_supplement(province, processing(province), vn(2026, 3, 9, 9, 0))
    dossier = act(
        province,
        dossier,
        Act.WITHDRAW,
        Role.RECEPTION_OFFICER,
        vn(2026, 3, 10, 9, 0),
        comment="Đơn rút",
    )
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.end_act, pause.ended_at, pause.due_after) == (
        Act.WITHDRAW,
        vn(2026, 3, 10, 9, 0),
        dossier.due_at,
    )


# --- property: pauses never shorten the legal time ------------------------------------------

# 2026's weekday days off (Tết 16-20/02, Giỗ Tổ's compensatory 27/04, 30/04, 01/05, 01-02/09).
DAYS_OFF_2026 = frozenset(
    [date(2026, 2, day) for day in range(16, 21)]
    + [date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1)]
    + [date(2026, 9, 1), date(2026, 9, 2)]
)
CALENDAR = WorkingCalendar(days_off=DAYS_OFF_2026)
PERIODS = st.sampled_from(
    [Period(working_days=days) for days in (1, 3, 5, 15)]
    + [Period(working_days=5, count=DayCount.HOURS), Period(working_hours=4)]
)
PAUSES = st.lists(
    st.tuples(
        st.sampled_from([PauseKind.SUPPLEMENT, PauseKind.FINANCIAL_OBLIGATION, PauseKind.STOP]),
        st.integers(min_value=0, max_value=60 * 24 * 9),  # minutes after the last resume
        st.integers(min_value=0, max_value=60 * 24 * 20),  # minutes paused
    ),
    max_size=5,
)


@given(
    accepted=st.datetimes(
        min_value=datetime(2026, 1, 5),  # noqa: DTZ001 (hypothesis wants naive bounds)
        max_value=datetime(2026, 11, 30),  # noqa: DTZ001
    ),
    period=PERIODS,
    mode=st.sampled_from(["restart", "extend"]),
    pauses=PAUSES,
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_pauses_never_shorten_the_legal_time(accepted, period, mode, pauses):
    moment = accepted.replace(tzinfo=VN_TZ)
    due = CALENDAR.due(moment, period)
    for kind, after, length in pauses:
        paused = moment + timedelta(minutes=after)
        resumed = paused + timedelta(minutes=length)
        new = pauses_rules.resumed_due(
            CALENDAR,
            due_at=due,
            paused_at=paused,
            resumed_at=resumed,
            period=period,
            kind=kind,
            procedure_mode=mode,
        )
        assert new >= due
        if pauses_rules.resume_mode(kind, mode) == ResumeMode.RESTART:
            # The whole legal time again, counted from the resume.
            assert new >= CALENDAR.due(resumed, period)
        else:
            # The working time left after the pause is what was left when it began.
            left = CALENDAR.working_time_between(paused, due)
            assert CALENDAR.working_time_between(resumed, new) >= left
        if kind == PauseKind.FINANCIAL_OBLIGATION:
            # ... and a financial obligation adds no more than the paused working time.
            added = CALENDAR.working_time_between(due, new)
            assert added <= CALENDAR.working_time_between(paused, resumed)
        due, moment = new, resumed


def test_the_events_rebuild_the_history_the_acts_wrote(province):
    """Migration 0013 rebuilds the history of older dossiers from their events
    (dossiers.pause_history): on dossiers acted on now it gives the rows the acts wrote."""
    dossier = request_supplement(province, processing(province), vn(2026, 3, 9, 9, 0))
    dossier = act(province, dossier, Act.RECEIVE_SUPPLEMENT, Role.RECEPTION_OFFICER, PAUSED)
    dossier = pause_and_resume(province, dossier, PauseKind.FINANCIAL_OBLIGATION, PAUSED, RESUMED)
    dossier = act(province, dossier, Act.STOP, Role.LEADER, vn(2026, 3, 17, 9, 0), comment="x")
    fields = ("kind", "started_at", "ended_at", "answer_by", "due_before", "due_after", "end_act")
    stored = list(DossierPause.objects.filter(dossier=dossier).values_list(*fields))
    chain = AuditEvent.objects.filter(chain=audit.chain_of(dossier)).order_by("seq")
    rebuilt = pauses_from_events(chain, partial(DossierPause, dossier=dossier))
    assert [tuple(getattr(p, name) for name in fields) for p in rebuilt] == stored
    assert len(stored) == 3 and stored[-1][2] is None
