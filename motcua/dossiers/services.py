"""Writes for dossiers. For now: taking the next dossier code."""

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.core.errors import DomainError

from .models import MAX_DAILY_NUMBER, DossierCodeCounter


def dossier_code_next(*, agency: Agency, received_on: date) -> str:
    """The next code `<agency identifier>-<YYMMDD>-<NNNN>` (Circular 01/2018 Art. 19).

    `received_on` is the day of receipt in Vietnam time. Call it inside the transaction that
    stores the dossier: the counter row stays locked until that transaction ends, and a
    rollback gives the number back, so the day's codes have no gaps and no duplicates.
    No audit event of its own: the act that stores the code records it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next() must run inside transaction.atomic()")
    if isinstance(received_on, datetime):
        raise TypeError("received_on is a date (of receipt, in Vietnam time), not a datetime")
    if not agency.identifier:
        raise DomainError(
            _("%(agency)s has no identifier code, so it cannot number dossiers.")
            % {"agency": agency},
            code="agency_without_identifier",
        )
    number = _take_number(agency=agency, day=received_on)
    return f"{agency.identifier}-{received_on:%y%m%d}-{number:04d}"


def _take_number(*, agency: Agency, day: date) -> int:
    counter = _locked_counter(agency=agency, day=day)
    if counter.last_number >= MAX_DAILY_NUMBER:
        raise DomainError(
            _("%(agency)s has already numbered %(max)d dossiers on %(day)s.")
            % {"agency": agency, "max": MAX_DAILY_NUMBER, "day": day.strftime("%d/%m/%Y")},
            code="dossier_code_exhausted",
        )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _locked_counter(*, agency: Agency, day: date) -> DossierCodeCounter:
    """The day's counter row, locked (SELECT … FOR UPDATE) until the caller's transaction ends.

    The first dossier of the day creates the row with INSERT … ON CONFLICT DO NOTHING (SQLite:
    INSERT OR IGNORE). When two transactions create it at once, PostgreSQL makes the second
    INSERT wait for the first transaction and then do nothing; the SELECT that follows is a
    new statement (READ COMMITTED), so it sees the committed row and waits for its lock.
    No IntegrityError, so the caller's transaction is never left broken.
    """
    rows = DossierCodeCounter.objects.select_for_update().filter(agency=agency, day=day)
    counter = rows.first()
    if counter is None:
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(agency=agency, day=day, last_number=0)], ignore_conflicts=True
        )
        counter = rows.get()
    return counter
