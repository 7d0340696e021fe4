"""Reminders to officials: the daily digest, the overdue-step alert and the leaders' escalation.

Three periodic jobs (registered in `DossiersConfig.ready`, run by `manage.py worker`, see
`motcua.notifications.periodic`); each message goes by e-mail to the official's address (if
they have one) and to their portal inbox, worded by the notice templates
(`notices/dossiers.<event>.<channel>.<language>.txt`, editable by administrators).

- **Digest** (`dossiers.official_digest`), on working days at `MOTCUA_DIGEST_TIME` (07:30,
  Vietnam time): to each official, the dossiers waiting for them — the backoffice list "mine"
  (`worklists.my_tasks_q`: the current step's role in the step's agency, so everyone who may
  take the step) — whose appointment has passed (overdue) or falls before the end of the
  `MOTCUA_DIGEST_DUE_SOON_WORKING_DAYS`-th (2) working day after today (due soon; today
  included). Nothing is sent when both lists are empty, nor on a day off (weekends, Tết,
  30/4, 1/5, 2/9, Giỗ Tổ… per `motcua.deadlines`; a swapped working Saturday gets one).
  Key `digest-<user id>-<date>`.
- **Alert** (`dossiers.step_overdue`), every `MOTCUA_OVERDUE_ALERT_MINUTES` (5): when the open
  step record of a running dossier is past its due time, to the official the step is assigned
  to (`dossiers.assignment`), else to every holder of the step (its role in its agency). Once
  per step record and holder: key `step-overdue-<record id>-<user id>`.
- **Escalation** (`dossiers.overdue_escalation`), with the alert's job: to the leaders of the
  agency holding a running dossier once it is overdue by more than
  `MOTCUA_ESCALATION_WORKING_DAYS` (1) working days — counted by date: the working days after
  the appointment's day up to today, so a weekend or holiday does not count. The law sets no
  such number; 1 is our default. Once per dossier, level and leader: key
  `escalation-<dossier id>-<level>-<user id>` (one level so far: the agency's leaders).

The inbox copy has the same key with `-inbox` appended. Every job can run again at any time
(the worker's claim runs it once per slot; `manage.py run_job` runs it now): a message already
in the outbox is not added again.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.deadlines.calendar import VN_TZ, WorkingCalendar, local
from motcua.deadlines.selectors import calendar_for
from motcua.notifications.models import Message, NotificationPreference
from motcua.notifications.notice_templates import register_event, render_notice
from motcua.notifications.periodic import register_job
from motcua.notifications.services import enqueue_email, enqueue_inbox

from .models import Dossier, StepRecord
from .selectors import dossier_overdue_q
from .worklists import RUNNING_STATUSES, memberships_of, my_tasks_q, working_days_between

log = logging.getLogger(__name__)

DIGEST_EVENT = "dossiers.official_digest"
ALERT_EVENT = "dossiers.step_overdue"
ESCALATION_EVENT = "dossiers.overdue_escalation"
CHANNELS = ("email", "inbox")

DIGEST_TIME = "07:30"  # settings.MOTCUA_DIGEST_TIME overrides these defaults
DIGEST_DUE_SOON_WORKING_DAYS = 2
ESCALATION_WORKING_DAYS = 1  # our choice: the law sets no number
OVERDUE_ALERT_MINUTES = 5
ESCALATION_LEVEL = 1  # the leaders of the agency holding the dossier
DATE_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%H:%M %d/%m/%Y"


def digest_time() -> time:
    return time.fromisoformat(str(getattr(settings, "MOTCUA_DIGEST_TIME", DIGEST_TIME)))


def due_soon_working_days() -> int:
    value = getattr(settings, "MOTCUA_DIGEST_DUE_SOON_WORKING_DAYS", DIGEST_DUE_SOON_WORKING_DAYS)
    return int(value)


def escalation_working_days() -> int:
    return int(getattr(settings, "MOTCUA_ESCALATION_WORKING_DAYS", ESCALATION_WORKING_DAYS))


def alert_every() -> timedelta:
    return timedelta(
        minutes=int(getattr(settings, "MOTCUA_OVERDUE_ALERT_MINUTES", OVERDUE_ALERT_MINUTES))
    )


def _calendar(now: datetime) -> WorkingCalendar:
    year = local(now).year
    return calendar_for(years=range(year - 1, year + 2))


# --- the digest -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    user: User
    day: date
    overdue: list[Dossier]
    due_soon: list[Dossier]

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_soon)


def due_soon_end(calendar: WorkingCalendar, today: date) -> datetime:
    """The start of the day after the last "due soon" working day (today not counted)."""
    last = today
    for _day in range(due_soon_working_days()):
        last = calendar.next_working_day(last)
    return datetime.combine(last + timedelta(days=1), time.min, tzinfo=VN_TZ)


def waiting_for(user: User) -> QuerySet[Dossier]:
    """The running dossiers with an appointment that wait for `user` (the list "mine")."""
    return Dossier.objects.filter(
        my_tasks_q(memberships_of(user), user_id=user.pk),
        status__in=RUNNING_STATUSES,
        due_at__isnull=False,
    ).select_related("procedure", "current_step")


def digest_for(*, user: User, now: datetime, calendar: WorkingCalendar) -> Digest:
    today = local(now).date()
    waiting = waiting_for(user)
    return Digest(
        user=user,
        day=today,
        overdue=list(waiting.filter(dossier_overdue_q(now=now)).order_by("due_at", "pk")),
        due_soon=list(
            waiting.filter(due_at__gte=now, due_at__lt=due_soon_end(calendar, today)).order_by(
                "due_at", "pk"
            )
        ),
    )


def officials() -> QuerySet[User]:
    """Active users holding at least one role in an agency."""
    return User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("pk")


def send_digests(*, now: datetime) -> dict[str, Any]:
    """The daily digest to every official with something due soon or overdue (the job)."""
    calendar = _calendar(now)
    today = local(now).date()
    if not calendar.is_working_day(today):
        return {"day": today.isoformat(), "working_day": False, "sent": 0}
    sent = 0
    for user in officials():
        digest = digest_for(user=user, now=now, calendar=calendar)
        if not digest:
            continue
        language = _language(user)
        context = {
            "official": _name(user),
            "day": today.strftime(DATE_FORMAT),
            "overdue": [_row(d, calendar, today, language) for d in digest.overdue],
            "due_soon": [_row(d, calendar, today, language) for d in digest.due_soon],
            "worklist_url": _absolute(_path("backoffice:worklist", language=language)),
        }
        link = _path("backoffice:worklist", language=language)
        if _send(
            event=DIGEST_EVENT,
            key=f"digest-{user.pk}-{today:%Y%m%d}",
            user=user,
            context=context,
            link=link,
        ):
            sent += 1
    return {"day": today.isoformat(), "working_day": True, "sent": sent}


# --- the overdue-step alert -------------------------------------------------------------------


def overdue_step_records(*, now: datetime) -> QuerySet[StepRecord]:
    """Open step records past their due time, of dossiers whose clock runs."""
    return (
        StepRecord.objects.filter(
            ended_at__isnull=True,
            due_at__lt=now,
            dossier__status__in=RUNNING_STATUSES,
            dossier__paused_at__isnull=True,
        )
        .select_related("dossier__procedure", "step", "agency", "assignee")
        .order_by("due_at", "pk")
    )


def holders(*, agency_id: int, roles: Iterable[str]) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, memberships__agency_id=agency_id, memberships__role__in=list(roles)
        )
        .distinct()
        .order_by("pk")
    )


def alert_overdue_steps(*, now: datetime) -> dict[str, int]:
    """Alert the holders of every step that has become overdue, once per step record."""
    calendar = _calendar(now)
    today = local(now).date()
    holders_of = Holders()
    candidates = [
        (user, f"step-overdue-{record.pk}-{user.pk}", record)
        for record in overdue_step_records(now=now)
        for user in _step_holders(record, holders_of)
    ]
    sent = 0
    for user, key, record in _not_yet_told(candidates):
        assert record.due_at is not None
        language = _language(user)
        context = {
            "official": _name(user),
            "dossier": _row(record.dossier, calendar, today, language),
            "step": record.step.name if record.step else record.get_role_display(),
            "agency": record.agency.name,
            "step_due_at": local(record.due_at).strftime(MOMENT_FORMAT),
        }
        link = _dossier_path(record.dossier, language)
        sent += _send(event=ALERT_EVENT, key=key, user=user, context=context, link=link)
    return {"alerts": sent}


def _step_holders(record: StepRecord, holders_of: "Holders") -> list[User]:
    """Whom the overdue step is told to: the official it is assigned to (dossiers.assignment),
    else every holder of its role in its agency."""
    if record.assignee is not None and record.assignee.is_active:
        return [record.assignee]
    return holders_of(record.agency_id, record.role)


# --- the escalation ---------------------------------------------------------------------------


def working_days_overdue(calendar: WorkingCalendar, due_at: datetime, today: date) -> int:
    """Working days after the appointment's day up to and including today (0 on that day)."""
    return max(0, working_days_between(calendar, local(due_at).date(), today))


def escalation_cutoff(today: date, limit: int) -> datetime:
    """Only an appointment before this moment can be overdue by more than `limit` working
    days today: that needs limit + 1 working days after its day, so as many calendar days."""
    return datetime.combine(today - timedelta(days=limit), time.min, tzinfo=VN_TZ)


def dossiers_to_escalate(*, now: datetime, calendar: WorkingCalendar) -> list[tuple[Dossier, int]]:
    """Running dossiers overdue by more than MOTCUA_ESCALATION_WORKING_DAYS working days, with
    the working days overdue."""
    limit = escalation_working_days()
    today = local(now).date()
    candidates = (
        Dossier.objects.filter(
            status__in=RUNNING_STATUSES, due_at__lt=escalation_cutoff(today, limit)
        )
        .filter(dossier_overdue_q(now=now))
        .select_related("procedure", "current_agency", "current_step")
        .order_by("due_at", "pk")
    )
    late_by_day: dict[date, int] = {}  # appointments share days: count each day once
    result = []
    for dossier in candidates:
        assert dossier.due_at is not None
        day = local(dossier.due_at).date()
        if day not in late_by_day:
            late_by_day[day] = working_days_overdue(calendar, dossier.due_at, today)
        if late_by_day[day] > limit:
            result.append((dossier, late_by_day[day]))
    return result


def escalate_overdue(*, now: datetime) -> dict[str, int]:
    """Tell the leaders of the agency holding each dossier overdue by more than N working
    days, once per dossier and level."""
    calendar = _calendar(now)
    today = local(now).date()
    holders_of = Holders()
    candidates = [
        (user, f"escalation-{dossier.pk}-{ESCALATION_LEVEL}-{user.pk}", (dossier, late))
        for dossier, late in dossiers_to_escalate(now=now, calendar=calendar)
        for user in holders_of(dossier.current_agency_id, Role.LEADER)
    ]
    sent = 0
    for user, key, (dossier, late) in _not_yet_told(candidates):
        language = _language(user)
        context = {
            "official": _name(user),
            "dossier": _row(dossier, calendar, today, language),
            "agency": dossier.current_agency.name,
            "working_days_late": late,
            "limit": escalation_working_days(),
        }
        link = _dossier_path(dossier, language)
        sent += _send(event=ESCALATION_EVENT, key=key, user=user, context=context, link=link)
    return {"escalations": sent}


def overdue_reminders(*, now: datetime) -> dict[str, int]:
    """The job run every few minutes: overdue-step alerts, then escalations."""
    return alert_overdue_steps(now=now) | escalate_overdue(now=now)


# --- sending ----------------------------------------------------------------------------------


class Holders:
    """The active users holding a role in an agency, asked once per (agency, role) and run."""

    def __init__(self) -> None:
        self.cache: dict[tuple[int, str], list[User]] = {}

    def __call__(self, agency_id: int, role: str) -> list[User]:
        if (agency_id, role) not in self.cache:
            self.cache[agency_id, role] = list(holders(agency_id=agency_id, roles=[role]))
        return self.cache[agency_id, role]


T = TypeVar("T")
KEY_CHUNK = 1000


def _not_yet_told(candidates: Sequence[tuple[User, str, T]]) -> list[tuple[User, str, T]]:
    """The candidates (user, key, what) whose message is not in the outbox yet, asked in
    chunks (the inbox copy is always sent, so it tells)."""
    done: set[str] = set()
    inbox_keys = [f"{key}-inbox" for _user, key, _what in candidates]
    for start in range(0, len(inbox_keys), KEY_CHUNK):
        done.update(
            Message.objects.filter(
                idempotency_key__in=inbox_keys[start : start + KEY_CHUNK]
            ).values_list("idempotency_key", flat=True)
        )
    return [item for item in candidates if f"{item[1]}-inbox" not in done]


def _send(*, event: str, key: str, user: User, context: dict[str, Any], link: str) -> bool:
    """E-mail (if the official has an address) and inbox, in one transaction; False when the
    inbox copy was already there (sent before)."""
    language = _language(user)
    with transaction.atomic():
        if Message.objects.filter(idempotency_key=f"{key}-inbox").exists():
            return False
        if user.email:
            email = render_notice(event=event, channel="email", language=language, context=context)
            enqueue_email(key=key, to=user.email, subject=email.subject, body=email.body)
        inbox = render_notice(event=event, channel="inbox", language=language, context=context)
        enqueue_inbox(
            key=f"{key}-inbox", user=user, subject=inbox.subject, body=inbox.body, link=link
        )
    return True


def _language(user: User) -> str:
    preference = NotificationPreference.objects.filter(user=user).only("language").first()
    if preference is not None:
        return preference.language
    return str(settings.LANGUAGE_CODE).split("-")[0]


def _name(user: User) -> str:
    return user.full_name or user.get_username()


def _path(name: str, *, language: str, **kwargs: Any) -> str:
    try:
        with translation.override(language):
            return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:  # a deployment without the back office
        return ""


def _dossier_path(dossier: Dossier, language: str) -> str:
    return _path("backoffice:dossier", language=language, key=dossier.code or str(dossier.uid))


def _absolute(path: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}{path}" if path else ""


def _row(dossier: Dossier, calendar: WorkingCalendar, today: date, language: str) -> dict[str, Any]:
    """What a message says about one dossier."""
    assert dossier.due_at is not None
    days = working_days_between(calendar, today, local(dossier.due_at).date())
    step = dossier.current_step
    return {
        "code": dossier.code or "",
        "procedure": dossier.procedure.name,
        "applicant": dossier.applicant_name,
        "due_at": local(dossier.due_at).strftime(MOMENT_FORMAT),
        "working_days_left": max(days, 0),
        "working_days_late": max(-days, 0),
        "step": step.name if step else "",
        "url": _absolute(_dossier_path(dossier, language)),
    }


# --- registration -----------------------------------------------------------------------------


def _sample_row(code: str, due: str, left: int, late: int) -> dict[str, Any]:
    return {
        "code": code,
        "procedure": "Đăng ký biến động quyền sử dụng đất",
        "applicant": "Nguyễn Văn An",
        "due_at": due,
        "working_days_left": left,
        "working_days_late": late,
        "step": "Thẩm định hồ sơ",
        "url": f"{settings.MOTCUA_PUBLIC_URL}/can-bo/ho-so/{code}/",
    }


def _sample_rows() -> Sequence[dict[str, Any]]:
    return [
        _sample_row("000.00.01.H49-260210-0001", "17:00 11/02/2026", 0, 2),
        _sample_row("000.00.01.H49-260211-0003", "17:00 13/02/2026", 0, 0),
        _sample_row("000.00.01.H49-260212-0002", "17:00 23/02/2026", 1, 0),
    ]


def sample_digest() -> dict[str, Any]:
    rows = _sample_rows()
    return {
        "official": "Trần Thị Bình",
        "day": "13/02/2026",
        "overdue": rows[:1],
        "due_soon": rows[1:],
        "worklist_url": f"{settings.MOTCUA_PUBLIC_URL}/can-bo/ho-so/",
    }


def sample_alert() -> dict[str, Any]:
    return {
        "official": "Trần Thị Bình",
        "dossier": _sample_rows()[0],
        "step": "Thẩm định hồ sơ",
        "agency": "Ủy ban nhân dân xã A",
        "step_due_at": "10:30 11/02/2026",
    }


def sample_escalation() -> dict[str, Any]:
    return {
        "official": "Lê Văn Cường",
        "dossier": _sample_rows()[0],
        "agency": "Ủy ban nhân dân xã A",
        "working_days_late": 2,
        "limit": escalation_working_days(),
    }


ROW_HELP = _(
    "A dossier: code, procedure, applicant, due_at, working_days_left, working_days_late, "
    "step, url."
)


def register() -> None:
    """The notice events and the periodic jobs (called by DossiersConfig.ready)."""
    register_event(
        event=DIGEST_EVENT,
        label=_("Officials' daily digest of due-soon and overdue dossiers"),
        channels=CHANNELS,
        sample_context=sample_digest,
        help_text=format_lazy(
            "{} {}",
            _("Variables: official, day, overdue and due_soon (lists), worklist_url."),
            ROW_HELP,
        ),
    )
    register_event(
        event=ALERT_EVENT,
        label=_("Alert to the holders of a step that has become overdue"),
        channels=CHANNELS,
        sample_context=sample_alert,
        help_text=format_lazy(
            "{} {}", _("Variables: official, dossier, step, agency, step_due_at."), ROW_HELP
        ),
    )
    register_event(
        event=ESCALATION_EVENT,
        label=_("Escalation of an overdue dossier to the agency's leaders"),
        channels=CHANNELS,
        sample_context=sample_escalation,
        help_text=format_lazy(
            "{} {}", _("Variables: official, dossier, agency, working_days_late, limit."), ROW_HELP
        ),
    )
    register_job(DIGEST_EVENT, send_digests, daily_at=digest_time())
    register_job("dossiers.overdue_reminders", overdue_reminders, every=alert_every())
