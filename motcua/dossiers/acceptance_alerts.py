"""Online dossiers waiting for acceptance: their deadline and the alert when it passes.

An online dossier is submitted (status "registered") and waits for a reception officer of its
receiving agency to accept it, ask for a supplement or refuse it; only acceptance starts the
legal clock (domain-vn §2.2). The officer has `MOTCUA_ONLINE_ACCEPTANCE_HOURS` (8) working
hours from the submission, on the receiving agency's calendar (`deadlines.calendar_for`: its
office hours, weekends, Tết and the other days off). No national rule found: 8 working hours
is Thanh Hóa's local service level (`HanTiepNhan`, domain-vn §2.2 [code S2]), so a setting,
unconfirmed as law. `acceptance_deadline` / `AcceptanceDeadlines` compute it for the reception
queue (backoffice.reception) and for the alert alike; `acceptance_late` says when it is past.

- **Alert** (`dossiers.acceptance_overdue`), every `MOTCUA_OVERDUE_ALERT_MINUTES` (5), the
  period of the overdue-step alerts: to every active reception officer of the receiving agency,
  by e-mail (if they have an address) and in their portal inbox, once per dossier and officer:
  key `acceptance-overdue-<dossier id>-<user id>` (the inbox copy's ends in `-inbox`), so the
  job may run any number of times.
- Only dossiers submitted **online** and still **registered** (waiting for the officer) are
  alerted. One sent back for an intake supplement waits for the applicant, not the officer, and
  is not alerted; when the applicant answers it is "registered" again with its deadline still
  counted from the submission (as the queue shows it), and it is alerted then if it was not
  before. Postal dossiers wait in the same queue but have no alert (the rule is for online
  submissions).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.catalogue.constants import Channel
from motcua.deadlines.calendar import WorkingCalendar, local
from motcua.deadlines.selectors import calendar_for
from motcua.notifications.notice_templates import register_event
from motcua.notifications.periodic import register_job

from .constants import DossierStatus
from .models import Dossier
from .reminders import (
    CHANNELS,
    MOMENT_FORMAT,
    Holders,
    _absolute,
    _dossier_path,
    _language,
    _name,
    _not_yet_told,
    _send,
    alert_every,
)

ACCEPTANCE_EVENT = "dossiers.acceptance_overdue"
DEFAULT_ACCEPTANCE_HOURS = 8  # Thanh Hóa's local SLA for online dossiers (domain-vn §2.2)


def acceptance_hours() -> int:
    """settings.MOTCUA_ONLINE_ACCEPTANCE_HOURS: working hours from submission to acceptance."""
    return int(getattr(settings, "MOTCUA_ONLINE_ACCEPTANCE_HOURS", DEFAULT_ACCEPTANCE_HOURS))


def acceptance_deadline(dossier: Dossier, calendar: WorkingCalendar | None = None) -> datetime:
    """When `dossier` should be accepted, refused or sent back for supplement: the setting's
    working hours after its submission, on `calendar` (by default its receiving agency's)."""
    if calendar is None:
        calendar = _calendar(dossier.receiving_agency, dossier.submitted_at)
    return calendar.add_working_time(dossier.submitted_at, timedelta(hours=acceptance_hours()))


def acceptance_late(deadline: datetime, now: datetime) -> bool:
    """Past the deadline: strictly after it (at the deadline itself there is still time)."""
    return deadline < now


class AcceptanceDeadlines:
    """`acceptance_deadline` for many dossiers, with one calendar per agency and year of
    submission (a list of dossiers from a few agencies asks for each calendar once)."""

    def __init__(self) -> None:
        self.calendars: dict[tuple[int, int], WorkingCalendar] = {}

    def __call__(self, dossier: Dossier) -> datetime:
        key = (dossier.receiving_agency_id, local(dossier.submitted_at).year)
        if key not in self.calendars:
            self.calendars[key] = _calendar(dossier.receiving_agency, dossier.submitted_at)
        return acceptance_deadline(dossier, self.calendars[key])


def _calendar(agency: Any, submitted_at: datetime) -> WorkingCalendar:
    year = local(submitted_at).year
    return calendar_for(agency, years=range(year, year + 2))  # a deadline after New Year too


# --- the alert --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LateAcceptance:
    dossier: Dossier
    deadline: datetime


def waiting_online(*, now: datetime) -> QuerySet[Dossier]:
    """Online dossiers waiting for the officer that may be past their deadline: working hours
    never pass faster than the clock, so only those submitted at least that long ago."""
    return (
        Dossier.objects.filter(
            channel=Channel.ONLINE,
            status=DossierStatus.REGISTERED,
            submitted_at__lte=now - timedelta(hours=acceptance_hours()),
        )
        .select_related("procedure", "receiving_agency")
        .order_by("submitted_at", "pk")
    )


def late_acceptances(*, now: datetime) -> list[LateAcceptance]:
    """Online dossiers still waiting for acceptance after their deadline, oldest first."""
    deadlines = AcceptanceDeadlines()
    late = []
    for dossier in waiting_online(now=now):
        deadline = deadlines(dossier)
        if acceptance_late(deadline, now):
            late.append(LateAcceptance(dossier, deadline))
    return late


def alert_late_acceptances(*, now: datetime) -> dict[str, int]:
    """Tell the reception officers of the receiving agency of every online dossier past its
    acceptance deadline, once per dossier and officer (the job)."""
    holders_of = Holders()
    candidates = [
        (user, f"acceptance-overdue-{item.dossier.pk}-{user.pk}", item)
        for item in late_acceptances(now=now)
        for user in holders_of(item.dossier.receiving_agency_id, Role.RECEPTION_OFFICER)
    ]
    sent = 0
    for user, key, item in _not_yet_told(candidates):
        language = _language(user)
        link = _dossier_path(item.dossier, language)
        context = _context(user, item, _absolute(link))
        sent += _send(event=ACCEPTANCE_EVENT, key=key, user=user, context=context, link=link)
    return {"acceptance_alerts": sent}


def _context(user: User, item: LateAcceptance, url: str) -> dict[str, Any]:
    dossier = item.dossier
    return {
        "official": _name(user),
        "agency": dossier.receiving_agency.name,
        "hours": acceptance_hours(),
        "dossier": {
            "reference": dossier.reference or dossier.code or "",
            "procedure": dossier.procedure.name,
            "applicant": dossier.applicant_name,
            "submitted_at": local(dossier.submitted_at).strftime(MOMENT_FORMAT),
            "accept_by": local(item.deadline).strftime(MOMENT_FORMAT),
            "url": url,
        },
    }


# --- registration -----------------------------------------------------------------------------


SAMPLE_UID = "3f2b6c1e-8d4a-4c5e-9a7b-2e1d0c9b8a76"


def sample_alert() -> dict[str, Any]:
    return {
        "official": "Phạm Thị Dung",
        "agency": "Trung tâm Phục vụ hành chính công tỉnh",
        "hours": acceptance_hours(),
        "dossier": {
            "reference": "K7MW2QXD",
            "procedure": "Đăng ký khai sinh",
            "applicant": "Nguyễn Văn An",
            "submitted_at": "16:00 13/02/2026",
            "accept_by": "16:00 23/02/2026",
            "url": f"{settings.MOTCUA_PUBLIC_URL}/can-bo/ho-so/{SAMPLE_UID}/",
        },
    }


def register() -> None:
    """The notice event and the periodic job (called by DossiersConfig.ready)."""
    register_event(
        event=ACCEPTANCE_EVENT,
        label=_("Alert to reception officers: an online dossier is past its acceptance deadline"),
        channels=CHANNELS,
        sample_context=sample_alert,
        help_text=format_lazy(
            "{} {}",
            _("Variables: official, agency, hours, dossier."),
            _(
                "The dossier: reference, procedure, applicant, submitted_at, accept_by "
                "(the acceptance deadline), url."
            ),
        ),
    )
    register_job(ACCEPTANCE_EVENT, alert_late_acceptances, every=alert_every())
