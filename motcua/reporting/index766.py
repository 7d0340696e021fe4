"""The service-quality index in the shape of Decision 766/QĐ-TTg (Chỉ số 766), per agency (with
everything below it) and period, computed from the dossiers (domain-vn §1.6).

The decision gives five groups and their maximum points (100 in all) [S27, S28]. How each
group splits into indicators is only partly known: the thresholds here are one vendor's reading
(the Thanh Hóa system [code S2]) and live in ``settings.MOTCUA_INDEX_766`` — configuration, not
law; DVCQG publishes the official scores, which these need not equal.

Every indicator is one of three kinds (``Indicator.status``):

- ``computed``: a share numerator / denominator from the dossiers or the catalogue, and the
  points its rule gives (``rule`` "share": points × share; "threshold": points when the share
  reaches the threshold, else points_below);
- ``no_points``: the share is computed but the rule that turns it into points was not found
  (rule None in the setting, e.g. the satisfaction target of Resolution 76/NQ-CP);
- ``no_data``: MotCua does not hold the data (online payments, re-use from the data warehouse,
  synchronisation with DVCQG, petitions) — not computed, no points, and the reason says why.

What is left of a group's maximum after its known indicators is shown as one ``rule_not_found``
line: "not computed: the scoring rule has not been determined", no points. Nothing is invented
to fill a group.

Which dossiers count follows ``reporting.statistics``: a dossier belongs to its receiving
agency; received = accepted in the period; resolved = result ready (``finished_at``) in the
period; the timeliness buckets are the statistics table's.

Public interface: ``index_766(*, agency, start, end) -> Index766``, ``index_config()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel, OnlineType, PublicationStatus
from motcua.catalogue.models import Procedure
from motcua.core.validity import valid_on
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.models import Dossier, DossierFile, Rating
from motcua.dossiers.satisfaction import DISSATISFIED

from .statistics import StatRow, _subtree_ids, check_period, period_bounds, statistics_table

GROUPS = ("publicity", "timeliness", "online", "digitisation", "satisfaction")
RULES = ("share", "threshold", None)
COMPUTED, NO_POINTS, NO_DATA, RULE_NOT_FOUND = "computed", "no_points", "no_data", "rule_not_found"
CENT = Decimal("0.01")

GROUP_NAMES = {
    "publicity": _("Publicity and transparency"),
    "timeliness": _("Progress and results of settlement"),
    "online": _("Online services (incl. online payment)"),
    "digitisation": _("Digitisation of dossiers and results"),
    "satisfaction": _("Satisfaction"),
}

# What officials read as each indicator's basis: plain words, no research notes (the sources
# behind them are in domain-vn §1.6: S27, S28 and the Thanh Hóa system, code S2).
S27 = _("Decision 766/QĐ-TTg (2022): the maximum points of each group")
S28 = _("Decision 766/QĐ-TTg (2022): the satisfaction indicators")
NO_PAYMENT_DATA = _(
    "no data: a dossier's fees record that they were paid, not how "
    "(no online payment in MotCua yet)"
)
THANH_HOA = _(
    "Points and thresholds set in this system's configuration, as one provincial system applies "
    "Decision 766/QĐ-TTg; not the official scores"
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
        THANH_HOA,
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
        THANH_HOA,
    ),
    Definition(
        "payment_procedures",
        "online",
        _("Share of fee-charging procedures with online payments"),
        _("2 points when the share reaches 50%, else 1.6."),
        THANH_HOA,
        no_data=NO_PAYMENT_DATA,
        known_points=Decimal(2),
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
        _("6 points when the share reaches 30%, else 0.9."),
        THANH_HOA,
        no_data=NO_PAYMENT_DATA,
        known_points=Decimal(6),
    ),
    Definition(
        "e_results",
        "digitisation",
        _("Share of resolved dossiers with an electronic result"),
        _(
            "Dossiers resolved in the period with at least one result file, out of all resolved "
            "in the period. Procedures that issue no result document would count as having "
            "one, but the catalogue does not say which those are, so they count as without."
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
        THANH_HOA,
    ),
    Definition(
        "reuse",
        "digitisation",
        _("Share of components re-used from digitised data"),
        _("2 points when the share reaches 80%, else 1.6."),
        THANH_HOA,
        no_data=_("no data: components do not record re-use from the data warehouse"),
        known_points=Decimal(2),
    ),
    Definition(
        "petitions_on_time",
        "satisfaction",
        _("Petitions and feedback handled on time"),
        _("On-time petitions out of petitions within the agency's competence × 100."),
        S28,
        no_data=_("no data: petitions and feedback (PAKN) are not handled in MotCua"),
    ),
    Definition(
        "petitions_satisfaction",
        "satisfaction",
        _("Satisfaction with the handling of petitions"),
        _("Petitions less those flagged dissatisfied or late, out of all petitions × 100."),
        S28,
        no_data=_("no data: petitions and feedback (PAKN) are not handled in MotCua"),
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
    rule: str | None
    points: Decimal
    threshold: Decimal | None = None
    points_below: Decimal | None = None

    def score(self, share: Decimal) -> Decimal | None:
        if self.rule == "share":
            return (self.points * share).quantize(CENT, ROUND_HALF_UP)
        if self.rule == "threshold":
            assert self.threshold is not None and self.points_below is not None
            return self.points if share >= self.threshold else self.points_below
        return None


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
    rules: dict[str, Rule] = {}
    for code, entry in raw.get("indicators", {}).items():
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
        if rule == "threshold":
            threshold = _decimal(entry.get("threshold"), f"{where}.threshold")
            below = _decimal(entry.get("points_below"), f"{where}.points_below")
            if threshold > 1 or below > points:
                raise ImproperlyConfigured(
                    f"MOTCUA_INDEX_766: {where} needs threshold ≤ 1 and points_below ≤ points"
                )
            rules[code] = Rule(rule, points, threshold, below)
        else:
            rules[code] = Rule(rule, points)
    for definition in DEFINITIONS:
        if definition.no_data is None and definition.code not in rules:
            raise ImproperlyConfigured(f"MOTCUA_INDEX_766: indicators.{definition.code} missing")
    return Config(groups=groups, rules=rules)


@dataclass(frozen=True)
class Indicator:
    """One indicator for one agency and period, with every input a page needs to explain it."""

    code: str
    group: str
    name: Any
    status: str  # computed, no_points, no_data, rule_not_found
    how: Any
    source: Any
    max_points: Decimal | None = None
    points: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    rule: str | None = None
    threshold: Decimal | None = None
    points_below: Decimal | None = None
    reason: Any = ""

    @property
    def share(self) -> Decimal | None:
        """numerator / denominator, or None without a denominator (nothing to measure)."""
        if self.numerator is None or not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    @property
    def percent(self) -> Decimal | None:
        share = self.share
        return None if share is None else (share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Group:
    code: str
    name: Any
    max_points: Decimal
    indicators: tuple[Indicator, ...]

    @property
    def points(self) -> Decimal:
        return sum((i.points for i in self.indicators if i.points is not None), Decimal(0))

    @property
    def scored_max(self) -> Decimal:
        """The maximum of the indicators that were given points."""
        return sum(
            (i.max_points for i in self.indicators if i.points is not None and i.max_points),
            Decimal(0),
        )


@dataclass(frozen=True)
class Index766:
    agency: Agency | None
    start: date
    end: date
    groups: tuple[Group, ...]
    row: StatRow = field(repr=False)

    @property
    def max_points(self) -> Decimal:
        return sum((g.max_points for g in self.groups), Decimal(0))

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def scored_max(self) -> Decimal:
        return sum((g.scored_max for g in self.groups), Decimal(0))

    def indicator(self, code: str) -> Indicator:
        return next(i for g in self.groups for i in g.indicators if i.code == code)


# --- the inputs -----------------------------------------------------------------------------


def _scope(agency: Agency | None) -> set[int] | None:
    return None if agency is None else _subtree_ids(agency)


def _dossiers(scope: set[int] | None) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.order_by()
    return dossiers if scope is None else dossiers.filter(receiving_agency_id__in=scope)


def _procedures_online(
    scope: set[int] | None, start: date, end: date
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(online procedures, procedures) and (online procedures used online, online procedures)
    among the published procedures valid at the period end for the kinds of agency in scope."""
    procedures = Procedure.objects.order_by().filter(
        valid_on(end), status=PublicationStatus.PUBLISHED
    )
    if scope is not None:
        kinds = Agency.objects.filter(pk__in=scope).values("kind")
        procedures = procedures.filter(agency_kind__in=kinds)
    begin, stop = period_bounds(start, end)
    used = _dossiers(scope).filter(
        procedure_id=OuterRef("pk"),
        channel=Channel.ONLINE,
        accepted_at__gte=begin,
        accepted_at__lt=stop,
    )
    online = Q(online_type__in=[OnlineType.FULL, OnlineType.PARTIAL])
    # Exists straight in the filter: an aliased Exists is lost when Django wraps the
    # aggregate in a subquery.
    counts = procedures.aggregate(
        total=Count("pk"),
        online=Count("pk", filter=online),
        used=Count("pk", filter=online & Q(Exists(used))),
    )
    return (counts["online"], counts["total"]), (counts["used"], counts["online"])


def _with_file(dossiers: QuerySet[Dossier], purpose: str) -> tuple[int, int]:
    files = DossierFile.objects.filter(dossier_id=OuterRef("pk"), purpose=purpose)
    counts = dossiers.aggregate(total=Count("pk"), with_file=Count("pk", filter=Q(Exists(files))))
    return counts["with_file"], counts["total"]


def _satisfaction(dossiers: QuerySet[Dossier]) -> tuple[int, int]:
    unhappy = Rating.objects.filter(dossier_id=OuterRef("pk"), overall__in=list(DISSATISFIED))
    counts = dossiers.aggregate(total=Count("pk"), unhappy=Count("pk", filter=Q(Exists(unhappy))))
    return counts["total"] - counts["unhappy"], counts["total"]


def _inputs(
    agency: Agency | None, start: date, end: date, row: StatRow
) -> dict[str, tuple[int, int]]:
    scope = _scope(agency)
    begin, stop = period_bounds(start, end)
    on_hand = row.resolved + row.withdrawn + row.in_progress
    in_time = row.resolved_early + row.resolved_on_time + row.withdrawn + row.in_progress_within
    offered, used = _procedures_online(scope, start, end)
    dossiers = _dossiers(scope)
    resolved = dossiers.filter(finished_at__gte=begin, finished_at__lt=stop)
    received = dossiers.filter(accepted_at__gte=begin, accepted_at__lt=stop)
    returned = dossiers.filter(returned_at__gte=begin, returned_at__lt=stop)
    return {
        "timeliness": (in_time, on_hand),
        "procedures_online": offered,
        "online_procedures_used": used,
        "online_submission": (row.received_online, row.received),
        "e_results": _with_file(resolved, FilePurpose.RESULT),
        "digitised_dossiers": _with_file(received, FilePurpose.COMPONENT),
        "dossier_satisfaction": _satisfaction(returned),
    }


# --- the index ------------------------------------------------------------------------------


def _indicator(
    definition: Definition, rule: Rule | None, inputs: tuple[int, int] | None
) -> Indicator:
    common = {
        "code": definition.code,
        "group": definition.group,
        "name": definition.name,
        "how": definition.how,
        "source": definition.source,
    }
    if rule is None or inputs is None:
        return Indicator(
            status=definition.missing,
            max_points=definition.known_points,
            reason=definition.no_data,
            **common,
        )
    numerator, denominator = inputs
    indicator = Indicator(
        status=COMPUTED,
        max_points=rule.points,
        numerator=numerator,
        denominator=denominator,
        rule=rule.rule,
        threshold=rule.threshold,
        points_below=rule.points_below,
        **common,
    )
    share = indicator.share
    if rule.rule is None:
        return replace(
            indicator,
            status=NO_POINTS,
            reason=_("no points: the scoring rule has not been determined"),
        )
    if share is None:
        return replace(
            indicator, status=NO_POINTS, reason=_("no points: nothing to measure in this period")
        )
    return replace(indicator, points=rule.score(share))


def index_766(*, agency: Agency | None, start: date, end: date) -> Index766:
    """The index of `agency` (and every agency below it; None: the whole installation) for the
    period `start`..`end` (whole days). Raises ValidationFailed for a bad period and
    ImproperlyConfigured for a bad MOTCUA_INDEX_766."""
    check_period(start, end)
    config = index_config()
    row = statistics_table(agency=agency, start=start, end=end).total
    inputs = _inputs(agency, start, end, row)
    groups = []
    for code in GROUPS:
        indicators = [
            _indicator(d, config.rules.get(d.code), inputs.get(d.code))
            for d in DEFINITIONS
            if d.group == code
        ]
        listed = sum((i.max_points or Decimal(0) for i in indicators), Decimal(0))
        rest = config.groups[code] - listed
        if rest > 0:
            indicators.append(
                Indicator(
                    code=f"{code}_rest",
                    group=code,
                    name=_("The rest of the group"),
                    status=RULE_NOT_FOUND,
                    how=_("The indicators that make up these points have not been determined."),
                    source=S27,
                    max_points=rest,
                    reason=RULE_NOT_SET,
                )
            )
        groups.append(Group(code, GROUP_NAMES[code], config.groups[code], tuple(indicators)))
    return Index766(agency=agency, start=start, end=end, groups=tuple(groups), row=row)
