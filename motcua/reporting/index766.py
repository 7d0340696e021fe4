"""The service-quality index in the shape of Decision 766/QĐ-TTg (Chỉ số 766), per agency (with
everything below it) and period, computed from the dossiers (domain-vn §1.6).

The decision gives five groups and their maximum points (100 in all) [S27, S28]. How each
group splits into indicators, and how a share becomes points, is only partly known: the rules
and thresholds live in ``settings.MOTCUA_INDEX_766`` and ``reporting.index766_rules`` (which
says where each comes from) — configuration, not law; DVCQG publishes the official scores,
which these need not equal. Whatever the rule, an indicator at 0 % earns no points.

Every indicator is one of three kinds (``Indicator.status``):

- ``computed``: a share numerator / denominator from the dossiers or the catalogue, and the
  points its rule gives (``Indicator.rule_text`` says how);
- ``no_points``: the share is computed but the rule that turns it into points was not found
  (rule None in the setting, e.g. the satisfaction target of Resolution 76/NQ-CP);
- ``no_data``: MotCua does not hold the data (payment through the national portal,
  synchronisation with DVCQG, petitions) — not computed, no points, and the reason says why.

What is left of a group's maximum after its known indicators is shown as one ``rule_not_found``
line: "not computed: the scoring rule has not been determined", no points. Nothing is invented
to fill a group.

Which dossiers count follows ``reporting.statistics``: a dossier belongs to its receiving
agency; received = accepted in the period; resolved = result ready (``finished_at``) in the
period; the timeliness buckets are the statistics table's; an electronic result is what
``e_result_files`` says; fee-bearing dossiers and online payments are what
``reporting.index766_payments`` says.

Public interface: ``index_766(*, agency, start, end) -> Index766``, ``index_config()``,
``e_result_files(dossier)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel, OnlineType, PublicationStatus
from motcua.catalogue.models import Procedure
from motcua.core.validity import valid_on
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.models import Dossier, DossierComponent, DossierFile, Rating
from motcua.dossiers.satisfaction import DISSATISFIED
from motcua.dossiers.warehouse_models import ComponentReuse

from .index766_payments import payment_inputs
from .index766_rules import (
    COMPUTED,
    DEFINITIONS,
    GROUP_NAMES,
    GROUPS,
    NO_DATA,
    NO_POINTS,
    RULE_NOT_FOUND,
    RULE_NOT_SET,
    S27,
    Definition,
    Rule,
    index_config,
)
from .statistics import StatRow, _subtree_ids, check_period, period_bounds, statistics_table

__all__ = [
    "COMPUTED",
    "GROUPS",
    "NO_DATA",
    "NO_POINTS",
    "RULE_NOT_FOUND",
    "Group",
    "Index766",
    "Indicator",
    "e_result_files",
    "index_766",
    "index_config",
]


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
    def rule_text(self) -> str:
        """How the share becomes points, in words ("" for an indicator without a rule)."""
        if self.status not in (COMPUTED, NO_POINTS):
            return ""
        assert self.max_points is not None
        return Rule(self.rule, self.max_points, self.threshold, self.points_below).text()

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


def e_result_files(dossier: Any) -> QuerySet[DossierFile]:
    """The files that make `dossier` (a Dossier, or ``OuterRef("pk")`` in a subquery) count as
    resolved with an electronic result in the 766 index: its result files.

    The national portal describes this indicator as results issued electronically "có giá trị
    pháp lý" (with legal value), i.e. signed ones. MotCua does not sign result files yet, so
    every result file counts; once the e-results work (issue 16) gives result files a
    signature, this is the one place that narrows the count to signed results, and the index
    follows."""
    return DossierFile.objects.filter(dossier_id=dossier, purpose=FilePurpose.RESULT)


def _with(dossiers: QuerySet[Dossier], files: QuerySet[DossierFile]) -> tuple[int, int]:
    counts = dossiers.aggregate(total=Count("pk"), with_file=Count("pk", filter=Q(Exists(files))))
    return counts["with_file"], counts["total"]


def _components(dossier: Any) -> QuerySet[DossierFile]:
    return DossierFile.objects.filter(dossier_id=dossier, purpose=FilePurpose.COMPONENT)


def _reuse(dossiers: QuerySet[Dossier]) -> tuple[int, int]:
    """(components re-used from the e-warehouse, components with a file) of `dossiers`."""
    with_file = DossierFile.objects.filter(component_id=OuterRef("pk"))
    reused = ComponentReuse.objects.filter(component_id=OuterRef("pk"))
    counts = (
        DossierComponent.objects.order_by()
        .filter(Exists(with_file), dossier__in=dossiers.values("pk"))
        .aggregate(total=Count("pk"), reused=Count("pk", filter=Q(Exists(reused))))
    )
    return counts["reused"], counts["total"]


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
        "e_results": _with(resolved, e_result_files(OuterRef("pk"))),
        "digitised_dossiers": _with(received, _components(OuterRef("pk"))),
        "reuse": _reuse(received),
        "dossier_satisfaction": _satisfaction(returned),
        **payment_inputs(dossiers=dossiers, scope=scope, begin=begin, stop=stop),
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
