"""The legal clock around pauses: how each kind of pause ends, the once-only acts and the
supplement's answer-by date (docs/architecture.md "Deadlines", "Pauses").

- A supplement during processing restarts the legal time, or extends it, as the procedure says
  (`Procedure.resume_mode`, RESTART by default); a financial obligation extends the due time by
  the paused working time; a stop resumes as settings.MOTCUA_RESUME_AFTER says (EXTEND).
- A supplement is requested once during processing, within
  settings.MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS of acceptance where that is set; an apology
  with a new appointment is given once, before the legal deadline.
- The supplement request names the date by which the applicant must answer; once it has passed,
  the dossier may be stopped.

The rules are pure functions over the calendar; dossiers.services applies them in its acts and
writes the DossierPause history.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, ValidationFailed
from motcua.deadlines.calendar import Period, WorkingCalendar, local
from motcua.deadlines.constants import ResumeMode

from .constants import PauseKind

#: Where settings.MOTCUA_RESUME_AFTER names "procedure", the procedure's own resume mode is used.
PROCEDURE = "procedure"


def resume_mode(kind: PauseKind | str, procedure_mode: str) -> ResumeMode:
    """How a pause of `kind` ends: the setting for the kind, where "procedure" means the
    procedure's mode (stored on the dossier at acceptance)."""
    rule = settings.MOTCUA_RESUME_AFTER.get(str(kind), PROCEDURE)
    if rule == PROCEDURE:
        return ResumeMode(procedure_mode or ResumeMode.RESTART)
    return ResumeMode(rule)


def resumed_due(
    calendar: WorkingCalendar,
    *,
    due_at: datetime,
    paused_at: datetime,
    resumed_at: datetime,
    period: Period,
    kind: PauseKind | str,
    procedure_mode: str = "",
) -> datetime:
    """The legal due time after a pause of `kind` from `paused_at` to `resumed_at`. Never
    earlier than `due_at`; an EXTEND adds exactly the paused working time."""
    mode = resume_mode(kind, procedure_mode)
    return calendar.resume(due_at, paused_at, resumed_at, period, mode)


def default_answer_by(calendar: WorkingCalendar, now: datetime) -> date:
    """The answer-by date when the officer gives none: the last of
    settings.MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS working days after today."""
    return calendar.add_working_days(now, settings.MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS).date()


def check_answer_by(calendar: WorkingCalendar, now: datetime, answer_by: date) -> None:
    """The answer-by date is a working day after today."""
    if answer_by <= local(now).date() or not calendar.is_working_day(answer_by):
        raise ValidationFailed(
            _("The answer-by date is not valid."),
            errors=[
                _("The applicant must be given until a working day after %(day)s.")
                % {"day": local(now).strftime("%d/%m/%Y")}
            ],
        )


def check_supplement_allowed(
    calendar: WorkingCalendar, *, now: datetime, accepted_at: datetime | None, earlier: int
) -> None:
    """A supplement during processing: once (MOTCUA_SUPPLEMENT_ONCE), and within
    MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS working days of acceptance where that is set."""
    if settings.MOTCUA_SUPPLEMENT_ONCE and earlier:
        raise DomainError(
            _(
                "A supplement has already been requested once while this dossier was being "
                "processed; the law allows only one request."
            ),
            code="supplement_once",
        )
    within = settings.MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS
    if within is None or accepted_at is None:
        return
    limit = calendar.add_working_days(accepted_at, within)
    if now > limit:
        raise DomainError(
            _(
                "A supplement can only be requested within %(days)d working days of "
                "acceptance (until %(day)s)."
            )
            % {"days": within, "day": local(limit).strftime("%d/%m/%Y")},
            code="supplement_too_late",
        )


def apology_used_up(earlier: int) -> bool:
    """No further apology: one was given and MOTCUA_APOLOGY_ONCE allows only one."""
    return bool(settings.MOTCUA_APOLOGY_ONCE and earlier)


def apology_too_late(now: datetime, due_at: datetime | None) -> bool:
    """The legal deadline has passed and MOTCUA_APOLOGY_BEFORE_DEADLINE wants it before."""
    return bool(settings.MOTCUA_APOLOGY_BEFORE_DEADLINE and due_at is not None and now > due_at)


def check_apology_allowed(*, now: datetime, due_at: datetime | None, earlier: int) -> None:
    """An apology and new appointment (Mẫu 04): once (MOTCUA_APOLOGY_ONCE) and before the legal
    deadline passes (MOTCUA_APOLOGY_BEFORE_DEADLINE)."""
    if apology_used_up(earlier):
        raise DomainError(
            _("A new appointment has already been given once for this dossier."),
            code="apology_once",
        )
    if apology_too_late(now, due_at):
        assert due_at is not None
        raise DomainError(
            _(
                "The apology and new appointment must be sent before the deadline "
                "(%(due)s), which has passed."
            )
            % {"due": local(due_at).strftime("%H:%M %d/%m/%Y")},
            code="apology_too_late",
        )


def check_stop_after_answer_by(*, now: datetime, answer_by: date | None) -> None:
    """A dossier waiting for a supplement may be stopped once its answer-by date has passed."""
    if answer_by is not None and local(now).date() <= answer_by:
        raise DomainError(
            _(
                "The applicant has until %(day)s to supplement the dossier; it can be stopped "
                "only after that date."
            )
            % {"day": answer_by.strftime("%d/%m/%Y")},
            code="answer_by_not_passed",
        )


def paused_working_hours(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    return round(calendar.working_time_between(start, end) / timedelta(hours=1), 2)
