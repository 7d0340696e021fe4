"""Where a dossier stands in its agency's tracking register (Sổ theo dõi hồ sơ): the book and the
entry number the receipt (Mẫu 01) cites and the register (Mẫu 06 / 07) lists (docs/slips.md).

MotCua keeps no table of books. The rule, ours:
- **book** (quyển số): one book per receiving agency and calendar year of receipt, numbered by
  the year ("2026");
- **entry** (số thứ tự): the dossier's ordinal among the dossiers the agency accepted in that
  year, by acceptance time and then by id, from 1.

Both follow from the dossiers' own records, so a slip printed again gives the same numbers.
Only accepted dossiers (with `accepted_at`) are entered; every dossier of the agency counts,
whoever is looking.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from motcua.accounts.models import Agency
from motcua.deadlines.calendar import VN_TZ, local

from .models import Dossier


@dataclass(frozen=True)
class RegisterEntry:
    book: str  # "2026"
    entry: int  # 1, 2, …


def _year_start(year: int) -> datetime:
    return datetime.combine(date(year, 1, 1), time.min, tzinfo=VN_TZ)


def _entered(agency_id: int) -> Q:
    return Q(receiving_agency_id=agency_id, accepted_at__isnull=False)


def register_entry(dossier: Dossier) -> RegisterEntry | None:
    """The book and entry of an accepted dossier (one query); None before acceptance."""
    accepted = dossier.accepted_at
    if accepted is None:
        return None
    year = local(accepted).year
    earlier = Dossier.objects.filter(
        _entered(dossier.receiving_agency_id),
        Q(accepted_at__lt=accepted) | Q(accepted_at=accepted, pk__lte=dossier.pk),
        accepted_at__gte=_year_start(year),
    ).count()
    return RegisterEntry(book=str(year), entry=earlier)


def register_entries(*, agency: Agency, date_from: date, date_to: date) -> dict[int, RegisterEntry]:
    """The entries of the dossiers `agency` accepted from `date_from` to `date_to` (days in
    Vietnam time, both included), by dossier id: two queries, whatever the period's length
    (at most two years, so at most one new year inside it)."""
    period = _entered(agency.pk)
    before = 0
    # The first and last days a datetime can hold have no start / no next day in UTC.
    if date_from > date.min + timedelta(days=1):
        start = datetime.combine(date_from, time.min, tzinfo=VN_TZ)
        period &= Q(accepted_at__gte=start)
        before = Dossier.objects.filter(
            _entered(agency.pk),
            accepted_at__gte=_year_start(date_from.year),
            accepted_at__lt=start,
        ).count()
    if date_to < date.max - timedelta(days=1):
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=VN_TZ)
        period &= Q(accepted_at__lt=end)
    moments = (
        Dossier.objects.filter(period)
        .order_by("accepted_at", "pk")
        .values_list("pk", "accepted_at")
    )
    entries: dict[int, RegisterEntry] = {}
    year, count = date_from.year, before
    for pk, accepted in moments:
        assert accepted is not None  # filtered on
        accepted_year = local(accepted).year
        if accepted_year != year:
            year, count = accepted_year, 0
        count += 1
        entries[pk] = RegisterEntry(book=str(year), entry=count)
    return entries
