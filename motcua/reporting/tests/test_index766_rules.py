"""How a share becomes points in the Decision 766 index: every computed indicator of the shipped
setting at 0 %, just below, at and above its threshold (or along its share), with the source of
its rule named in the table; the three rules on their own; an indicator at 0 % earns nothing in
a real period; the electronic results the index counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.tests.conftest import build_province
from motcua.reporting.index766 import COMPUTED, NO_POINTS, e_result_files, index_766
from motcua.reporting.index766_rules import PROPORTIONAL, SHARE, THRESHOLD, Rule, index_config

from .outcomes import build_march

PORTAL = "DVCQG 'Mô tả công thức tính chỉ số 766' (qd766 formula-document), rule proportional"
THANH_HOA = "Thanh Hóa system TaskSoLieuBaoCaoTheoKyService [S2], rule share"
THANH_HOA_STEP = "Thanh Hóa system TaskSoLieuBaoCaoTheoKyService [S2], rule threshold"
ZERO = "our reading (setting MOTCUA_INDEX_766): 0 % earns 0 points"
NOT_FOUND = "unconfirmed, setting MOTCUA_INDEX_766 (rule None): Resolution 76/NQ-CP target"

# code, share, points with the shipped MOTCUA_INDEX_766, source of the rule
SHIPPED = [
    ("timeliness", "0", "0", f"{THANH_HOA}; {ZERO}"),
    ("timeliness", "0.5", "10.00", THANH_HOA),
    ("timeliness", "1", "20.00", THANH_HOA),
    ("procedures_online", "0", "0", f"{PORTAL} §3.1; {ZERO}"),
    ("procedures_online", "0.79", "1.98", f"{PORTAL} §3.1: 2 × 79 % ÷ 80 %"),
    ("procedures_online", "0.8", "2", f"{PORTAL} §3.1: from 80 %, all 2"),
    ("procedures_online", "0.95", "2", f"{PORTAL} §3.1"),
    ("online_procedures_used", "0", "0", f"{THANH_HOA}; {ZERO}"),
    ("online_procedures_used", "0.25", "1.00", THANH_HOA),
    ("online_procedures_used", "1", "4.00", THANH_HOA),
    ("online_submission", "0", "0", f"{PORTAL} §3.3; {ZERO}"),
    ("online_submission", "0.49", "5.88", f"{PORTAL} §3.3: 6 × 49 % ÷ 50 %"),
    ("online_submission", "0.5", "6", f"{PORTAL} §3.3: from 50 %, all 6"),
    ("online_submission", "0.75", "6", f"{PORTAL} §3.3"),
    ("e_results", "0", "0", f"{THANH_HOA}; {ZERO}"),
    ("e_results", "0.5", "3.00", THANH_HOA),
    ("e_results", "1", "6.00", THANH_HOA),
    ("digitised_dossiers", "0", "0", f"{PORTAL} §4.2; {ZERO}"),
    ("digitised_dossiers", "0.79", "3.95", f"{PORTAL} §4.2: 4 × 79 % ÷ 80 %"),
    ("digitised_dossiers", "0.8", "4", f"{PORTAL} §4.2: from 80 %, all 4"),
    ("digitised_dossiers", "0.9", "4", f"{PORTAL} §4.2"),
    ("reuse", "0", "0", f"{PORTAL}; {ZERO}"),
    ("reuse", "0.4", "1.00", f"{PORTAL}: 2 × 40 % ÷ 80 %"),
    ("reuse", "0.8", "2", f"{PORTAL}: from 80 %, all 2 (the old no-data line said so)"),
    ("payment_procedures", "0", "0", f"{PORTAL}; {ZERO}"),
    ("payment_procedures", "0.4", "1.00", f"{PORTAL}: 2 × 40 % ÷ 80 %"),
    (
        "payment_procedures",
        "0.8",
        "2",
        f"{PORTAL}: from 80 %, all 2 (the old no-data line said so)",
    ),
    ("online_payment", "0", "0", f"{THANH_HOA_STEP}; {ZERO}"),
    ("online_payment", "0.29", "0.9", f"{THANH_HOA_STEP}: below 30 %, 0.9"),
    ("online_payment", "0.3", "6", f"{THANH_HOA_STEP}: from 30 %, all 6"),
    ("online_payment", "1", "6", THANH_HOA_STEP),
    ("dossier_satisfaction", "0", None, NOT_FOUND),
    ("dossier_satisfaction", "0.95", None, NOT_FOUND),
]


@pytest.mark.parametrize(("code", "share", "points", "source"), SHIPPED)
def test_the_shipped_rules(code, share, points, source):
    rule = index_config().rules[code]
    expected = None if points is None else Decimal(points)
    assert rule.score(Decimal(share)) == expected, source


def test_every_computed_indicator_is_in_the_table():
    assert {row[0] for row in SHIPPED} == set(index_config().rules)


STEP = Rule(THRESHOLD, Decimal(6), Decimal("0.5"), Decimal(3))
CAPPED = Rule(PROPORTIONAL, Decimal(2), Decimal("0.8"))
LINEAR = Rule(SHARE, Decimal(20))

# rule, share, points, source
RULES = [
    (STEP, "0", "0", f"Thanh Hóa step [S2] gives 3 even at 0 %; {ZERO}"),
    (STEP, "0.01", "3", "Thanh Hóa step [S2]: below the threshold, points_below"),
    (STEP, "0.49", "3", "Thanh Hóa step [S2]"),
    (STEP, "0.5", "6", "Thanh Hóa step [S2]: from the threshold, all"),
    (STEP, "1", "6", "Thanh Hóa step [S2]"),
    (CAPPED, "0", "0", f"{PORTAL}; {ZERO}"),
    (CAPPED, "0.01", "0.03", f"{PORTAL}: 2 × 1 % ÷ 80 % = 0.025"),
    (CAPPED, "0.4", "1.00", f"{PORTAL}: half the threshold, half the points"),
    (CAPPED, "0.8", "2", f"{PORTAL}"),
    (CAPPED, "1", "2", f"{PORTAL}: never more than the maximum"),
    (LINEAR, "0", "0", f"{THANH_HOA}; {ZERO}"),
    (LINEAR, "0.6667", "13.33", THANH_HOA),
]


@pytest.mark.parametrize(("rule", "share", "points", "source"), RULES)
def test_the_rules(rule, share, points, source):
    assert rule.score(Decimal(share)) == Decimal(points), source


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (STEP, "6 points at 50% or more; 3 above 0% and below 50%; none at 0%"),
        (CAPPED, "2 points at 80% or more; below, 2 × the share ÷ 80%; none at 0%"),
        (LINEAR, "20 points × the share; none at 0%"),
        (Rule(None, Decimal(6)), "not determined: the share is shown without points"),
    ],
)
def test_the_rule_in_words(rule, words):
    with translation.override("en"):
        assert rule.text() == words


@pytest.mark.django_db
def test_an_indicator_at_zero_earns_nothing():
    """3-4 March 2026: E, F and G were received at the counter with no scan, nothing resolved."""
    march = build_march(build_province())
    result = index_766(agency=march.province.commune, start=date(2026, 3, 3), end=date(2026, 3, 4))
    for code in ("online_submission", "digitised_dossiers"):
        indicator = result.indicator(code)
        assert (indicator.numerator, indicator.denominator) == (0, 3), code
        assert indicator.status == COMPUTED, code
        assert indicator.points == 0, code
    assert result.indicator("e_results").status == NO_POINTS  # nothing resolved: no share
    with translation.override("en"):
        assert "none at 0%" in result.indicator("online_submission").rule_text


@pytest.mark.django_db
def test_the_electronic_results_are_the_result_files():
    march = build_march(build_province())
    a, e = march.dossiers["A"], march.dossiers["E"]
    assert [f.purpose for f in e_result_files(a.pk)] == [FilePurpose.RESULT]
    assert not e_result_files(e.pk).exists()
