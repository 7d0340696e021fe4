"""The pauses of a dossier read back from its audit events: what the generator writes with its
bulk rows, and what migration 0013 rebuilds for dossiers acted on before the pause history
was kept. The live acts write DossierPause themselves (dossiers.services)."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from .constants import PAUSE_OF_STATUS, DossierStatus


def _moment(value: Any) -> datetime | None:
    return parse_datetime(str(value)) if value else None


def pauses_from_events(events: Iterable[Any], make: Callable[..., Any]) -> list[Any]:
    """The pauses the dossier's `events` (its audit chain, in order: objects with `data`,
    `action` and `occurred_at`) began and ended, as `make(**fields)` builds them (the model
    class, or a migration's historical one); `started_event` is the event that began each."""
    pauses: list[Any] = []
    due: datetime | None = None
    current: Any = None
    for event in events:
        data = event.data or {}
        at = _moment(data.get("at")) or event.occurred_at
        if "due_at" in data:
            due = _moment(data["due_at"])
        source, target = data.get("from"), data.get("to")
        if source == target or source is None:
            continue
        if current is not None and source in PAUSE_OF_STATUS:
            current.ended_at, current.due_after = at, due
            current.end_act = event.action.split(".", 1)[-1]
            current = None
        kind = PAUSE_OF_STATUS.get(DossierStatus(target)) if target else None
        if kind is not None:
            answer_by = parse_date(str(data.get("answer_by") or ""))
            current = make(
                kind=kind,
                started_at=at,
                answer_by=answer_by,
                due_before=due,
                reason=str(data.get("reason") or ""),
                started_event=event,
            )
            pauses.append(current)
    return pauses
