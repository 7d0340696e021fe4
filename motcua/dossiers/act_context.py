"""What an act carries (`ActInput`, from the interfaces) and what it works on while it runs
(`ActContext`, inside dossiers.services.dossier_act's transaction)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from motcua.accounts.models import Agency, User
from motcua.core import audit
from motcua.deadlines.calendar import WorkingCalendar, local
from motcua.deadlines.selectors import calendar_for

from .constants import Act
from .models import Dossier


@dataclass(frozen=True)
class ActInput:
    """What an act may carry. Each act reads the parts it needs (see `_REQUIRED`)."""

    comment: str = ""
    target_step_id: int | None = None
    missing: Sequence[str] = ()
    amount: int | None = None
    reference: str = ""
    result_number: str = ""
    return_method: str = ""
    new_appointment: date | None = None  # the apology's new appointment day (Mẫu 04)
    answer_by: date | None = None  # a supplement request: the applicant answers by (Mẫu 02)
    recipient_name: str = ""  # who took the result at the counter
    recipient_id_number: str = ""
    originals_collected: str = ""  # originals taken back when handing over the result
    tracking_number: str = ""  # the postal item carrying the result
    expected_version: int | None = None  # the version the actor saw; None = do not check


@dataclass
class ActContext:
    dossier: Dossier
    actor: User
    act: Act
    now: datetime
    data: ActInput
    event: dict[str, Any] = field(default_factory=dict)
    appointment: tuple[datetime | None, datetime | None] | None = None
    calendars: dict[int, WorkingCalendar] = field(default_factory=dict)
    answer_by: date | None = None  # of the pause the act begins (supplement requests)
    # Rows that point at the act's audit event, written once it exists.
    after_event: list[Callable[[audit.AuditEvent], None]] = field(default_factory=list)

    def calendar(self, agency: Agency) -> WorkingCalendar:
        """The agency's calendar for the years around the act (imports may act in the past),
        built once per act and agency (acceptance needs it for the due date and the step)."""
        if agency.pk not in self.calendars:
            year = local(self.now).year
            self.calendars[agency.pk] = calendar_for(agency, years=range(year - 1, year + 3))
        return self.calendars[agency.pk]
