"""What the Decision 766/QĐ-TTg index measures and how a share becomes points: the indicators'
definitions, the scoring rules and ``settings.MOTCUA_INDEX_766`` checked (domain-vn §1.6,
docs/architecture.md "Transparency and the 766 index").

A rule turns an indicator's share (numerator / denominator, in [0, 1]) into points:

- ``share``: points × share (Thanh Hóa system [code S2]; the national portal's published scores
  for timeliness and e-results follow it too);
- ``proportional``: the full points from the threshold up, points × share ÷ threshold below it
  — the national public service portal's formula description ("Mô tả công thức tính chỉ số
  766": "Đạt từ 80% trở lên sẽ đạt điểm tối đa. Dưới 80% tính theo công thức: Tỷ lệ … × Điểm
  tối đa/80%", and 50 % for online submission);
- ``threshold``: the full points from the threshold up, ``points_below`` for a share above 0
  and below it (the Thanh Hóa system's step, which gives those points even at 0 %: here a 0 %
  share earns nothing — our reading, not found in the Decision's text);
- ``None``: the share is shown, no points (the rule was not found).

Whatever the rule, a share of 0 earns 0 points.

The payment indicators (counted by ``reporting.index766_payments``) ship with: fee-charging
procedures with online payments ``proportional``, 2 points from 80 % (the formula
description); fee-bearing dossiers paid online ``threshold``, 6 points from 30 % and 0.9 below
(Thanh Hóa [code S2], the only source found). Payment through the national portal stays "no
data": MotCua is not connected to its payment platform.

Public interface: ``Rule``, ``Config``, ``index_config()``, ``DEFINITIONS`` and the constants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from . import charts

GROUPS = ("publicity", "timeliness", "online", "digitisation", "satisfaction")
SHARE, PROPORTIONAL, THRESHOLD = "share", "proportional", "threshold"
RULES = (SHARE, PROPORTIONAL, THRESHOLD, None)
COMPUTED, NO_POINTS, NO_DATA, RULE_NOT_FOUND = "computed", "no_points", "no_data", "rule_not_found"
CENT = Decimal("0.01")
ZERO = Decimal(0)

GROUP_NAMES = {
    "publicity": _("Publicity and transparency"),
    "timeliness": _("Progress and results of settlement"),
    "online": _("Online services (incl. online payment)"),
    "digitisation": _("Digitisation of dossiers and results"),
    "satisfaction": _("Satisfaction"),
}

# What officials read as each indicator's basis: plain words, no research notes (the sources
# behind them are in domain-vn §1.6 and docs/architecture.md).
S27 = _("Decision 766/QĐ-TTg (2022): the maximum points of each group")
S28 = _("Decision 766/QĐ-TTg (2022): the satisfaction indicators")
THANH_HOA = _(
    "Points and thresholds set in this system's configuration, as one provincial system applies "
    "Decision 766/QĐ-TTg; not the official scores"
)
PORTAL = _(
    "Decision 766/QĐ-TTg as the national public service portal describes its scoring (full "
    "points from the threshold, proportionally fewer below it); the points are set in this "
    "system's configuration; not the official scores"
)
RULE_NOT_SET = _("not computed: the scoring rule has not been determined")


@dataclass(frozen=True)
class Definition:
    """What an indicator is: its group, name, how it is computed, its source; for indicators
    without data, the reason and the points one source gives it (informative only)."""

    code: str
    group: str
    name: Any
    how: Any
    source: Any
    no_data: Any = None  # why it is not computed; None for the computed indicators
    known_points: Decimal | None = None
    missing: str = NO_DATA  # or RULE_NOT_FOUND: the data may be there, the rule is not


NO_PETITIONS = _("no data: petitions and feedback (PAKN) are not handled in MotCua")

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "procedures_published",
        "publicity",
        _("Procedures updated and published on time"),
        _("How this indicator is scored has not been determined."),
        S27,
        no_data=RULE_NOT_SET,
        known_points=Decimal(4),
        missing=RULE_NOT_FOUND,
    ),
    Definition(
        "dossiers_synced",
        "publicity",
        _("Share of dossiers synchronised to the national public service portal"),
        _("6 points × the share of dossiers synchronised to the national public service portal."),
        THANH_HOA,
        no_data=_(
            "no data: MotCua does not synchronise dossiers with the national public service "
            "portal yet"
        ),
        known_points=Decimal(6),
    ),
    Definition(
        "timeliness",
        "timeliness",
        _("Dossiers settled or in progress within the deadline"),
        _(
            "Resolved early or on time, withdrawn, or still in progress within the deadline at "
            "the period end, out of the dossiers resolved, withdrawn or in progress in the "
            "period (paused dossiers are left out), so that the share stays within 100 % when "
            "dossiers carry over from an earlier period. The buckets are the statistics table's."
        ),
        THANH_HOA,
    ),
    Definition(
        "procedures_online",
        "online",
        _("Share of procedures offered online"),
        _(
            "Published procedures for the kinds of agency in this scope whose online type is "
            "full or partial, out of all those procedures (the catalogue as it stands)."
        ),
        PORTAL,
    ),
    Definition(
        "online_procedures_used",
        "online",
        _("Share of online procedures that received online dossiers"),
        _(
            "Of the procedures offered online (above), those with at least one online dossier "
            "accepted in the period in this scope."
        ),
        THANH_HOA,
    ),
    Definition(
        "online_submission",
        "online",
        _("Share of dossiers submitted online"),
        _("Dossiers received online in the period, out of all dossiers received in the period."),
        PORTAL,
    ),
    Definition(
        "payment_procedures",
        "online",
        _("Share of fee-charging procedures with online payments"),
        _(
            "Procedures with at least one fee-bearing dossier received in the period (a "
            "payment request for its fees, charges or financial obligation that was not "
            "cancelled), out of which: those with a payment made online (payment gateway or "
            "bank transfer) in the period for one of their dossiers."
        ),
        PORTAL,
    ),
    Definition(
        "payable_on_national_portal",
        "online",
        _("Procedures payable on the national portal"),
        _("A fixed 2 points."),
        THANH_HOA,
        no_data=_("no data: MotCua is not connected to the national payment platform"),
        known_points=Decimal(2),
    ),
    Definition(
        "online_payment",
        "online",
        _("Share of fee-bearing dossiers paid online"),
        _(
            "Dossiers received in the period with a payment request for their fees, charges "
            "or financial obligation that was not cancelled, out of which: those with a request "
            "paid online (payment gateway or bank transfer). Postage for the result does not "
            "count; a payment refunded later still counts as paid online."
        ),
        THANH_HOA,
    ),
    Definition(
        "e_results",
        "digitisation",
        _("Share of resolved dossiers with an electronic result"),
        _(
            "Dossiers resolved in the period with at least one result file, out of all resolved "
            "in the period. Procedures that issue no result document would count as having "
            "one, but the catalogue does not say which those are, so they count as without. "
            "Result files are not signed yet, so an unsigned result file counts."
        ),
        THANH_HOA,
    ),
    Definition(
        "digitised_dossiers",
        "digitisation",
        _("Share of dossiers with digitised components"),
        _(
            "Dossiers received in the period with at least one scanned or uploaded component, "
            "out of all received in the period."
        ),
        PORTAL,
    ),
    Definition(
        "reuse",
        "digitisation",
        _("Share of components re-used from digitised data"),
        _(
            "Components of the dossiers received in the period that were taken from the "
            "applicant's e-warehouse (an earlier result or verified paper) instead of being "
            "uploaded again, out of those dossiers' components with a file."
        ),
        PORTAL,
    ),
    Definition(
        "petitions_on_time",
        "satisfaction",
        _("Petitions and feedback handled on time"),
        _("On-time petitions out of petitions within the agency's competence × 100."),
        S28,
        no_data=NO_PETITIONS,
    ),
    Definition(
        "petitions_satisfaction",
        "satisfaction",
        _("Satisfaction with the handling of petitions"),
        _("Petitions less those flagged dissatisfied or late, out of all petitions × 100."),
        S28,
        no_data=NO_PETITIONS,
    ),
    Definition(
        "dossier_satisfaction",
        "satisfaction",
        _("Satisfaction with the settlement of dossiers"),
        _(
            "Dossiers whose result was returned in the period, less those the applicant rated "
            "dissatisfied or very dissatisfied, out of all returned in the period (complaints "
            "about a dossier are not recorded, so only ratings count). Up to 6 points when the "
            "targets of Resolution 76/NQ-CP are met; the target level has not been determined, "
            "so no points are given."
        ),
        S28,
    ),
)
DEFINITIONS_BY_CODE = {d.code: d for d in DEFINITIONS}


@dataclass(frozen=True)
class Rule:
    """How one indicator's share becomes points (see the module docstring)."""

    rule: str | None
    points: Decimal
    threshold: Decimal | None = None
    points_below: Decimal | None = None

    def score(self, share: Decimal) -> Decimal | None:
        """The points for `share` in [0, 1]; None when the rule is not known. 0 % earns 0."""
        if self.rule is None:
            return None
        if share <= 0:
            return ZERO
        if self.rule == SHARE:
            return (self.points * share).quantize(CENT, ROUND_HALF_UP)
        assert self.threshold is not None
        if share >= self.threshold:
            return self.points
        if self.rule == PROPORTIONAL:
            return (self.points * share / self.threshold).quantize(CENT, ROUND_HALF_UP)
        assert self.points_below is not None
        return self.points_below

    def text(self) -> str:
        """The rule in words, for the page (translated, numbers as the language writes them)."""
        maximum = charts.number(self.points, decimals=2)
        if self.rule == SHARE:
            return _g("%(maximum)s points × the share; none at 0%%") % {"maximum": maximum}
        if self.rule is None:
            return _g("not determined: the share is shown without points")
        threshold = charts.percent(None if self.threshold is None else float(self.threshold))
        if self.rule == PROPORTIONAL:
            return _g(
                "%(maximum)s points at %(threshold)s or more; below, %(maximum)s × the share "
                "÷ %(threshold)s; none at 0%%"
            ) % {"maximum": maximum, "threshold": threshold}
        return _g(
            "%(maximum)s points at %(threshold)s or more; %(below)s above 0%% and below "
            "%(threshold)s; none at 0%%"
        ) % {
            "maximum": maximum,
            "threshold": threshold,
            "below": charts.number(self.points_below, decimals=2),
        }


@dataclass(frozen=True)
class Config:
    groups: Mapping[str, Decimal]
    rules: Mapping[str, Rule]


def _decimal(value: object, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except ArithmeticError as error:
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766: {where} is not a number") from error
    if not result.is_finite() or result < 0:
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766: {where} must be a number ≥ 0")
    return result


def _rule(code: str, entry: object) -> Rule:
    where = f"indicators.{code}"
    definition = DEFINITIONS_BY_CODE.get(code)
    if not isinstance(entry, Mapping):
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766: {where} must be a dict")
    if definition is None or definition.no_data is not None:
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766: {where} is not a computed indicator")
    rule = entry.get("rule")
    if rule not in RULES:
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766: {where}.rule must be one of {RULES}")
    points = _decimal(entry.get("points"), f"{where}.points")
    if rule not in (PROPORTIONAL, THRESHOLD):
        return Rule(rule, points)
    threshold = _decimal(entry.get("threshold"), f"{where}.threshold")
    if not 0 < threshold <= 1:
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766: {where} needs 0 < threshold ≤ 1")
    if rule == PROPORTIONAL:
        return Rule(rule, points, threshold)
    below = _decimal(entry.get("points_below"), f"{where}.points_below")
    if below > points:
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766: {where} needs points_below ≤ points")
    return Rule(rule, points, threshold, below)


def index_config() -> Config:
    """settings.MOTCUA_INDEX_766, checked: every group's maximum and every computed
    indicator's rule. A missing or bad entry is ImproperlyConfigured, never a guess."""
    raw = getattr(settings, "MOTCUA_INDEX_766", None)
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured("MOTCUA_INDEX_766 must be a dict (see config/settings.py)")
    raw_groups = raw.get("groups", {})
    if set(raw_groups) != set(GROUPS):
        raise ImproperlyConfigured(f"MOTCUA_INDEX_766['groups'] must name exactly {GROUPS}")
    groups = {name: _decimal(raw_groups[name], f"groups.{name}") for name in GROUPS}
    rules = {code: _rule(code, entry) for code, entry in raw.get("indicators", {}).items()}
    for definition in DEFINITIONS:
        if definition.no_data is None and definition.code not in rules:
            raise ImproperlyConfigured(f"MOTCUA_INDEX_766: indicators.{definition.code} missing")
    return Config(groups=groups, rules=rules)
