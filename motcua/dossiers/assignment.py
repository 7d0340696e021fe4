"""Assignment (phân công): the head of the department or the leader of the agency holding a
dossier's current step names the official who processes it, and may name another later.

The assignee is kept on the open step record (`StepRecord.assignee`); the next step starts
unassigned. Who may assign: a department head or leader (`ASSIGNERS`) of the step's agency.
Who may be named: an active official holding the step's role in the step's agency (the
people who may act at the step). An assigned step is in the assignee's list "mine" only
(`worklists.my_tasks_q`), others of the agency see it as assigned to them; it does not change
who may act (the holders of the step's role still may, e.g. when the assignee is away).

Every assignment is an audit event (`dossier.assign`) in the dossier's chain, in the same
transaction, and puts a notice in the assignee's inbox (event `dossiers.task_assigned`,
editable by administrators, key `assigned-<event id>-inbox`).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.core import audit
from motcua.core.errors import DomainError
from motcua.deadlines.calendar import local
from motcua.notifications.models import NotificationPreference
from motcua.notifications.notice_templates import register_event, render_notice
from motcua.notifications.services import enqueue_inbox

from .models import Dossier, StepRecord

ASSIGNERS = frozenset({Role.DEPARTMENT_HEAD, Role.LEADER})
TASK_ASSIGNED_EVENT = "dossiers.task_assigned"
ACTION = "dossier.assign"
MOMENT_FORMAT = "%H:%M %d/%m/%Y"


def official_name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or user.get_username())


def open_step_record(*, dossier: Dossier) -> StepRecord | None:
    """The step the dossier is at now (at most one is open), with its agency and assignee."""
    return (
        StepRecord.objects.filter(dossier=dossier, ended_at__isnull=True)
        .select_related("step", "agency", "assignee", "assigned_by")
        .first()
    )


def may_assign(*, record: StepRecord, user: Any) -> bool:
    """Whether `user` is a department head or leader of the agency holding the step."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.memberships.filter(agency_id=record.agency_id, role__in=ASSIGNERS).exists()


def assignee_candidates(*, record: StepRecord) -> QuerySet[User]:
    """The active officials who hold the step's role in the step's agency, by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__agency_id=record.agency_id,
            memberships__role=record.role,
        )
        .distinct()
        .order_by("full_name", "username")
    )


@dataclass(frozen=True)
class Assignment:
    record: StepRecord
    previous: User | None
    event: audit.AuditEvent


def dossier_assign(
    *, dossier: Dossier, assignee: User, actor: User, comment: str = ""
) -> Assignment:
    """Assign the dossier's current step to `assignee` (or reassign it), as `actor`.

    Refused (DomainError, translated) when the dossier is at no step, when `actor` is not a
    department head or leader of the step's agency (code `act_not_permitted`), when
    `assignee` may not act at the step (`assignee_not_eligible`) or already holds it
    (`already_assigned`)."""
    comment = comment.strip()
    with transaction.atomic():
        # The dossier's lock also holds its step records still: the acts lock it first too.
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        record = open_step_record(dossier=locked)
        if record is None:
            raise DomainError(
                _("The dossier is not at a step of an internal process, so it cannot be assigned."),
                code="no_open_step",
            )
        _check(record=record, assignee=assignee, actor=actor)
        previous = record.assignee
        now = timezone.now()
        record.assignee, record.assigned_by, record.assigned_at = assignee, actor, now
        record.save(update_fields=["assignee", "assigned_by", "assigned_at"])
        event = audit.record(
            action=ACTION,
            actor=actor,
            subject=locked,
            chain=audit.chain_of(locked),
            data={
                "code": locked.code or "",
                "at": now.isoformat(),
                "step": record.step.name if record.step else "",
                "step_record": record.pk,
                "assignee": assignee.pk,
                "assignee_name": official_name(assignee),
                "previous_assignee": previous.pk if previous else None,
                "previous_assignee_name": official_name(previous) if previous else "",
                "comment": comment,
            },
        )
        _notify(locked, record, actor, event, comment)
    return Assignment(record=record, previous=previous, event=event)


def _check(*, record: StepRecord, assignee: User, actor: User) -> None:
    if not may_assign(record=record, user=actor):
        raise DomainError(
            _(
                "Only the department head or the leader of %(agency)s may assign the dossier "
                "at this step."
            )
            % {"agency": record.agency.name},
            code="act_not_permitted",
        )
    if not assignee_candidates(record=record).filter(pk=assignee.pk).exists():
        raise DomainError(
            _(
                "%(name)s cannot be assigned: this step needs a %(role)s of %(agency)s who "
                "holds an active account."
            )
            % {
                "name": official_name(assignee),
                "role": record.get_role_display().lower(),
                "agency": record.agency.name,
            },
            code="assignee_not_eligible",
        )
    if record.assignee_id == assignee.pk:
        raise DomainError(
            _("The dossier is already assigned to %(name)s.") % {"name": official_name(assignee)},
            code="already_assigned",
        )


def _notify(
    dossier: Dossier, record: StepRecord, actor: User, event: audit.AuditEvent, comment: str
) -> None:
    """The assignee's inbox notice, in the assignment's transaction."""
    assignee = record.assignee
    assert assignee is not None
    language = _language(assignee)
    with translation.override(language):
        try:
            link = reverse("backoffice:dossier", kwargs={"key": dossier.key})
        except NoReverseMatch:  # a deployment without the back office
            link = ""
    context = {
        "official": official_name(assignee),
        "assigned_by": official_name(actor),
        "code": dossier.code or str(dossier.uid),
        "procedure": dossier.procedure.name,
        "applicant": dossier.applicant_name,
        "step": record.step.name if record.step else record.get_role_display(),
        "agency": record.agency.name,
        "step_due_at": (local(record.due_at).strftime(MOMENT_FORMAT) if record.due_at else ""),
        "comment": comment,
        "url": f"{settings.MOTCUA_PUBLIC_URL}{link}" if link else "",
    }
    notice = render_notice(
        event=TASK_ASSIGNED_EVENT, channel="inbox", language=language, context=context
    )
    enqueue_inbox(
        key=f"assigned-{event.pk}-inbox",
        user=assignee,
        subject=notice.subject,
        body=notice.body,
        link=link,
    )


def _language(user: User) -> str:
    preference = NotificationPreference.objects.filter(user=user).only("language").first()
    if preference is not None:
        return preference.language
    return str(settings.LANGUAGE_CODE).split("-")[0]


def sample_task_assigned() -> dict[str, Any]:
    return {
        "official": "Trần Thị Bình",
        "assigned_by": "Lê Văn Cường",
        "code": "000.00.01.H49-260210-0001",
        "procedure": "Đăng ký biến động quyền sử dụng đất",
        "applicant": "Nguyễn Văn An",
        "step": "Thẩm định hồ sơ",
        "agency": "Ủy ban nhân dân xã A",
        "step_due_at": "10:30 13/02/2026",
        "comment": "Đề nghị kiểm tra kỹ trích lục bản đồ địa chính.",
        "url": f"{settings.MOTCUA_PUBLIC_URL}/can-bo/ho-so/000.00.01.H49-260210-0001/",
    }


def register() -> None:
    """The notice event (called by DossiersConfig.ready)."""
    register_event(
        event=TASK_ASSIGNED_EVENT,
        label=gettext_lazy("Notice to an official assigned a dossier"),
        channels=("inbox",),
        sample_context=sample_task_assigned,
        help_text=gettext_lazy(
            "Variables: official, assigned_by, code, procedure, applicant, step, agency, "
            "step_due_at, comment, url."
        ),
    )
