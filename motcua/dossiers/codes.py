"""Dossier codes `<agency identifier>-<YYMMDD>-<NNNN>` (Circular 01/2018 Art. 19): a counter
per numbering agency and day, locked while the next number is taken.

The numbering agency is the receiving agency when it has an identifier code (QCVN 102:2016).
An agency without one (a service centre receiving on behalf of departments, a commune whose
code is not yet assigned) numbers with its nearest ancestor's code when
`settings.MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER` is on, and then with that ancestor's counter,
so agencies sharing a code never get the same number (docs/architecture.md "Agency identifiers
and numbering").
"""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.core.errors import DomainError

from .models import MAX_DAILY_NUMBER, DossierCodeCounter

# QCVN 102:2016 codes have four levels (V1V2V3.Z1Z2.Y1Y2.MX1X2), so an agency's nearest coded
# ancestor is at most three levels above it; the same bound serves numbering_agency() and
# numbering_filter(), so an agency offered for online submission can always number.
ANCESTOR_LEVELS = 3


def numbering_agency(agency: Agency) -> Agency | None:
    """The agency whose identifier code and daily counter number `agency`'s dossiers: `agency`
    itself when it has a code; else, with MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER on, its nearest
    ancestor (up to ANCESTOR_LEVELS above) that has one; else None (it cannot number)."""
    if agency.identifier:
        return agency
    if not settings.MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER:
        return None
    ancestor = agency.parent
    for _level in range(ANCESTOR_LEVELS):
        if ancestor is None:
            return None
        if ancestor.identifier:
            return ancestor
        ancestor = ancestor.parent
    return None


def numbering_filter(prefix: str = "") -> Q:
    """The agencies that can number dossiers (numbering_agency() is not None) as a query filter;
    `prefix` reaches them through a relation (e.g. "receiving_agency__").

    `identifier__gt=""` means "has a code" and is false through a missing parent (NULL)."""
    condition = Q(**{f"{prefix}identifier__gt": ""})
    if settings.MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER:
        path = prefix
        for _level in range(ANCESTOR_LEVELS):
            path += "parent__"
            condition |= Q(**{f"{path}identifier__gt": ""})
    return condition


def dossier_code_next(*, agency: Agency, received_on: date) -> str:
    """The next code `<identifier>-<YYMMDD>-<NNNN>` (Circular 01/2018 Art. 19) for a dossier
    received by `agency`, with the identifier and counter of numbering_agency(agency).

    `received_on` is the day of receipt in Vietnam time. Call it inside the transaction that
    stores the dossier: the counter row stays locked until that transaction ends, and a
    rollback gives the number back, so the day's codes have no gaps and no duplicates.
    No audit event of its own: the act that stores the code records it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next() must run inside transaction.atomic()")
    if isinstance(received_on, datetime):
        raise TypeError("received_on is a date (of receipt, in Vietnam time), not a datetime")
    numbering = numbering_agency(agency)
    if numbering is None:
        raise DomainError(
            _("%(agency)s has no identifier code, so it cannot number dossiers.")
            % {"agency": agency},
            code="agency_without_identifier",
        )
    number = _take_number(agency=numbering, day=received_on)
    return f"{numbering.identifier}-{received_on:%y%m%d}-{number:04d}"


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
