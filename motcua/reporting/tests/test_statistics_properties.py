"""Random dossiers, random acts at random times, through the real services: for any period,
the statistics table equals a plain recount in Python over the dossiers and their pause history
(written from the definitions, not from the query), at both judgement levels, and every row
balances; and a table taken at a period's end is the same after more random acts later."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core.errors import DomainError
from motcua.deadlines.calendar import judge, local
from motcua.dossiers.acceptance_alerts import acceptance_deadline
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, dossier_act, dossier_register
from motcua.dossiers.states import TRANSITIONS
from motcua.dossiers.tests.conftest import vn
from motcua.reporting.statistics import (
    COUNT_FIELDS,
    PAUSE_COLUMNS,
    monthly_series,
    period_bounds,
    statistics_table,
    statistics_total,
)

from .conftest import counter

pytestmark = pytest.mark.django_db
S = DossierStatus
FULL = ActInput(
    comment="Lý do",
    missing=["Giấy tờ"],
    amount=50000,
    result_number="1/KQ",
    return_method="post",
    tracking_number="RR123456789VN",
)
SKIPPED = {Act.TRANSFER, Act.RECEIVE_BACK, Act.SEND_BACK, Act.APOLOGISE}  # no process here
# Who performs an act: the first of these roles the transition allows.
ACTORS = [
    Role.RECEPTION_OFFICER,
    Role.SPECIALIST,
    Role.DEPARTMENT_HEAD,
    Role.LEADER,
]
FIRST = vn(2026, 1, 5, 8, 0)


def _acts(status: str) -> list[Act]:
    return [act for (source, act) in TRANSITIONS if source == status and act not in SKIPPED]


def _actor(tree, status: str, act: Act, agency_is_commune: bool):
    roles = TRANSITIONS[(S(status), act)].roles
    if not agency_is_commune:
        return tree.province.users["outsider"] if Role.RECEPTION_OFFICER in roles else None
    return next((tree.province.users[r] for r in ACTORS if r in roles), None)


def make_dossiers(tree, data, until=None) -> list:
    """Random dossiers with random acts; with `until`, each story stops before that moment
    and what is needed to go on (`go_on`) is returned."""
    p = tree.province
    stories = []
    for _ in range(data.draw(st.integers(1, 6), label="dossiers")):
        moment = FIRST + timedelta(hours=data.draw(st.integers(0, 24 * 150), label="start"))
        if until is not None and moment >= until:
            continue
        commune = data.draw(st.integers(0, 3), label="commune") > 0
        online = commune and data.draw(st.booleans(), label="online")
        if online:
            dossier = dossier_register(
                procedure=p.procedure,
                agency=p.commune,
                channel=Channel.ONLINE,
                applicant=p.applicant(),
                actor=p.users["citizen"],
                at=moment,
            )
        else:
            dossier = counter(
                tree,
                moment,
                agency=p.commune if commune else p.other_commune,
                procedure=p.procedure if commune else tree.civil,
                who="reception_officer" if commune else "outsider",
            )
        stories.append(go_on(tree, data, dossier, moment, commune, until))
    return stories


def go_on(tree, data, dossier, moment, commune, until=None):
    """Random acts on `dossier` after `moment` (all before `until`, if given)."""
    for _step in range(data.draw(st.integers(0, 8), label="acts")):
        acts = _acts(dossier.status)
        if data.draw(st.integers(0, 5), label="may withdraw"):
            acts = [act for act in acts if act != Act.WITHDRAW]  # it ends the story
        if not acts:
            break
        act = data.draw(st.sampled_from(acts), label="act")
        actor = _actor(tree, dossier.status, act, commune)
        if actor is None:
            continue
        later = moment + timedelta(hours=data.draw(st.integers(0, 24 * 20), label="hours"))
        if until is not None and later >= until:
            break
        moment = later
        try:
            dossier = dossier_act(dossier=dossier, act=act, actor=actor, data=FULL, at=moment)
        except DomainError:
            continue
    event(f"ends {dossier.status}")
    return dossier, commune


def recount(start: date, end: date, level: str) -> dict[int, dict[str, int]]:
    """The table's definitions, dossier by dossier (docs/architecture.md, "Statistics")."""
    begin, stop = period_bounds(start, end)
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    for d in Dossier.objects.all():
        row = out[d.receiving_agency_id]
        pauses = sorted(d.pauses.all(), key=lambda p: p.started_at)
        # not ended by the end (a half-open period: ending at the stop is after it)
        later = [p for p in pauses if p.ended_at is None or p.ended_at >= stop]
        if d.status == S.NOT_ACCEPTED and begin <= d.closed_at < stop:
            row["refused"] += 1
        if d.channel == Channel.ONLINE and d.submitted_at < stop:
            left = d.accepted_at or d.closed_at
            waiting = (left is None or left >= stop) and not (later and later[0].started_at < stop)
            if waiting and acceptance_deadline(d) < stop:
                row["acceptance_overdue"] += 1
        if d.accepted_at is None or d.accepted_at >= stop:
            continue
        left = d.finished_at or (d.closed_at if d.status == S.WITHDRAWN else None)
        if left is not None and left < begin:
            continue
        if d.accepted_at < begin:
            row["carried_over"] += 1
        else:
            column = {"online": "online", "direct": "counter", "post": "post"}[d.channel]
            row[f"received_{column}"] += 1
        due = later[0].due_before if later and later[0].due_before else d.due_at
        if d.finished_at is not None and d.finished_at < stop:
            if d.due_at is None:
                row["resolved_on_time"] += 1
            elif level == "date":
                row[f"resolved_{judge(d.finished_at, d.due_at)}"] += 1
            elif d.finished_at > d.due_at:
                row["resolved_late"] += 1
            elif local(d.finished_at).date() < local(d.due_at).date():
                row["resolved_early"] += 1
            else:
                row["resolved_on_time"] += 1
        elif d.status == S.WITHDRAWN and d.closed_at < stop:
            row["withdrawn"] += 1
        elif later and later[0].started_at < stop:
            row[PAUSE_COLUMNS[later[0].kind]] += 1
        elif due is None or (local(due).date() >= end if level == "date" else due >= stop):
            row["in_progress_within"] += 1
        else:
            row["in_progress_overdue"] += 1
    return out


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_table_equals_a_recount(tree, data):
    Dossier.objects.all().delete()  # the examples share the test's transaction
    make_dossiers(tree, data)
    start = date(2026, 1, 1) + timedelta(days=data.draw(st.integers(0, 200), label="from"))
    end = start + timedelta(days=data.draw(st.integers(0, 120), label="days"))
    for level in ("date", "time"):
        with override_settings(MOTCUA_JUDGEMENT_LEVEL=level):
            table = statistics_table(agency=tree.top, start=start, end=end, roll_up=False)
            by_field = statistics_table(agency=tree.top, start=start, end=end, group_by="field")
        expected = recount(start, end, level)
        zero = dict.fromkeys(COUNT_FIELDS, 0)
        got = {row.key: row.counts() for row in table.rows}
        assert got == {row.key: expected.get(row.key, zero) for row in table.rows}, level
        assert set(expected) <= set(got)
        assert all(row.balanced for row in (*table.rows, table.total))
        assert by_field.total.counts() == table.total.counts()
    for month in monthly_series(agency=tree.top, start=start, end=end):  # its own SQL
        assert month.row == statistics_total(agency=tree.top, start=month.start, end=month.end)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_past_table_does_not_change_with_later_acts(tree, data):
    Dossier.objects.all().delete()
    end = date(2026, 1, 20) + timedelta(days=data.draw(st.integers(0, 120), label="end"))
    start = end - timedelta(days=data.draw(st.integers(0, 60), label="days"))
    stop = period_bounds(start, end)[1]
    stories = make_dossiers(tree, data, until=stop)

    def take():
        out = []
        for level in ("date", "time"):
            with override_settings(MOTCUA_JUDGEMENT_LEVEL=level):
                table = statistics_table(agency=tree.top, start=start, end=end, roll_up=False)
                out.append([(r.key, r.counts()) for r in (*table.rows, table.total)])
        out.append(monthly_series(agency=tree.top, start=start, end=end))
        return out

    before = take()
    for dossier, commune in stories:
        go_on(tree, data, dossier, stop, commune)
    assert take() == before
