"""Officials' reminders across Vietnam's holidays (2026 calendar from `holidays`):

Tết 2026 is Mon 16 – Fri 20 February (last working day before it: Fri 13 February); Giỗ Tổ is
observed on Mon 27 April; 30/4 and 1/5 are Thu and Fri; National Day is Mon 31 August
(substituted from Sat 22 August, which becomes a working day), Tue 1 and Wed 2 September.
"""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.catalogue.constants import Channel
from motcua.deadlines.calendar import VN_TZ, WorkingCalendar
from motcua.deadlines.selectors import library_days
from motcua.dossiers import reminders
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, StepRecord
from motcua.notifications.models import InboxItem, Message, NotificationPreference
from motcua.notifications.tests import conftest as notifications_fixtures
from motcua.workflow.models import Process

from .conftest import Province, vn

S = DossierStatus

# The outbox tests' real SMTP server and database task queue.
smtp = notifications_fixtures.smtp
db_tasks = notifications_fixtures.db_tasks


def waiting(
    province: Province,
    process: Process,
    *,
    due: datetime,
    step_due: datetime | None = None,
    position: int = 1,
    status: str = S.IN_PROCESSING,
    paused: bool = False,
) -> Dossier:
    """A running dossier at step `position` (0 = reception, 1 = the commune's specialist,
    2 = the tax office's specialist, 4 = the leader) with its open step record."""
    step = list(process.steps.all())[position]
    agency = step.agency or process.agency
    number = Dossier.objects.count() + 1
    dossier = Dossier.objects.create(
        procedure=province.procedure,
        receiving_agency=province.commune,
        current_agency=agency,
        channel=Channel.DIRECT,
        status=status,
        process=process,
        current_step=step,
        applicant_name="Nguyễn Văn An",
        submitted_at=vn(2026, 1, 5, 8, 0),
        accepted_at=vn(2026, 1, 5, 8, 0),
        due_at=due,
        paused_at=vn(2026, 1, 6, 8, 0) if paused else None,
        legal_time={"working_days": 5, "count": "end_of_day"},
        code=f"000.00.01.H49-260105-{number:04d}",
    )
    StepRecord.objects.create(
        dossier=dossier,
        step=step,
        agency=agency,
        role=step.role,
        started_at=vn(2026, 1, 5, 8, 0),
        due_at=step_due or due,
    )
    return dossier


def keys() -> list[str]:
    return sorted(Message.objects.values_list("idempotency_key", flat=True))


def with_email(user: User) -> User:
    user.email = f"{user.username}@xa-a.gov.vn"
    user.save(update_fields=["email"])
    return user


# --- the digest -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "sent"),
    [
        (vn(2026, 2, 13), True),  # Friday, the last working day before Tết
        (vn(2026, 2, 14), False),  # Saturday
        (vn(2026, 2, 16), False),  # Tết (New Year's Eve)
        (vn(2026, 2, 20), False),  # the 4th day of Tết
        (vn(2026, 2, 23), True),  # Monday after Tết
        (vn(2026, 4, 27), False),  # Giỗ Tổ Hùng Vương (observed)
        (vn(2026, 4, 29), True),
        (vn(2026, 4, 30), False),  # 30/4
        (vn(2026, 5, 1), False),  # 1/5
        (vn(2026, 5, 4), True),
        (vn(2026, 8, 22), True),  # a swapped working Saturday
        (vn(2026, 8, 31), False),  # the day off swapped from 22/8
        (vn(2026, 9, 2), False),  # 2/9
        (vn(2026, 9, 3), True),
    ],
)
def test_a_digest_only_on_working_days(province, process, day, sent):
    waiting(province, process, due=vn(2026, 1, 9, 17, 0))  # long overdue
    at = day.replace(hour=7, minute=30)
    result = reminders.send_digests(now=at)
    assert result["sent"] == (1 if sent else 0)
    specialist = province.users[Role.SPECIALIST]
    expected = [f"digest-{specialist.pk}-{at:%Y%m%d}-inbox"] if sent else []
    assert keys() == expected  # no e-mail address: the inbox only


@pytest.mark.parametrize(
    ("today", "due", "kind"),
    [
        # Fri 13/02, before Tết: due soon = today, Mon 23/02 and Tue 24/02.
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 12, 17, 0), "overdue"),
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 13, 7, 0), "overdue"),  # passed this morning
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 13, 17, 0), "soon"),  # the last day before Tết
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 23, 17, 0), "soon"),  # 1st working day after
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 24, 17, 0), "soon"),  # 2nd
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 25, 8, 0), None),  # 3rd: not yet
        # Wed 29/04: 30/4, 1/5 and the weekend are off: soon = today, Mon 4/5 and Tue 5/5.
        (vn(2026, 4, 29, 7, 30), vn(2026, 5, 5, 17, 0), "soon"),
        (vn(2026, 4, 29, 7, 30), vn(2026, 5, 6, 7, 30), None),
        # Fri 28/08: 31/8, 1/9 and 2/9 are off: soon = today, Thu 3/9 and Fri 4/9.
        (vn(2026, 8, 28, 7, 30), vn(2026, 9, 4, 17, 0), "soon"),
        (vn(2026, 8, 28, 7, 30), vn(2026, 9, 7, 7, 30), None),
        (vn(2026, 8, 28, 7, 30), vn(2026, 8, 27, 17, 0), "overdue"),
    ],
)
def test_due_soon_counts_working_days(province, process, today, due, kind):
    dossier = waiting(province, process, due=due)
    calendar = reminders._calendar(today)
    digest = reminders.digest_for(
        user=province.users[Role.SPECIALIST], now=today, calendar=calendar
    )
    assert digest.overdue == ([dossier] if kind == "overdue" else [])
    assert digest.due_soon == ([dossier] if kind == "soon" else [])


def test_the_digest_goes_to_whoever_may_take_the_step(province, process):
    at = vn(2026, 2, 13, 7, 30)
    second = User.objects.create_user(username="specialist2", password="x", email="b@xa-a.gov.vn")
    Membership.objects.create(user=second, agency=province.commune, role=Role.SPECIALIST)
    at_commune = waiting(province, process, due=vn(2026, 2, 12, 17, 0), position=1)
    at_tax = waiting(province, process, due=vn(2026, 2, 13, 17, 0), position=2)
    waiting(
        province, process, due=vn(2026, 2, 12, 17, 0), paused=True, status=S.SUPPLEMENT_REQUESTED
    )
    waiting(province, process, due=vn(2026, 3, 2, 17, 0))  # not due soon

    calendar = reminders._calendar(at)
    digests = {
        name: reminders.digest_for(user=province.users[name], now=at, calendar=calendar)
        for name in [Role.SPECIALIST, "tax_specialist", Role.LEADER, "outsider"]
    }
    assert digests[Role.SPECIALIST].overdue == [at_commune]
    assert digests[Role.SPECIALIST].due_soon == []
    assert digests["tax_specialist"].due_soon == [at_tax]
    assert not digests[Role.LEADER]
    assert not digests["outsider"]

    assert reminders.send_digests(now=at)["sent"] == 3
    assert keys() == sorted(
        [
            f"digest-{second.pk}-20260213",  # has an address: e-mail and inbox
            f"digest-{second.pk}-20260213-inbox",
            f"digest-{province.users[Role.SPECIALIST].pk}-20260213-inbox",
            f"digest-{province.users['tax_specialist'].pk}-20260213-inbox",
        ]
    )
    email = Message.objects.get(idempotency_key=f"digest-{second.pk}-20260213")
    assert email.recipient == "b@xa-a.gov.vn"
    assert email.subject == "Hồ sơ quá hạn và sắp đến hạn ngày 13/02/2026: 1 quá hạn"
    assert at_commune.code in email.body
    assert "/can-bo/ho-so/000.00.01.H49-260105-0001/" in email.body

    # Idempotent: the same day again adds nothing.
    assert reminders.send_digests(now=at.replace(hour=9))["sent"] == 0
    assert len(keys()) == 4


def test_the_digest_in_the_officials_language(province, process):
    specialist = with_email(province.users[Role.SPECIALIST])
    NotificationPreference.objects.create(user=specialist, language="en")
    waiting(province, process, due=vn(2026, 2, 23, 17, 0))
    reminders.send_digests(now=vn(2026, 2, 13, 7, 30))
    email = Message.objects.get(idempotency_key=f"digest-{specialist.pk}-20260213")
    assert email.subject == "Overdue and due-soon dossiers on 13/02/2026, 1 due soon"
    assert "in 1 working day" in email.body  # Tết does not count


# --- the overdue-step alert -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "alerted"),
    [
        (vn(2026, 2, 13, 15, 59), False),
        (vn(2026, 2, 13, 16, 1), True),
        (vn(2026, 2, 16, 9, 0), True),  # alerts are immediate, holidays or not
    ],
)
def test_a_step_due_before_tet_alerts_its_holder_once(province, process, now, alerted):
    specialist = with_email(province.users[Role.SPECIALIST])
    dossier = waiting(
        province, process, due=vn(2026, 2, 24, 17, 0), step_due=vn(2026, 2, 13, 16, 0)
    )
    record = dossier.step_records.get()
    assert reminders.alert_overdue_steps(now=now) == {"alerts": 1 if alerted else 0}
    key = f"step-overdue-{record.pk}-{specialist.pk}"
    assert keys() == ([key, f"{key}-inbox"] if alerted else [])
    if alerted:
        email = Message.objects.get(idempotency_key=key)
        assert email.recipient == "specialist@xa-a.gov.vn"
        assert email.subject == f"Hồ sơ {dossier.code} đã quá hạn ở bước “Thẩm định hồ sơ”"
        assert "16:00 13/02/2026" in email.body
        # Once per step: later runs add nothing.
        assert reminders.alert_overdue_steps(now=now.replace(hour=17)) == {"alerts": 0}
        assert len(keys()) == 2


def test_alerts_go_to_the_holders_of_each_step_and_skip_stopped_clocks(province, process):
    now = vn(2026, 2, 13, 16, 30)
    overdue_step = vn(2026, 2, 13, 9, 0)
    at_tax = waiting(
        province, process, due=vn(2026, 2, 24, 17, 0), step_due=overdue_step, position=2
    )
    waiting(
        province,
        process,
        due=vn(2026, 2, 24, 17, 0),
        step_due=overdue_step,
        paused=True,
        status=S.SUPPLEMENT_REQUESTED,
    )
    handed_on = waiting(province, process, due=vn(2026, 2, 24, 17, 0), step_due=overdue_step)
    handed_on.step_records.update(ended_at=vn(2026, 2, 13, 8, 0))
    waiting(province, process, due=vn(2026, 2, 24, 17, 0), step_due=vn(2026, 2, 13, 17, 0))

    assert reminders.alert_overdue_steps(now=now) == {"alerts": 1}
    tax = province.users["tax_specialist"]
    record = at_tax.step_records.get()
    assert keys() == [f"step-overdue-{record.pk}-{tax.pk}-inbox"]


# --- the escalation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "now", "limit", "escalated"),
    [
        # Due on the last working day before Tết: the 10 days off do not count.
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 16, 10, 0), 1, False),  # Tết: 0 working days
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 20, 10, 0), 1, False),  # 7 calendar days, 0 working
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 23, 10, 0), 1, False),  # 1 working day: not more
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 24, 8, 0), 1, True),  # 2 working days
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 24, 8, 0), 2, False),
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 25, 8, 0), 2, True),
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 23, 8, 0), 0, True),
        # Due Wed 29/04: 30/4, 1/5 and the weekend do not count.
        (vn(2026, 4, 29, 17, 0), vn(2026, 5, 4, 10, 0), 1, False),
        (vn(2026, 4, 29, 17, 0), vn(2026, 5, 5, 10, 0), 1, True),
        # Due Fri 28/08: 31/8, 1/9 and 2/9 do not count.
        (vn(2026, 8, 28, 17, 0), vn(2026, 9, 3, 10, 0), 1, False),
        (vn(2026, 8, 28, 17, 0), vn(2026, 9, 4, 10, 0), 1, True),
        # Due Fri 21/08: the swapped Saturday 22/08 counts.
        (vn(2026, 8, 21, 17, 0), vn(2026, 8, 24, 10, 0), 1, True),
    ],
)
def test_escalation_after_n_working_days(province, process, settings, due, now, limit, escalated):
    settings.MOTCUA_ESCALATION_WORKING_DAYS = limit
    dossier = waiting(province, process, due=due, step_due=due)
    leader = province.users[Role.LEADER]
    result = reminders.escalate_overdue(now=now)
    assert result == {"escalations": 1 if escalated else 0}
    expected = [f"escalation-{dossier.pk}-1-{leader.pk}-inbox"] if escalated else []
    assert keys() == expected


# The holidays library's calendar (no database: no override rows in these tests).
CALENDAR = WorkingCalendar(*library_days((2025, 2026, 2027)))


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    due_day=st.dates(date(2025, 12, 1), date(2026, 12, 31)),
    due_clock=st.times(),
    days_after=st.integers(0, 40),
    limit=st.integers(0, 5),
)
def test_escalation_cutoff_never_hides_a_dossier_to_escalate(due_day, due_clock, days_after, limit):
    """The query's calendar-day cutoff is sound: whatever the working-day rule escalates, the
    cutoff lets through; and nothing is escalated before limit + 1 working days have passed."""
    due = datetime.combine(due_day, due_clock, tzinfo=VN_TZ)
    today = due_day + timedelta(days=days_after)
    late = reminders.working_days_overdue(CALENDAR, due, today)
    working = sum(
        CALENDAR.is_working_day(due_day + timedelta(days=n)) for n in range(1, days_after + 1)
    )
    assert late == working
    if late > limit:
        assert due < reminders.escalation_cutoff(today, limit)
        assert days_after >= limit + 1


def test_escalation_once_per_dossier_to_the_leaders_of_its_agency(province, process):
    leader = with_email(province.users[Role.LEADER])
    other_leader = User.objects.create_user(username="leader-b", password="x", email="c@b.vn")
    Membership.objects.create(user=other_leader, agency=province.other_commune, role=Role.LEADER)
    dossier = waiting(province, process, due=vn(2026, 2, 13, 17, 0))
    now = vn(2026, 2, 24, 8, 0)

    assert reminders.escalate_overdue(now=now) == {"escalations": 1}
    key = f"escalation-{dossier.pk}-1-{leader.pk}"
    email = Message.objects.get(idempotency_key=key)
    assert email.recipient == "leader@xa-a.gov.vn"
    assert email.subject == f"Hồ sơ {dossier.code} quá hạn 2 ngày làm việc"
    for later in [now, vn(2026, 2, 25, 8, 0), vn(2026, 3, 10, 8, 0)]:
        assert reminders.escalate_overdue(now=later) == {"escalations": 0}
    assert keys() == [key, f"{key}-inbox"]


def test_the_job_twice_sends_nothing_new(province, process):
    with_email(province.users[Role.SPECIALIST])
    with_email(province.users[Role.LEADER])
    waiting(province, process, due=vn(2026, 2, 13, 17, 0), step_due=vn(2026, 2, 13, 10, 0))
    now = vn(2026, 2, 24, 8, 0)
    assert reminders.overdue_reminders(now=now) == {"alerts": 1, "escalations": 1}
    before = keys()
    assert reminders.overdue_reminders(now=now) == {"alerts": 0, "escalations": 0}
    assert keys() == before and len(before) == 4


# --- end to end -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reminders_arrive_over_smtp_and_in_the_inbox(province, process, smtp, db_tasks):
    smtp.start()
    specialist = with_email(province.users[Role.SPECIALIST])
    leader = with_email(province.users[Role.LEADER])
    dossier = waiting(
        province, process, due=vn(2026, 2, 13, 17, 0), step_due=vn(2026, 2, 13, 10, 0)
    )

    call_command("run_job", "dossiers.overdue_reminders", "--at", "2026-02-24T08:00")
    call_command("run_job", "dossiers.official_digest", "--at", "2026-02-24T07:30")
    assert smtp.messages == []  # queued: the worker delivers
    # The jobs ran above as of February; the worker's own run would use the real clock.
    call_command("worker", "--once", "--no-jobs")

    received = {(m["To"], m["Subject"].strip()) for m in smtp.messages}
    assert received == {
        ("specialist@xa-a.gov.vn", f"Hồ sơ {dossier.code} đã quá hạn ở bước “Thẩm định hồ sơ”"),
        ("specialist@xa-a.gov.vn", "Hồ sơ quá hạn và sắp đến hạn ngày 24/02/2026: 1 quá hạn"),
        ("leader@xa-a.gov.vn", f"Hồ sơ {dossier.code} quá hạn 2 ngày làm việc"),
    }
    digest = next(m for m in smtp.messages if "ngày 24/02/2026" in m["Subject"])
    assert digest["Message-ID"] == f"<digest-{specialist.pk}-20260224@dichvucong.example.vn>"
    # Due 13/02, today 24/02: Tết does not count, 23/02 and 24/02 do.
    assert "quá 2 ngày làm việc" in digest.get_body(("plain",)).get_content()
    inbox = InboxItem.objects.order_by("subject")
    assert {(item.user_id, item.link) for item in inbox} == {
        (specialist.pk, f"/can-bo/ho-so/{dossier.code}/"),
        (specialist.pk, "/can-bo/ho-so/"),
        (leader.pk, f"/can-bo/ho-so/{dossier.code}/"),
    }
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
