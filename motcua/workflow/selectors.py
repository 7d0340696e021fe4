"""Reads of the internal processes."""

from django.db.models import Max

from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure
from motcua.catalogue.selectors import procedure_legal_period

from . import engine
from .constants import ProcessStatus
from .models import Process


def process_in_force(*, procedure: Procedure, agency: Agency) -> Process | None:
    """The published version for the procedure at the agency, steps and moves prefetched."""
    return (
        Process.objects.filter(procedure=procedure, agency=agency, status=ProcessStatus.PUBLISHED)
        .select_related("procedure", "agency")
        .prefetch_related("steps", "moves")
        .first()
    )


def process_get_loaded(*, pk: int) -> Process:
    """One process with what the engine reads (steps, moves) and its procedure's times."""
    return (
        Process.objects.select_related("procedure", "agency")
        .prefetch_related("steps", "moves", "procedure__channels")
        .get(pk=pk)
    )


def process_next_version(*, procedure: Procedure, agency: Agency) -> int:
    """The version number a new process for the procedure at the agency gets."""
    latest = Process.objects.filter(procedure=procedure, agency=agency).aggregate(
        latest=Max("version")
    )["latest"]
    return (latest or 0) + 1


def process_legal_hours(*, process: Process) -> int | None:
    """The procedure's legal time at the counter in working hours (1 day = 8 h), if stated."""
    period = procedure_legal_period(procedure=process.procedure, channel=Channel.DIRECT)
    return period.nominal_hours if period is not None else None


def process_problems(*, process: Process) -> list[str]:
    """What keeps the process from being published (reloads it with its steps and moves)."""
    loaded = process_get_loaded(pk=process.pk)
    return engine.validate(loaded, process_legal_hours(process=loaded))


def process_published_other(*, process: Process) -> Process | None:
    """The version in force that publishing `process` would retire."""
    return (
        Process.objects.filter(
            procedure_id=process.procedure_id,
            agency_id=process.agency_id,
            status=ProcessStatus.PUBLISHED,
        )
        .exclude(pk=process.pk)
        .first()
    )
