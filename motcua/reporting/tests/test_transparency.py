"""The public transparency page's numbers (reporting.transparency) on the March dossiers of
tests/outcomes.py: totals, rows per agency and field with satisfaction, the twelve-month trend,
the apology counts, the periods and the cache."""

from datetime import date

import pytest

from motcua.dossiers.tests.conftest import build_province
from motcua.reporting.tests.conftest import build_tree
from motcua.reporting.transparency import period_of, transparency_data, trend_start

from .outcomes import build_march

pytestmark = pytest.mark.django_db
MARCH_END = date(2026, 3, 31)


@pytest.fixture(autouse=True)
def no_cache(settings):
    settings.MOTCUA_TRANSPARENCY_CACHE_SECONDS = 0


@pytest.fixture
def march():
    return build_march(build_province())


@pytest.mark.parametrize(
    ("kind", "today", "start"),
    [
        ("month", date(2026, 3, 31), date(2026, 3, 1)),
        ("month", date(2026, 1, 1), date(2026, 1, 1)),
        ("quarter", date(2026, 3, 31), date(2026, 1, 1)),
        ("quarter", date(2026, 4, 1), date(2026, 4, 1)),
        ("quarter", date(2026, 12, 31), date(2026, 10, 1)),
        ("year", date(2026, 11, 24), date(2026, 1, 1)),
    ],
)
def test_periods_run_up_to_today(kind, today, start):
    assert period_of(kind, today) == (start, today)


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (date(2026, 3, 31), date(2025, 4, 1)),
        (date(2026, 12, 5), date(2026, 1, 1)),
        (date(2026, 1, 1), date(2025, 2, 1)),
    ],
)
def test_the_trend_covers_twelve_months(today, start):
    assert trend_start(today) == start


def test_the_numbers_of_march(march):
    data = transparency_data(kind="month", today=MARCH_END)
    assert (data.start, data.end) == (date(2026, 3, 1), MARCH_END)
    total = data.total
    assert (total.row.received, total.row.received_online, total.row.resolved) == (7, 2, 3)
    assert total.row.on_time_rate == pytest.approx(2 / 3)
    assert (total.rated, total.satisfied, total.satisfaction_rate) == (2, 1, 0.5)
    commune = next(line for line in data.agencies if line.row.key == march.province.commune.pk)
    assert (commune.row.received, commune.rated, commune.satisfied) == (7, 2, 1)
    assert all(line.row.received == 0 for line in data.agencies if line is not commune)
    (field,) = data.fields
    assert (field.row.label, field.row.resolved, field.rated, field.satisfied) == (
        "Đất đai",
        3,
        2,
        1,
    )
    assert [(a.agency, a.dossiers) for a in data.apologies] == [("Cơ quan xa-a", 1)]
    assert [m.month for m in data.trend][-1] == date(2026, 3, 1)
    assert len(data.trend) == 12
    rates = [m.row.on_time_rate for m in data.trend]
    assert rates[:-1] == [None] * 11
    assert rates[-1] == pytest.approx(2 / 3)


def test_another_period_counts_nothing_of_march(march):
    data = transparency_data(kind="month", today=date(2026, 5, 31))
    assert (data.total.row.received, data.total.row.resolved, data.total.rated) == (0, 0, 0)
    assert data.total.row.carried_over == 3  # D, E in progress and G paused at the end of March
    assert data.apologies == ()


def test_ratings_roll_up_to_the_agency_row():
    tree = build_tree()
    build_march(tree.province)
    data = transparency_data(kind="month", today=MARCH_END)
    lines = {line.row.key: line for line in data.agencies}
    # two roots (the province and the tax office): the commune's ratings count for the province
    assert (lines[tree.top.pk].rated, lines[tree.top.pk].satisfied) == (2, 1)
    assert lines[tree.top.pk].row.received == 7


def test_the_numbers_are_cached_for_a_while(march, settings):
    settings.MOTCUA_TRANSPARENCY_CACHE_SECONDS = 300
    before = transparency_data(kind="year", today=MARCH_END)
    assert len(before.apologies) == 1
    march.dossiers["C"].apologies.all().delete()
    assert transparency_data(kind="year", today=MARCH_END) == before
    assert transparency_data(kind="month", today=MARCH_END).apologies == ()  # its own key
    settings.MOTCUA_TRANSPARENCY_CACHE_SECONDS = 0
    assert transparency_data(kind="year", today=MARCH_END).apologies == ()


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="unknown period"):
        transparency_data(kind="week", today=MARCH_END)
