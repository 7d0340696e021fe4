"""Random dossiers, random acts at random times, through the real services: for any period,
the statistics table equals a plain recount in Python over the dossiers (written from the
definitions, not from the query), in both comparison modes, and every row balances."""

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


def make_dossiers(tree, data) -> None:
    p = tree.province
    for _ in range(data.draw(st.integers(1, 6), label="dossiers")):
        moment = FIRST + timedelta(hours=data.draw(st.integers(0, 24 * 150), label="start"))
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
            moment += timedelta(hours=data.draw(st.integers(0, 24 * 20), label="hours"))
            try:
                dossier = dossier_act(dossier=dossier, act=act, actor=actor, data=FULL, at=moment)
            except DomainError:
                continue
        event(f"ends {dossier.status}")


def recount(start: date, end: date, mode: str) -> dict[int, dict[str, int]]:
    """The table's definitions, dossier by dossier (docs/architecture.md, "Statistics")."""
    begin, stop = period_bounds(start, end)
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    for d in Dossier.objects.all():
        row = out[d.receiving_agency_id]
        if d.status == S.NOT_ACCEPTED and begin <= d.closed_at < stop:
            row["refused"] += 1
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
        if d.finished_at is not None and d.finished_at < stop:
            if d.due_at is None:
                row["resolved_on_time"] += 1
            elif mode == "date":
                row[f"resolved_{judge(d.finished_at, d.due_at)}"] += 1
            elif d.finished_at > d.due_at:
                row["resolved_late"] += 1
            elif local(d.finished_at).date() < local(d.due_at).date():
                row["resolved_early"] += 1
            else:
                row["resolved_on_time"] += 1
        elif d.status == S.WITHDRAWN and d.closed_at < stop:
            row["withdrawn"] += 1
        elif d.status in PAUSE_COLUMNS and d.paused_at < stop:
            row[PAUSE_COLUMNS[d.status]] += 1
        elif d.due_at is None or (
            local(d.due_at).date() >= end if mode == "date" else d.due_at >= stop
        ):
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
    for mode in ("date", "time"):
        with override_settings(MOTCUA_STATISTICS_COMPARE=mode):
            table = statistics_table(agency=tree.top, start=start, end=end, roll_up=False)
            by_field = statistics_table(agency=tree.top, start=start, end=end, group_by="field")
        expected = recount(start, end, mode)
        zero = dict.fromkeys(COUNT_FIELDS, 0)
        got = {row.key: row.counts() for row in table.rows}
        assert got == {row.key: expected.get(row.key, zero) for row in table.rows}, mode
        assert set(expected) <= set(got)
        assert all(row.balanced for row in (*table.rows, table.total))
        assert by_field.total.counts() == table.total.counts()
    for month in monthly_series(agency=tree.top, start=start, end=end):  # its own SQL
        assert month.row == statistics_total(agency=tree.top, start=month.start, end=month.end)
