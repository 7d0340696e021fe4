"""A past period's table does not change with later acts: the dossiers are classified as they
stood at the period end, from the pause history (DossierPause) and the legal due time as of the
end (reporting.statistics_history). March 2026, the commune of the dossier tests (5 working
days)."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.deadlines.calendar import local
from motcua.dossiers.constants import Act, DossierStatus, PauseKind
from motcua.dossiers.models import Apology, Dossier, DossierPause
from motcua.dossiers.services import dossier_register
from motcua.dossiers.tests.conftest import vn
from motcua.reporting.report import FLAT_COLUMNS, report_xlsx, row_values
from motcua.reporting.statistics import (
    COUNT_FIELDS,
    monthly_series,
    statistics_table,
    statistics_total,
)
from motcua.reporting.statistics_history import Moved, Open, Pause, classify, within_bound

from .conftest import act, counter

pytestmark = pytest.mark.django_db
R = Role
S = DossierStatus
START, END = date(2026, 3, 1), date(2026, 3, 31)
STOP = vn(2026, 4, 1, 0, 0)  # 00:00 after the last day


def processing(tree, at: datetime) -> Dossier:
    dossier = counter(tree, at)
    return act(tree, dossier, Act.FORWARD, R.RECEPTION_OFFICER, at + timedelta(minutes=30))


def tables(tree) -> dict:
    """Everything a March table shows, at both judgement levels, and the monthly series."""
    out = {}
    for level in ("date", "time"):
        with override_settings(MOTCUA_JUDGEMENT_LEVEL=level):
            for group_by in ("agency", "procedure"):
                table = statistics_table(agency=tree.top, start=START, end=END, group_by=group_by)
                out[level, group_by] = [(r.key, r.counts()) for r in (*table.rows, table.total)]
            months = monthly_series(agency=tree.top, start=date(2026, 2, 1), end=END)
            out[level, "months"] = [m.row.counts() for m in months]
    return out


def test_a_past_table_gives_the_same_numbers_after_later_acts(tree):
    with time_machine.travel(vn(2026, 3, 31, 16, 0), tick=False):
        # A: paused before the end (supplement), resumed after it: its due time moves.
        a = processing(tree, vn(2026, 3, 16, 8, 0))  # due Mon 23 Mar
        a = act(
            tree, a, Act.REQUEST_SUPPLEMENT, R.SPECIALIST, vn(2026, 3, 18, 9, 0), missing=["Sổ"]
        )
        # B: running at the end and overdue (due Fri 27 Mar), paused after it.
        b = processing(tree, vn(2026, 3, 20, 8, 0))
        # C: running at the end, within (due Mon 6 Apr), stopped after it.
        c = processing(tree, vn(2026, 3, 30, 8, 0))
        # D: running at the end, due on the last day (within at the date level), finished after.
        d = processing(tree, vn(2026, 3, 24, 8, 0))
    assert local(b.due_at).date() == date(2026, 3, 27)
    assert local(d.due_at).date() == date(2026, 3, 31)
    with time_machine.travel(vn(2026, 4, 1, 7, 0), tick=False):
        before = tables(tree)
    total = statistics_total(agency=tree.top, start=START, end=END)
    expected = dict.fromkeys(COUNT_FIELDS, 0) | {
        "received_counter": 4,
        "awaiting_supplement": 1,  # A
        "in_progress_overdue": 1,  # B
        "in_progress_within": 2,  # C, D
    }
    assert total.counts() == expected

    with time_machine.travel(vn(2027, 1, 11, 9, 0), tick=False):  # the next year
        a_due = a.due_at
        a = act(tree, a, Act.RECEIVE_SUPPLEMENT, R.SPECIALIST, vn(2026, 4, 7, 9, 0))
        assert a.due_at > a_due  # the legal time restarted
        act(tree, a, Act.FINISH, R.LEADER, vn(2026, 4, 10, 9, 0), result_number="1/GCN")
        b_due = b.due_at
        b = act(
            tree,
            b,
            Act.REQUEST_FINANCIAL_OBLIGATION,
            R.SPECIALIST,
            vn(2026, 4, 1, 9, 0),
            comment="Thuế",
            amount=100000,
        )
        b = act(tree, b, Act.CONFIRM_PAYMENT, R.SPECIALIST, vn(2026, 4, 15, 9, 0))
        assert local(b.due_at).date() > END  # extended past the end: "within" if read now
        assert b_due < b.due_at
        act(tree, c, Act.STOP, R.DEPARTMENT_HEAD, vn(2026, 4, 2, 8, 0), comment="Dừng")
        act(tree, d, Act.FINISH, R.LEADER, vn(2026, 4, 2, 9, 0), result_number="2/GCN")
        assert DossierPause.objects.count() == 3
        after = tables(tree)
    assert after == before


# Each row: current due time, pauses (kind, started, ended, due_before), the expected column at
# the end of March (stop: 1 Apr 00:00). Source: the rule of docs/architecture.md "Statistics"
# and "Pauses, once-only acts and the answer-by date" (dossiers.services moves the legal due
# time only at acceptance and when a pause ends; which pause restarts or extends it is
# unconfirmed, setting MOTCUA_RESUME_AFTER); half-open periods: a pause ending at the stop
# itself was still running in the period.
SUPPLEMENT, OBLIGATION, STOP_KIND = PauseKind.SUPPLEMENT, PauseKind.FINANCIAL_OBLIGATION, "stop"
CASES = [
    ("no pause, due before the last day", vn(2026, 3, 30, 17), [], "in_progress_overdue"),
    ("no pause, due on the last day", vn(2026, 3, 31, 17), [], "in_progress_within"),
    (
        "a supplement still awaited",
        vn(2026, 3, 27, 17),
        [(SUPPLEMENT, vn(2026, 3, 25, 9), None, vn(2026, 3, 27, 17))],
        "awaiting_supplement",
    ),
    (
        "an obligation paid after the end",
        vn(2026, 4, 8, 17),
        [(OBLIGATION, vn(2026, 3, 25, 9), vn(2026, 4, 2, 9), vn(2026, 3, 27, 17))],
        "awaiting_obligation",
    ),
    (
        "a pause that ended at the stop itself",
        vn(2026, 4, 8, 17),
        [(STOP_KIND, vn(2026, 3, 20, 9), STOP, vn(2026, 3, 25, 17))],
        "stopped",
    ),
    (
        "a pause from the stop itself: running at the end, due as before it",
        vn(2026, 4, 10, 17),
        [(STOP_KIND, STOP, vn(2026, 4, 3, 9), vn(2026, 3, 27, 17))],
        "in_progress_overdue",
    ),
    (
        "a pause after the end moved the due time: as before it",
        vn(2026, 4, 20, 17),
        [(SUPPLEMENT, vn(2026, 4, 3, 9), vn(2026, 4, 10, 9), vn(2026, 3, 27, 17))],
        "in_progress_overdue",
    ),
    (
        "a pause ended before the end: the current due time",
        vn(2026, 4, 2, 17),
        [(SUPPLEMENT, vn(2026, 3, 10, 9), vn(2026, 3, 20, 9), vn(2026, 3, 16, 17))],
        "in_progress_within",
    ),
    (
        "two pauses: the first not ended by the end gives the due time",
        vn(2026, 4, 15, 17),
        [
            (SUPPLEMENT, vn(2026, 3, 10, 9), vn(2026, 3, 20, 9), vn(2026, 3, 16, 17)),
            (OBLIGATION, vn(2026, 4, 5, 9), vn(2026, 4, 9, 9), vn(2026, 3, 30, 17)),
        ],
        "in_progress_overdue",
    ),
]


def _hand_made(tree, due: datetime, pauses) -> Dossier:
    dossier = counter(tree, vn(2026, 3, 2, 8, 0))
    Dossier.objects.filter(pk=dossier.pk).update(due_at=due, status=S.IN_PROCESSING)
    for kind, started, ended, before in pauses:
        DossierPause.objects.create(
            dossier=dossier, kind=kind, started_at=started, ended_at=ended, due_before=before
        )
    dossier.refresh_from_db()
    return dossier


@pytest.mark.parametrize(("case", "due", "pauses", "column"), CASES, ids=[c[0] for c in CASES])
def test_the_state_at_the_end_from_the_history(tree, case, due, pauses, column):
    dossier = _hand_made(tree, due, pauses)
    counts = statistics_total(agency=tree.top, start=START, end=END).counts()
    assert counts == dict.fromkeys(COUNT_FIELDS, 0) | {"received_counter": 1, column: 1}
    history = [Pause(p.kind, p.started_at, p.ended_at, p.due_before) for p in dossier.pauses.all()]
    state = Open(None, None, dossier.status, "", dossier.due_at)
    assert classify(state, STOP, within_bound(END, "date"), history) == column
    # The monthly series reads the same history (statistics_buckets).
    (march,) = monthly_series(agency=tree.top, start=START, end=END)
    assert march.row.counts() == counts


@pytest.mark.parametrize(
    ("moves", "column"), [(True, "in_progress_overdue"), (False, "in_progress_within")]
)
def test_an_apology_after_the_end_when_apologies_move_the_due_time(tree, moves, column):
    """MOTCUA_APOLOGY_MOVES_DEADLINE (unconfirmed, domain-vn §2.3): when on, the due time
    before an apology issued after the end is the apology's previous appointment."""
    dossier = processing(tree, vn(2026, 3, 23, 8, 0))  # due Mon 30 Mar
    act(
        tree,
        dossier,
        Act.APOLOGISE,
        R.RECEPTION_OFFICER,
        vn(2026, 3, 27, 9, 0),
        comment="Chậm",
        new_appointment=date(2026, 4, 20),
    )
    # As if issued after the end (the rules allow an apology only before the due time, so
    # this only happens with the time of the data moved by hand).
    Apology.objects.update(issued_at=vn(2026, 4, 2, 9, 0), previous_appointment=vn(2026, 3, 30, 17))
    Dossier.objects.filter(pk=dossier.pk).update(due_at=vn(2026, 4, 20, 17))
    with override_settings(MOTCUA_APOLOGY_MOVES_DEADLINE=moves):
        assert getattr(statistics_total(agency=tree.top, start=START, end=END), column) == 1
        (march,) = monthly_series(agency=tree.top, start=START, end=END)
        assert getattr(march.row, column) == 1
    moved = [Moved(vn(2026, 4, 2, 9, 0), vn(2026, 3, 30, 17))] if moves else []
    state = Open(None, None, S.IN_PROCESSING, "", vn(2026, 4, 20, 17))
    assert classify(state, STOP, within_bound(END, "date"), (), moved) == column


def test_the_old_comparison_setting_must_agree(tree):
    with (
        override_settings(MOTCUA_STATISTICS_COMPARE="time", MOTCUA_JUDGEMENT_LEVEL="date"),
        pytest.raises(ImproperlyConfigured, match="MOTCUA_JUDGEMENT_LEVEL"),
    ):
        statistics_total(agency=tree.top, start=START, end=END)
    with override_settings(MOTCUA_STATISTICS_COMPARE="time", MOTCUA_JUDGEMENT_LEVEL="time"):
        assert statistics_table(agency=tree.top, start=START, end=END).compare == "time"


# Online dossiers waiting for the reception officer past the acceptance deadline at the end of
# March: MOTCUA_ONLINE_ACCEPTANCE_HOURS working hours (8) after submission, on the agency's
# calendar (unconfirmed as law, setting MOTCUA_ONLINE_ACCEPTANCE_HOURS: Thanh Hóa's local
# service level, domain-vn §2.2; dossiers.acceptance_alerts). Each row: submitted, what
# happened after (act, when), counted or not.
WAITING = [
    ("waiting since Monday", vn(2026, 3, 30, 8), None, 1),
    ("submitted on the last day: deadline after the end", vn(2026, 3, 31, 10), None, 0),
    (
        "accepted after the end: still waiting at it",
        vn(2026, 3, 30, 8),
        (Act.ACCEPT, vn(2026, 4, 2, 9)),
        1,
    ),
    ("accepted before the end", vn(2026, 3, 30, 8), (Act.ACCEPT, vn(2026, 3, 31, 9)), 0),
    ("refused before the end", vn(2026, 3, 30, 8), (Act.REFUSE, vn(2026, 3, 31, 9)), 0),
    ("withdrawn after the end", vn(2026, 3, 27, 8), (Act.WITHDRAW, vn(2026, 4, 2, 9)), 1),
    (
        "sent back for a supplement: waiting for the applicant",
        vn(2026, 3, 30, 8),
        (Act.REQUEST_SUPPLEMENT, vn(2026, 3, 31, 9)),
        0,
    ),
    ("submitted after the end", vn(2026, 4, 1, 8), None, 0),
]


@pytest.mark.parametrize(
    ("case", "submitted", "then", "counted"), WAITING, ids=[w[0] for w in WAITING]
)
def test_online_dossiers_waiting_past_the_acceptance_deadline(tree, case, submitted, then, counted):
    p = tree.province
    dossier = dossier_register(
        procedure=p.procedure,
        agency=p.commune,
        channel=Channel.ONLINE,
        applicant=p.applicant(),
        actor=p.users["citizen"],
        at=submitted,
    )
    if then is not None:
        what, moment = then
        act(tree, dossier, what, R.RECEPTION_OFFICER, moment, comment="Lý do", missing=["Sổ"])
    for level in ("date", "time"):
        with override_settings(MOTCUA_JUDGEMENT_LEVEL=level):
            table = statistics_table(agency=tree.top, start=START, end=END, group_by="procedure")
            assert table.total.acceptance_overdue == counted
            assert sum(r.acceptance_overdue for r in table.rows) == counted
            months = monthly_series(agency=tree.top, start=date(2026, 2, 1), end=END)
            assert [m.row.acceptance_overdue for m in months] == [0, counted]
    assert table.total.balanced  # outside the balance: never received


def test_the_report_shows_the_waiting_column(tree):
    p = tree.province
    dossier_register(
        procedure=p.procedure,
        agency=p.commune,
        channel=Channel.ONLINE,
        applicant=p.applicant(),
        actor=p.users["citizen"],
        at=vn(2026, 3, 30, 8),
    )
    table = statistics_table(agency=tree.top, start=START, end=END)
    keys = [column.key for column in FLAT_COLUMNS]
    assert row_values(table.total)[keys.index("acceptance_overdue")] == 1
    with translation.override("vi"):
        titles = [column.title for column in FLAT_COLUMNS]
    assert len(titles) == len(set(titles))
    assert report_xlsx(table)[:2] == b"PK"  # a workbook
