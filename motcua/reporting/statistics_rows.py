"""The rows of the statistics table (reporting.statistics): `StatRow` (the counts of one row,
with its totals and rates), `StatTable`, `MonthStat`, and the rows of a table by agency (with
or without roll-up) or by field / procedure, sorted in Vietnamese order."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.catalogue.models import Field, Procedure

from .statistics_history import COUNT_FIELDS


@dataclass(frozen=True)
class StatRow:
    """One row of the table: what it is about (`kind`, `key` = the agency / field / procedure
    id, None for the total; `label`) and the counts (module doc)."""

    kind: str
    key: int | None
    label: str
    carried_over: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_post: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress_within: int = 0
    in_progress_overdue: int = 0
    awaiting_supplement: int = 0
    awaiting_obligation: int = 0
    stopped: int = 0
    withdrawn: int = 0
    refused: int = 0
    acceptance_overdue: int = 0

    @property
    def received(self) -> int:
        return self.received_online + self.received_counter + self.received_post

    @property
    def to_handle(self) -> int:
        """Carried over plus received: everything the agency had on its hands in the period."""
        return self.carried_over + self.received

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def in_progress(self) -> int:
        return self.in_progress_within + self.in_progress_overdue

    @property
    def paused(self) -> int:
        return self.awaiting_supplement + self.awaiting_obligation + self.stopped

    @property
    def on_time_rate(self) -> float | None:
        resolved = self.resolved
        return (self.resolved_early + self.resolved_on_time) / resolved if resolved else None

    @property
    def online_rate(self) -> float | None:
        received = self.received
        return self.received_online / received if received else None

    @property
    def balanced(self) -> bool:
        return self.to_handle == self.resolved + self.withdrawn + self.in_progress + self.paused

    @property
    def is_empty(self) -> bool:
        return not any(self.counts().values())

    def counts(self) -> dict[str, int]:
        """The stored counts by name (COUNT_FIELDS order)."""
        return {name: getattr(self, name) for name in COUNT_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        """Counts, totals and rates, for JSON."""
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            **self.counts(),
            "received": self.received,
            "resolved": self.resolved,
            "in_progress": self.in_progress,
            "paused": self.paused,
            "on_time_rate": self.on_time_rate,
            "online_rate": self.online_rate,
        }


def _sum_rows(rows: Iterable[StatRow], *, kind: str, key: int | None, label: str) -> StatRow:
    totals = dict.fromkeys(COUNT_FIELDS, 0)
    for row in rows:
        for name in COUNT_FIELDS:
            totals[name] += getattr(row, name)
    return StatRow(kind=kind, key=key, label=label, **totals)


@dataclass(frozen=True)
class StatTable:
    """The table for one agency (None: all) and period: `rows` and the `total` row."""

    agency: Agency | None
    start: date
    end: date
    group_by: str
    roll_up: bool
    compare: str
    rows: tuple[StatRow, ...]
    total: StatRow


@dataclass(frozen=True)
class MonthStat:
    """The totals of one calendar month (`month` = its first day), clipped to the period
    (`start`..`end`)."""

    month: date
    start: date
    end: date
    row: StatRow


def _rows_by_agency(
    agency: Agency | None,
    ids: set[int],
    counts: Mapping[int, Mapping[str, int]],
    *,
    roll_up: bool,
    start: date,
) -> list[StatRow]:
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}

    def row(pk: int, label: str, members: Iterable[int]) -> StatRow:
        parts = [
            StatRow(kind="agency", key=pk, label=label, **counts[m]) for m in members if m in counts
        ]
        return _sum_rows(parts, kind="agency", key=pk, label=label)

    def in_use(a: Agency, r: StatRow) -> bool:
        # Agencies merged away before the period show only when they have something to count.
        return not r.is_empty or a.valid_to is None or a.valid_to >= start

    if not roll_up:
        rows = [row(pk, a.name, [pk]) for pk, a in agencies.items()]
        return sorted((r for r in rows if in_use(agencies[r.key], r)), key=_label_key)  # type: ignore[index]
    if agency is None:
        tops = [a for a in agencies.values() if a.parent_id is None]
        own: list[StatRow] = []
    else:
        tops = [a for a in agencies.values() if a.parent_id == agency.pk]
        own_row = row(agency.pk, agency.name, [agency.pk])
        own = [own_row] if not own_row.is_empty or not tops else []
        if own and tops:
            own = [replace(own_row, label=_("%(agency)s (own desk)") % {"agency": agency.name})]
    rows = [row(top.pk, top.name, _subtree_within(top.pk, agencies)) for top in tops]
    rows = [r for r, top in zip(rows, tops, strict=True) if in_use(top, r)]
    return own + sorted(rows, key=_label_key)


def _subtree_within(root: int, agencies: Mapping[int, Agency]) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, a in agencies.items():
        children[a.parent_id].append(pk)
    ids, frontier = {root}, [root]
    while frontier:
        frontier = [c for pk in frontier for c in children[pk] if c not in ids]
        ids.update(frontier)
    return ids


def _rows_by_catalogue(counts: Mapping[int, Mapping[str, int]], group_by: str) -> list[StatRow]:
    procedures = {
        p.pk: p for p in Procedure.objects.filter(pk__in=list(counts)).select_related("field")
    }
    if group_by == "procedure":
        rows = [
            StatRow(kind="procedure", key=pk, label=_procedure_label(procedures[pk]), **c)
            for pk, c in counts.items()
        ]
        return sorted(rows, key=_label_key)
    by_field: dict[int, list[StatRow]] = defaultdict(list)
    for pk, c in counts.items():
        by_field[procedures[pk].field_id].append(StatRow(kind="field", key=None, label="", **c))
    names = dict(Field.objects.filter(pk__in=list(by_field)).values_list("pk", "name"))
    rows = [
        _sum_rows(parts, kind="field", key=pk, label=names[pk]) for pk, parts in by_field.items()
    ]
    return sorted(rows, key=_label_key)


def _procedure_label(procedure: Procedure) -> str:
    code = procedure.national_code or procedure.local_code
    return f"{code} – {procedure.name}" if code else procedure.name


def _label_key(row: StatRow) -> tuple[str, str, int]:
    """Vietnamese alphabetical order, near enough: letters first without their marks (đ is
    d), then with them."""
    folded = unicodedata.normalize("NFD", row.label.casefold().replace("đ", "d"))
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return (bare, row.label.casefold(), row.key or 0)
