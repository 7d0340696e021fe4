"""The statistics table, every cell, from dossiers built through the real services: early, on
time, late, a supplement across Tết, a transfer (liên thông), paused, withdrawn, refused and
carried over, for February–March 2026, grouped by agency (with and without roll-up), field and
procedure."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core.errors import ValidationFailed
from motcua.deadlines.calendar import local
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.services import dossier_register
from motcua.dossiers.tests.conftest import publish_process, vn
from motcua.reporting.statistics import (
    COUNT_FIELDS,
    StatRow,
    monthly_series,
    statistics_agencies,
    statistics_table,
    statistics_total,
)

from .conftest import act, counter

pytestmark = pytest.mark.django_db
S = DossierStatus
R = Role
START, END = date(2026, 2, 1), date(2026, 3, 31)


def at_due(dossier, hour=9, days=0):
    """`days` after the dossier's appointment date, at `hour` o'clock Vietnam time."""
    day = local(dossier.due_at).date() + timedelta(days=days)
    return vn(day.year, day.month, day.day, hour, 0)


def finish(tree, dossier, moment):
    if dossier.status == S.ACCEPTED:
        dossier = act(tree, dossier, Act.FORWARD, R.RECEPTION_OFFICER, moment - timedelta(hours=1))
    return act(tree, dossier, Act.FINISH, R.LEADER, moment, result_number="1/GCN")


def started(tree, at, **kwargs):
    dossier = counter(tree, at, **kwargs)
    return act(tree, dossier, Act.FORWARD, R.RECEPTION_OFFICER, at + timedelta(hours=1))


def build(tree):
    """The dossiers of the module doc; returns notes the tests check."""
    p = tree.province
    notes = {}
    # A: received before the period, resolved early inside it (carried over).
    a = counter(tree, vn(2026, 1, 28, 9, 0))
    finish(tree, a, at_due(a, days=-2))
    # B: received and resolved before the period: not in the table.
    b = counter(tree, vn(2026, 1, 5, 8, 0))
    finish(tree, b, vn(2026, 1, 7, 10, 0))
    # B2: received and withdrawn before the period: not in the table.
    b2 = counter(tree, vn(2026, 1, 12, 8, 0))
    act(tree, b2, Act.WITHDRAW, R.RECEPTION_OFFICER, vn(2026, 1, 14, 8, 0), comment="Rút")
    # C: online, accepted in the period, resolved on its appointment day, then returned.
    c = dossier_register(
        procedure=p.procedure,
        agency=p.commune,
        channel=Channel.ONLINE,
        applicant=p.applicant(),
        actor=p.users["citizen"],
        at=vn(2026, 1, 30, 20, 0),  # submitted before the period: counts from acceptance
    )
    c = act(tree, c, Act.ACCEPT, R.RECEPTION_OFFICER, vn(2026, 2, 2, 9, 0))
    c = finish(tree, c, at_due(c, hour=16))
    act(
        tree,
        c,
        Act.RETURN_RESULT,
        R.RECEPTION_OFFICER,
        at_due(c, hour=17),
        return_method="counter",
        recipient_name="Nguyễn Văn An",
    )
    # D: resolved a day after its appointment: late.
    d = counter(tree, vn(2026, 2, 3, 8, 0))
    finish(tree, d, at_due(d, days=1))
    # E: a supplement requested before Tết and received after it: the appointment moves, and
    # the dossier finished on the new appointment day is on time.
    e = started(tree, vn(2026, 2, 9, 8, 0))
    old_due = e.due_at
    e = act(tree, e, Act.REQUEST_SUPPLEMENT, R.SPECIALIST, vn(2026, 2, 11, 10, 0), missing=["Sổ"])
    e = act(tree, e, Act.RECEIVE_SUPPLEMENT, R.SPECIALIST, vn(2026, 2, 25, 10, 0))
    notes["tet"] = (old_due, e.due_at)
    finish(tree, e, at_due(e, hour=10))
    # F, G, H: paused at the period end (supplement, financial obligation, stopped).
    f = started(tree, vn(2026, 3, 10, 8, 0))
    act(tree, f, Act.REQUEST_SUPPLEMENT, R.SPECIALIST, vn(2026, 3, 12, 8, 0), missing=["Sổ"])
    g = started(tree, vn(2026, 3, 10, 8, 0))
    act(
        tree,
        g,
        Act.REQUEST_FINANCIAL_OBLIGATION,
        R.SPECIALIST,
        vn(2026, 3, 12, 8, 0),
        comment="Thuế",
        amount=100000,
    )
    h = started(tree, vn(2026, 3, 10, 8, 0))
    act(tree, h, Act.STOP, R.DEPARTMENT_HEAD, vn(2026, 3, 12, 8, 0), comment="Dừng")
    # I: withdrawn in the period after acceptance.
    i = counter(tree, vn(2026, 2, 11, 8, 0))
    act(tree, i, Act.WITHDRAW, R.RECEPTION_OFFICER, vn(2026, 2, 13, 8, 0), comment="Rút")
    # J: refused at intake in the period (never received); K: registered, not yet accepted.
    for day in (5, 20):
        online = dossier_register(
            procedure=p.procedure,
            agency=p.commune,
            channel=Channel.ONLINE,
            applicant=p.applicant(),
            actor=p.users["citizen"],
            at=vn(2026, 2, day, 8, 0),
        )
        if day == 5:
            act(tree, online, Act.REFUSE, R.RECEPTION_OFFICER, vn(2026, 2, 6, 8, 0), comment="Sai")
    # L: received in the period, still open long after its appointment (overdue).
    counter(tree, vn(2026, 2, 2, 8, 0))
    # M: received before the period, still open (carried over, overdue).
    counter(tree, vn(2026, 1, 20, 8, 0))
    # O: paused only after the period end: running (within) at the end.
    o = started(tree, vn(2026, 3, 30, 8, 0))
    act(tree, o, Act.REQUEST_SUPPLEMENT, R.SPECIALIST, vn(2026, 4, 2, 8, 0), missing=["Sổ"])
    # Q: received after the period: not in the table.
    counter(tree, vn(2026, 4, 1, 8, 0))
    # P: the other commune, another procedure (field "Hộ tịch"), open and overdue.
    counter(
        tree, vn(2026, 2, 4, 8, 0), agency=p.other_commune, procedure=tree.civil, who="outsider"
    )
    # N: transferred to the tax office (liên thông) at the end: still the commune's dossier.
    publish_process(p)
    n = counter(tree, vn(2026, 3, 30, 8, 0))
    n = act(tree, n, Act.FORWARD, R.RECEPTION_OFFICER, vn(2026, 3, 30, 9, 0))
    n = act(tree, n, Act.TRANSFER, R.SPECIALIST, vn(2026, 3, 30, 10, 0))
    notes["transfer"] = n
    return notes


COMMUNE = {
    "carried_over": 2,  # A, M
    "received_online": 1,  # C
    "received_counter": 9,  # D, E, F, G, H, I, L, O, N
    "received_post": 0,
    "resolved_early": 1,  # A
    "resolved_on_time": 2,  # C, E
    "resolved_late": 1,  # D
    "in_progress_within": 2,  # O, N
    "in_progress_overdue": 2,  # L, M
    "awaiting_supplement": 1,  # F
    "awaiting_obligation": 1,  # G
    "stopped": 1,  # H
    "withdrawn": 1,  # I
    "refused": 1,  # J
    "acceptance_overdue": 1,  # K, online, waiting since 20 Feb
}
OTHER = dict.fromkeys(COUNT_FIELDS, 0) | {"received_counter": 1, "in_progress_overdue": 1}
TOTAL = {name: COMMUNE[name] + OTHER[name] for name in COUNT_FIELDS}


def cells(row: StatRow) -> tuple:
    return (row.kind, row.key, row.label, row.counts())


def test_every_cell_grouped_by_agency_with_roll_up(tree):
    notes = build(tree)
    old_due, new_due = notes["tet"]
    # Mon 9 Feb + 5 working days skips Tết (off 16-20 Feb): due Mon 23 Feb; the pause from
    # 11 to 25 Feb moves it past the day the dossier is finished (late by the old date).
    assert local(old_due).date() == date(2026, 2, 23)
    assert local(new_due).date() > date(2026, 2, 25)
    assert notes["transfer"].status == S.IN_TRANSFER
    assert notes["transfer"].current_agency == tree.province.tax

    table = statistics_table(agency=tree.top, start=START, end=END)
    assert table.compare == "date"
    assert [cells(r) for r in table.rows] == [
        ("agency", tree.province.other_commune.pk, "Cơ quan xa-b", OTHER),
        ("agency", tree.district.pk, "Khu vực A", COMMUNE),  # the commune, rolled up
    ]
    assert cells(table.total) == ("total", None, "UBND tỉnh", TOTAL)
    assert all(row.balanced for row in (*table.rows, table.total))
    total = table.total
    assert (total.received, total.resolved, total.in_progress, total.paused) == (11, 4, 5, 3)
    assert total.on_time_rate == pytest.approx(3 / 4)
    assert total.online_rate == pytest.approx(1 / 11)
    assert statistics_total(agency=tree.top, start=START, end=END) == total

    # The tax office holds the transferred dossier but did not receive it.
    assert statistics_table(agency=tree.province.tax, start=START, end=END).total.is_empty


def test_every_cell_without_roll_up_and_by_field_and_procedure(tree):
    build(tree)
    p = tree.province
    zero = dict.fromkeys(COUNT_FIELDS, 0)
    flat = statistics_table(agency=tree.top, start=START, end=END, roll_up=False)
    assert [cells(r) for r in flat.rows] == [
        ("agency", p.commune.pk, "Cơ quan xa-a", COMMUNE),
        ("agency", p.other_commune.pk, "Cơ quan xa-b", OTHER),
        ("agency", tree.district.pk, "Khu vực A", zero),
        ("agency", tree.top.pk, "UBND tỉnh", zero),
    ]
    assert flat.total.counts() == TOTAL

    by_field = statistics_table(agency=tree.top, start=START, end=END, group_by="field")
    fields = {r.label: r.counts() for r in by_field.rows}
    assert fields == {"Đất đai": COMMUNE, "Hộ tịch": OTHER}
    assert [r.label for r in by_field.rows] == ["Đất đai", "Hộ tịch"]

    by_procedure = statistics_table(agency=tree.top, start=START, end=END, group_by="procedure")
    assert [(r.key, r.label, r.counts()) for r in by_procedure.rows] == [
        (tree.civil.pk, "1.001193 – Thủ tục đăng ký khai sinh", OTHER),
        (p.procedure.pk, "1.004227 – Đăng ký biến động quyền sử dụng đất", COMMUNE),
    ]
    assert by_procedure.total.counts() == by_field.total.counts() == TOTAL

    # One commune alone: its own desk is its only row.
    alone = statistics_table(agency=p.commune, start=START, end=END)
    assert [cells(r) for r in alone.rows] == [("agency", p.commune.pk, "Cơ quan xa-a", COMMUNE)]


def test_a_later_period_carries_over_what_was_open(tree):
    build(tree)
    april = statistics_table(agency=tree.top, start=date(2026, 4, 1), end=date(2026, 4, 30))
    total = april.total
    # Open at the end of March: L, M, O, N, F, G, H (commune) and P (other commune).
    assert total.carried_over == 8
    assert total.received_counter == 1  # Q
    assert total.balanced


def test_monthly_series_splits_the_period(tree):
    build(tree)
    series = monthly_series(agency=tree.top, start=date(2026, 1, 15), end=END)
    assert [(m.month, m.start, m.end) for m in series] == [
        (date(2026, 1, 1), date(2026, 1, 15), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 31)),
    ]
    for mode in ("date", "time"):
        with override_settings(MOTCUA_JUDGEMENT_LEVEL=mode):
            for m in monthly_series(agency=tree.top, start=date(2026, 1, 15), end=END):
                assert m.row == statistics_total(agency=tree.top, start=m.start, end=m.end)
            assert monthly_series(agency=tree.province.commune, start=START, end=END)[0].row == (
                statistics_total(agency=tree.province.commune, start=START, end=date(2026, 2, 28))
            )
    february, march = series[1].row, series[2].row
    assert february.carried_over == series[0].row.in_progress + series[0].row.paused
    assert march.carried_over == february.in_progress + february.paused
    assert february.received + march.received == TOTAL["received_counter"] + 1
    assert february.resolved + march.resolved == 4


@pytest.mark.parametrize(
    ("mode", "judged"),
    [("date", "resolved_on_time"), ("time", "resolved_late")],
)
def test_date_level_or_timestamp_comparison(tree, mode, judged):
    dossier = counter(tree, vn(2026, 2, 3, 8, 0))
    finish(tree, dossier, at_due(dossier, hour=18))  # the due day, after closing time
    with override_settings(MOTCUA_JUDGEMENT_LEVEL=mode):
        row = statistics_total(agency=tree.top, start=START, end=END)
    assert row.resolved == 1
    assert getattr(row, judged) == 1


@pytest.mark.parametrize(("moves", "judged"), [(False, "resolved_late"), (True, "resolved_early")])
def test_an_apology_moves_the_deadline_only_when_the_setting_says_so(tree, moves, judged):
    dossier = counter(tree, vn(2026, 3, 2, 8, 0))  # Monday: due Monday 9 March
    assert local(dossier.due_at).date() == date(2026, 3, 9)
    with override_settings(MOTCUA_APOLOGY_MOVES_DEADLINE=moves):
        act(
            tree,
            dossier,
            Act.APOLOGISE,
            R.RECEPTION_OFFICER,
            vn(2026, 3, 9, 8, 0),
            comment="Chậm",
            new_appointment=date(2026, 3, 20),
        )
    finish(tree, dossier, vn(2026, 3, 19, 9, 0))
    row = statistics_total(agency=tree.top, start=START, end=END)
    assert getattr(row, judged) == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 3, 1), date(2026, 2, 1), "ở trước ngày đầu"),
        (date(2025, 1, 1), date(2026, 1, 2), "dài hơn 366 ngày"),
    ],
)
def test_bad_periods_are_refused(tree, start, end, message):
    with pytest.raises(ValidationFailed) as error:
        statistics_table(agency=tree.top, start=start, end=end)
    assert message in " ".join(error.value.errors)
    with pytest.raises(ValidationFailed):
        statistics_table(agency=tree.top, start=START, end=END, group_by="colour")


def test_the_agencies_an_official_may_read(tree):
    p = tree.province
    assert set(statistics_agencies(user=p.users[R.SPECIALIST])) == {p.commune}
    assert set(statistics_agencies(user=p.users[R.SUPERVISOR])) >= {tree.top, p.tax}
    assert not statistics_agencies(user=p.users["citizen"]).exists()
