"""Assignment (phân công): who may assign, who may be assigned, the audit chain, the assignee's
inbox notice, "my tasks" and the overdue alert following the assignee."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.core import audit
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.deadlines.selectors import calendar_for
from motcua.dossiers import reminders
from motcua.dossiers import worklists as lists
from motcua.dossiers.assignment import dossier_assign, open_step_record
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier, StepRecord
from motcua.dossiers.services import ActInput, dossier_act
from motcua.notifications.models import InboxItem, Message

from .conftest import Province, dossier_in_status, receive

pytestmark = pytest.mark.django_db


def official(province: Province, username: str, role: str, agency=None) -> User:
    user = User.objects.create_user(username=username, password="x", full_name=f"Ông {username}")
    Membership.objects.create(user=user, agency=agency or province.commune, role=role)
    return user


@pytest.fixture
def at_specialist(province, process) -> Dossier:
    """Received at the counter and handed over to the commune specialist's step."""
    start = timezone.now() - timedelta(days=20)
    dossier = receive(province, at=start)
    return dossier_act(
        dossier=dossier,
        act=Act.FORWARD,
        actor=province.users[Role.RECEPTION_OFFICER],
        at=start + timedelta(hours=1),
    )


@pytest.fixture
def second(province) -> User:
    """A second specialist of the commune."""
    return official(province, "chuyenvien2", Role.SPECIALIST)


def assign(province, dossier, assignee, who=Role.DEPARTMENT_HEAD, **kwargs):
    actor = who if isinstance(who, User) else province.users[who]
    return dossier_assign(dossier=dossier, assignee=assignee, actor=actor, **kwargs)


def chain(dossier: Dossier) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=audit.chain_of(dossier)).order_by("seq"))


def mine(user: User) -> set[int]:
    worklists = lists.Worklists(user=user, calendar=calendar_for())
    return set(worklists.dossiers(lists.MINE).values_list("pk", flat=True))


def test_the_head_assigns_the_step_and_it_is_in_the_chain_and_the_inbox(
    province, at_specialist, second
):
    result = assign(province, at_specialist, second, comment="Kiểm tra kỹ trích lục")
    record = open_step_record(dossier=at_specialist)
    assert record.assignee == second
    assert record.assigned_by == province.users[Role.DEPARTMENT_HEAD]
    assert record.assigned_at is not None
    assert result.previous is None
    event = chain(at_specialist)[-1]
    assert event == result.event
    assert event.action == "dossier.assign"
    assert event.data["assignee"] == second.pk
    assert event.data["previous_assignee"] is None
    assert event.data["step"] == "Thẩm định hồ sơ"
    assert event.data["comment"] == "Kiểm tra kỹ trích lục"
    assert audit.first_broken_link(audit.chain_of(at_specialist)) is None
    message = Message.objects.get(idempotency_key=f"assigned-{event.pk}-inbox")
    assert message.user == second
    assert message.channel == Message.Channel.INBOX
    assert message.subject == f"Phân công xử lý hồ sơ {at_specialist.code}"
    assert "Thẩm định hồ sơ" in message.body
    assert "Kiểm tra kỹ trích lục" in message.body
    assert message.data["link"] == f"/can-bo/ho-so/{at_specialist.code}/"


def test_the_inbox_notice_arrives_once_committed(
    province, at_specialist, second, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(province, at_specialist, second)
    item = InboxItem.objects.get(user=second)
    assert item.link == f"/can-bo/ho-so/{at_specialist.code}/"
    assert item.read_at is None


def test_the_leader_reassigns_and_the_chain_keeps_both(province, at_specialist, second):
    assign(province, at_specialist, second)
    first = province.users[Role.SPECIALIST]
    result = assign(province, at_specialist, first, who=Role.LEADER)
    assert result.previous == second
    assert open_step_record(dossier=at_specialist).assignee == first
    events = [e for e in chain(at_specialist) if e.action == "dossier.assign"]
    assert [e.data["assignee"] for e in events] == [second.pk, first.pk]
    assert events[1].data["previous_assignee"] == second.pk
    assert Message.objects.filter(user=first, idempotency_key__startswith="assigned-").count() == 1


def refusal(province, dossier, assignee, who) -> DomainError:
    before = (len(chain(dossier)), Message.objects.count())
    with translation.override("vi"), pytest.raises(DomainError) as caught:
        assign(province, dossier, assignee, who=who)
    assert (len(chain(dossier)), Message.objects.count()) == before  # nothing changed
    return caught.value


@pytest.mark.parametrize("who", [Role.SPECIALIST, Role.CLERK, Role.RECEPTION_OFFICER])
def test_only_the_head_or_leader_may_assign(province, at_specialist, second, who):
    error = refusal(province, at_specialist, second, who)
    assert error.code == "act_not_permitted"
    assert error.message == (
        "Chỉ trưởng phòng hoặc lãnh đạo của Cơ quan xa-a được phân công hồ sơ ở bước này."
    )
    assert open_step_record(dossier=at_specialist).assignee is None


def test_a_head_of_another_agency_may_not_assign(province, at_specialist, second):
    elsewhere = official(province, "truongphong-xa-b", Role.DEPARTMENT_HEAD, province.other_commune)
    assert refusal(province, at_specialist, second, elsewhere).code == "act_not_permitted"


@pytest.mark.parametrize("assignee", ["clerk", "tax_specialist", "inactive", "citizen"])
def test_the_assignee_must_hold_the_steps_role_in_its_agency(province, at_specialist, assignee):
    if assignee == "inactive":
        user = official(province, "nghihuu", Role.SPECIALIST)
        user.is_active = False
        user.save()
    else:
        user = province.users[Role.CLERK if assignee == "clerk" else assignee]
    error = refusal(province, at_specialist, user, Role.DEPARTMENT_HEAD)
    assert error.code == "assignee_not_eligible"
    assert "chuyên viên của Cơ quan xa-a" in error.message


def test_the_same_official_twice_is_refused(province, at_specialist, second):
    assign(province, at_specialist, second)
    assert refusal(province, at_specialist, second, Role.LEADER).code == "already_assigned"


def test_a_dossier_at_no_step_cannot_be_assigned(province, second):
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    error = refusal(province, dossier, second, Role.DEPARTMENT_HEAD)
    assert error.code == "no_open_step"


def test_my_tasks_follow_the_assignment(province, at_specialist, second):
    first = province.users[Role.SPECIALIST]
    assert at_specialist.pk in mine(first) and at_specialist.pk in mine(second)
    assign(province, at_specialist, second)
    assert at_specialist.pk in mine(second)
    assert at_specialist.pk not in mine(first)  # it is someone else's now
    worklists = lists.Worklists(user=first, calendar=calendar_for())
    assert worklists.counts()[lists.MINE] == 0
    agency = list(worklists.dossiers(lists.AGENCY))
    assert at_specialist.pk in {d.pk for d in agency}
    assert worklists.assignees(agency) == {at_specialist.pk: second}


def test_the_next_step_starts_unassigned(province, at_specialist, second):
    assign(province, at_specialist, second)
    dossier = dossier_act(
        dossier=at_specialist,
        act=Act.TRANSFER,
        actor=second,
        data=ActInput(),
    )
    assert open_step_record(dossier=dossier).assignee is None
    assert StepRecord.objects.filter(dossier=dossier, assignee=second).count() == 1
    assert dossier.pk in mine(province.users["tax_specialist"])


def test_the_overdue_alert_and_the_digest_go_to_the_assignee(province, at_specialist, second):
    first = province.users[Role.SPECIALIST]
    assign(province, at_specialist, second)
    now = timezone.now()
    reminders.alert_overdue_steps(now=now)
    record = open_step_record(dossier=at_specialist)
    alerted = set(
        Message.objects.filter(idempotency_key__startswith=f"step-overdue-{record.pk}-")
        .filter(channel=Message.Channel.INBOX)
        .values_list("user__username", flat=True)
    )
    assert alerted == {second.username}
    assert list(reminders.waiting_for(second)) == [at_specialist]
    assert list(reminders.waiting_for(first)) == []
