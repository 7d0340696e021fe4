"""The Decision 766 index on dossiers with known outcomes (tests/outcomes.py): every indicator's
inputs and points, the thresholds and points read from settings, the indicators without data or
rule given no points, and a bad setting refused."""

from copy import deepcopy
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.core.errors import ValidationFailed
from motcua.dossiers.tests.conftest import build_province
from motcua.reporting.index766 import (
    COMPUTED,
    GROUPS,
    NO_DATA,
    NO_POINTS,
    RULE_NOT_FOUND,
    index_766,
)

from .outcomes import END, START, build_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def march():
    return build_march(build_province())


def index(march, **period):
    return index_766(
        agency=march.province.commune, start=period.get("start", START), end=period.get("end", END)
    )


# code: (status, numerator, denominator, max points, points) with the default setting
EXPECTED = {
    "procedures_published": (RULE_NOT_FOUND, None, None, "4", None),
    "dossiers_synced": (NO_DATA, None, None, "6", None),
    "publicity_rest": (RULE_NOT_FOUND, None, None, "8", None),
    # A early, B on time, F withdrawn, D within / A B C resolved, F withdrawn, D E in progress
    "timeliness": (COMPUTED, 4, 6, "20", "13.33"),
    # the land procedure is online, the copy certification is not: 2 × (1/2) ÷ 80 %
    "procedures_online": (COMPUTED, 1, 2, "2", "1.25"),
    "online_procedures_used": (COMPUTED, 1, 1, "4", "4.00"),
    # B and D of the seven received: 6 × (2/7) ÷ 50 %
    "online_submission": (COMPUTED, 2, 7, "6", "3.43"),
    # the land procedure charged fees (A, C, E and G were billed at the counter), none online
    "payment_procedures": (COMPUTED, 0, 1, "2", "0"),
    "payable_on_national_portal": (NO_DATA, None, None, "2", None),
    # A, C, E and G billed (F's request was cancelled when withdrawn), none paid online
    "online_payment": (COMPUTED, 0, 4, "6", "0"),
    # A and B of the three resolved have a result file: 6 × 2/3
    "e_results": (COMPUTED, 2, 3, "6", "4.00"),
    # only A's application was scanned: 4 × (1/7) ÷ 80 %
    "digitised_dossiers": (COMPUTED, 1, 7, "4", "0.71"),
    # A's scanned application was uploaded, not taken from the e-warehouse: 0 of 1
    "reuse": (COMPUTED, 0, 1, "2", "0"),
    "digitisation_rest": (RULE_NOT_FOUND, None, None, "10", None),
    "petitions_on_time": (NO_DATA, None, None, None, None),
    "petitions_satisfaction": (NO_DATA, None, None, None, None),
    # A B C returned, B rated dissatisfied: 2/3, no rule for points
    "dossier_satisfaction": (NO_POINTS, 2, 3, "6", None),
    "satisfaction_rest": (RULE_NOT_FOUND, None, None, "12", None),
}


def test_every_indicator_of_the_month(march):
    result = index(march)
    seen = {i.code: i for g in result.groups for i in g.indicators}
    assert set(seen) == set(EXPECTED)
    for code, (status, numerator, denominator, maximum, points) in EXPECTED.items():
        indicator = seen[code]
        assert indicator.status == status, code
        assert indicator.numerator == numerator, code
        assert indicator.denominator == denominator, code
        assert indicator.max_points == (None if maximum is None else Decimal(maximum)), code
        assert indicator.points == (None if points is None else Decimal(points)), code
        assert indicator.how and indicator.source, code
        if status != COMPUTED:
            assert indicator.reason, code


def test_groups_and_totals(march):
    result = index(march)
    assert [g.code for g in result.groups] == list(GROUPS)
    assert [g.max_points for g in result.groups] == [18, 20, 22, 22, 18]
    assert result.max_points == 100
    # every group's lines add up to its maximum, even where the rule is not found
    for group in result.groups:
        listed = sum(i.max_points or 0 for i in group.indicators)
        assert listed == group.max_points or group.code == "satisfaction"
    by_code = {g.code: g.points for g in result.groups}
    assert by_code == {
        "publicity": 0,
        "timeliness": Decimal("13.33"),
        "online": Decimal("8.68"),
        "digitisation": Decimal("4.71"),
        "satisfaction": 0,
    }
    assert result.points == Decimal("26.72")
    assert result.scored_max == 20 + 2 + 4 + 6 + 2 + 6 + 6 + 4 + 2


def test_the_statistics_row_is_the_tables(march):
    row = index(march).row
    assert (row.resolved_early, row.resolved_on_time, row.resolved_late) == (1, 1, 1)
    assert (row.in_progress_within, row.in_progress_overdue) == (1, 1)
    assert (row.withdrawn, row.awaiting_supplement, row.received) == (1, 1, 7)


def _setting(**indicators):
    value: dict = deepcopy(settings.MOTCUA_INDEX_766)
    value["indicators"].update(indicators)
    return value


@pytest.mark.parametrize(
    ("changes", "code", "points"),
    [
        ({"timeliness": {"rule": "share", "points": 10}}, "timeliness", "6.67"),
        (
            {
                "online_submission": {
                    "rule": "threshold",
                    "threshold": 0.25,
                    "points": 6,
                    "points_below": 3,
                }
            },
            "online_submission",
            "6",
        ),
        (
            {
                "digitised_dossiers": {
                    "rule": "threshold",
                    "threshold": 0.8,
                    "points": 4,
                    "points_below": 0,
                }
            },
            "digitised_dossiers",
            "0",
        ),
        (
            {
                "dossier_satisfaction": {
                    "rule": "threshold",
                    "threshold": 0.6,
                    "points": 6,
                    "points_below": 0,
                }
            },
            "dossier_satisfaction",
            "6",
        ),
        ({"procedures_online": {"rule": None, "points": 2}}, "procedures_online", None),
    ],
)
def test_thresholds_and_points_come_from_settings(march, settings, changes, code, points):
    settings.MOTCUA_INDEX_766 = _setting(**changes)
    indicator = index(march).indicator(code)
    assert indicator.points == (None if points is None else Decimal(points))
    assert indicator.status == (COMPUTED if points is not None else NO_POINTS)


def test_group_maxima_come_from_settings(march, settings):
    value = deepcopy(settings.MOTCUA_INDEX_766)
    value["groups"]["digitisation"] = 30
    settings.MOTCUA_INDEX_766 = value
    group = next(g for g in index(march).groups if g.code == "digitisation")
    assert group.max_points == 30
    assert group.indicators[-1].max_points == 18  # the rest, rule not found


def test_an_empty_period_gives_no_points_for_shares(march):
    result = index(march, start=START.replace(year=2025), end=END.replace(year=2025))
    timeliness = result.indicator("timeliness")
    assert (timeliness.numerator, timeliness.denominator) == (0, 0)
    assert timeliness.status == NO_POINTS
    assert timeliness.points is None
    # the catalogue share does not depend on dossiers
    assert result.indicator("procedures_online").points == Decimal("1.25")


def test_another_agency_counts_its_own_dossiers(march):
    result = index_766(agency=march.province.other_commune, start=START, end=END)
    assert result.indicator("online_submission").denominator == 0
    everyone = index_766(agency=None, start=START, end=END)
    assert everyone.indicator("online_submission").denominator == 7


@pytest.mark.parametrize(
    "bad",
    [
        {"timeliness": {"rule": "sometimes", "points": 20}},
        {"timeliness": {"rule": "share", "points": -1}},
        {"timeliness": {"rule": "share", "points": "x"}},
        {"e_results": {"rule": "threshold", "threshold": 2, "points": 6, "points_below": 1}},
        {"e_results": {"rule": "threshold", "threshold": 0.5, "points": 6, "points_below": 7}},
        {"e_results": {"rule": "threshold", "threshold": 0.5, "points": 6}},  # no points_below
        {"e_results": {"rule": "proportional", "points": 6}},  # no threshold
        {"e_results": {"rule": "proportional", "threshold": 0, "points": 6}},
        {"payable_on_national_portal": {"rule": "share", "points": 2}},  # no data for it
        {"made_up": {"rule": "share", "points": 6}},
        {"timeliness": 20},
    ],
)
def test_a_bad_setting_is_refused(march, settings, bad):
    settings.MOTCUA_INDEX_766 = _setting(**bad)
    with pytest.raises(ImproperlyConfigured):
        index(march)


def test_a_missing_indicator_is_refused(march, settings):
    value = deepcopy(settings.MOTCUA_INDEX_766)
    del value["indicators"]["timeliness"]
    settings.MOTCUA_INDEX_766 = value
    with pytest.raises(ImproperlyConfigured):
        index(march)


def test_a_bad_period_is_refused(march):
    with pytest.raises(ValidationFailed):
        index(march, start=END, end=START)
