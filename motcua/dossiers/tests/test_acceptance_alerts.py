"""Online dossiers waiting for acceptance: the deadline and the alert to reception officers.

Rule: the reception officer accepts, asks for a supplement or refuses an online dossier within
MOTCUA_ONLINE_ACCEPTANCE_HOURS (8) working hours of its submission — unconfirmed as law, setting
MOTCUA_ONLINE_ACCEPTANCE_HOURS (Thanh Hóa's local service level `HanTiepNhan`, domain-vn §2.2).
Office hours 07:30–11:30 and 13:00–17:00 (8 hours a day). 2026 calendar from `holidays`: Tết
off Sat 14 – Sun 22 February (Mon 16 – Fri 20 plus the weekends); 30/4 and 1/5 are Thu and Fri;
National Day is substituted from Sat 22 August, which becomes a working day; 1/1/2027 is a
Friday.
"""

from datetime import datetime

import pytest
from django.core.management import call_command

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.catalogue.constants import Channel
from motcua.dossiers import acceptance_alerts
from motcua.dossiers.acceptance_alerts import (
    ACCEPTANCE_EVENT,
    AcceptanceDeadlines,
    acceptance_deadline,
    alert_late_acceptances,
)
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, dossier_act, dossier_register
from motcua.notifications import periodic
from motcua.notifications.models import Message
from motcua.notifications.notice_templates import render_notice

from .conftest import Province, vn

pytestmark = pytest.mark.django_db

SOURCE = "unconfirmed, setting MOTCUA_ONLINE_ACCEPTANCE_HOURS (Thanh Hóa SLA, domain-vn §2.2)"
TET_FRIDAY = vn(2026, 2, 13, 16, 0)  # the last working day before Tết 2026, one hour left
AFTER_TET = vn(2026, 2, 23, 16, 0)  # 1 hour on Friday + 7 hours on Monday 23/02


def submit(
    province: Province, at: datetime, *, channel: str = Channel.ONLINE, name: str = "Nguyễn Văn An"
) -> Dossier:
    """A dossier submitted (online by the citizen, by post through the officer) at `at`."""
    online = channel == Channel.ONLINE
    return dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=channel,
        applicant=province.applicant(name=name),
        actor=province.users["citizen" if online else Role.RECEPTION_OFFICER],
        at=at,
    )


def keys() -> list[str]:
    """The acceptance alerts in the outbox (the applicant's own notices aside)."""
    messages = Message.objects.filter(idempotency_key__startswith="acceptance-overdue-")
    return sorted(messages.values_list("idempotency_key", flat=True))


def officer(province: Province) -> User:
    return province.users[Role.RECEPTION_OFFICER]


# --- the deadline -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "hours", "deadline", "source"),
    [
        (TET_FRIDAY, 8, AFTER_TET, SOURCE),  # Tết 14–22/02 does not count
        (vn(2026, 2, 14, 9, 0), 8, vn(2026, 2, 23, 17, 0), SOURCE),  # a Saturday in Tết
        (vn(2026, 3, 7, 10, 0), 8, vn(2026, 3, 9, 17, 0), SOURCE),  # Saturday → all Monday
        (vn(2026, 3, 11, 9, 30), 8, vn(2026, 3, 12, 9, 30), SOURCE),  # Wednesday morning
        (vn(2026, 3, 11, 12, 0), 8, vn(2026, 3, 12, 11, 30), SOURCE),  # at lunch: from 13:00
        (vn(2026, 3, 11, 18, 0), 8, vn(2026, 3, 12, 17, 0), SOURCE),  # evening: all Thursday
        (vn(2026, 4, 29, 14, 0), 8, vn(2026, 5, 4, 14, 0), SOURCE),  # before 30/4 and 1/5
        (vn(2026, 8, 21, 15, 0), 8, vn(2026, 8, 22, 15, 0), SOURCE),  # swapped working Sat
        (vn(2026, 12, 31, 10, 0), 8, vn(2027, 1, 4, 10, 0), SOURCE),  # across 1/1/2027
        (vn(2026, 3, 11, 16, 0), 4, vn(2026, 3, 12, 10, 30), SOURCE),  # a province's 4 hours
    ],
)
def test_the_acceptance_deadline(province, settings, submitted, hours, deadline, source):
    settings.MOTCUA_ONLINE_ACCEPTANCE_HOURS = hours
    dossier = submit(province, submitted)
    assert acceptance_deadline(dossier) == deadline, source
    assert AcceptanceDeadlines()(dossier) == deadline, source


def test_the_deadline_follows_the_receiving_agencys_office_hours(province):
    from motcua.deadlines.models import AgencyOfficeHours

    AgencyOfficeHours.objects.create(
        agency=province.commune,
        morning_start="07:00",
        morning_end="11:30",
        afternoon_start="13:30",
        afternoon_end="17:00",
    )
    # Wednesday 16:00: 1 hour; Thursday 07:00 + 4.5 hours to 11:30, then 2.5 hours to 16:00.
    assert acceptance_deadline(submit(province, vn(2026, 3, 11, 16, 0))) == vn(2026, 3, 12, 16, 0)


# --- the alert --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "submitted", "now", "alerted", "source"),
    [
        ("not yet due", TET_FRIDAY, vn(2026, 2, 23, 15, 59), False, SOURCE),
        ("during Tết, 7 calendar days on", TET_FRIDAY, vn(2026, 2, 20, 10, 0), False, SOURCE),
        ("at the deadline itself", TET_FRIDAY, AFTER_TET, False, SOURCE),
        ("just due", TET_FRIDAY, vn(2026, 2, 23, 16, 1), True, SOURCE),
        ("Saturday, not yet", vn(2026, 3, 7, 10, 0), vn(2026, 3, 9, 16, 59), False, SOURCE),
        ("Saturday, past", vn(2026, 3, 7, 10, 0), vn(2026, 3, 9, 17, 5), True, SOURCE),
        ("over 30/4–1/5", vn(2026, 4, 29, 14, 0), vn(2026, 5, 2, 10, 0), False, SOURCE),
        ("after 30/4–1/5", vn(2026, 4, 29, 14, 0), vn(2026, 5, 4, 14, 5), True, SOURCE),
        ("across New Year", vn(2026, 12, 31, 10, 0), vn(2027, 1, 4, 9, 55), False, SOURCE),
        ("long overdue", vn(2026, 1, 5, 8, 0), vn(2026, 3, 11, 9, 30), True, SOURCE),
    ],
)
def test_an_online_dossier_past_its_deadline_alerts_once(
    province, case, submitted, now, alerted, source
):
    dossier = submit(province, submitted)
    result = alert_late_acceptances(now=now)
    reception = officer(province)
    expected = [f"acceptance-overdue-{dossier.pk}-{reception.pk}-inbox"] if alerted else []
    assert keys() == expected, (case, source)  # no e-mail address: the inbox only
    assert result == {"acceptance_alerts": len(expected)}
    assert alert_late_acceptances(now=now) == {"acceptance_alerts": 0}  # run twice: sent once
    assert keys() == expected


@pytest.mark.parametrize(
    ("case", "then", "source"),
    [
        ("accepted before the deadline", Act.ACCEPT, SOURCE),
        ("refused before the deadline", Act.REFUSE, SOURCE),
        ("sent back for supplement: waits for the applicant", Act.REQUEST_SUPPLEMENT, SOURCE),
    ],
)
def test_a_dossier_handled_in_time_is_not_alerted(province, case, then, source):
    dossier = submit(province, TET_FRIDAY)
    data = ActInput(comment="Thiếu bản sao giấy tờ", missing=["Bản sao CCCD"])
    dossier_act(
        dossier=dossier,
        act=then,
        actor=officer(province),
        data=data if then != Act.ACCEPT else None,
        at=vn(2026, 2, 23, 9, 0),
    )
    assert alert_late_acceptances(now=vn(2026, 2, 24, 9, 0)) == {"acceptance_alerts": 0}, case
    assert keys() == [], source


def test_only_online_dossiers_are_alerted(province):
    submit(province, TET_FRIDAY, channel=Channel.POST, name="Người gửi bưu điện")
    assert alert_late_acceptances(now=vn(2026, 2, 24, 9, 0)) == {"acceptance_alerts": 0}


def test_every_reception_officer_of_the_receiving_agency_only(province):
    from motcua.accounts.models import Membership

    second = User.objects.create_user(username="officer2", password="x", full_name="Lê Văn Hải")
    Membership.objects.create(user=second, agency=province.commune, role=Role.RECEPTION_OFFICER)
    gone = User.objects.create_user(username="officer3", password="x", is_active=False)
    Membership.objects.create(user=gone, agency=province.commune, role=Role.RECEPTION_OFFICER)
    dossier = submit(province, TET_FRIDAY)
    alert_late_acceptances(now=vn(2026, 2, 24, 9, 0))
    inbox = Message.objects.filter(channel=Message.Channel.INBOX, idempotency_key__startswith="a")
    told = set(inbox.values_list("user__username", flat=True))
    assert told == {officer(province).username, "officer2"}  # not the outsider (xa-b) nor others
    assert keys() == sorted(
        f"acceptance-overdue-{dossier.pk}-{user.pk}-inbox" for user in (officer(province), second)
    )


def test_back_from_an_intake_supplement_it_is_not_alerted_again(province):
    dossier = submit(province, TET_FRIDAY)
    alert_late_acceptances(now=vn(2026, 2, 24, 9, 0))
    data = ActInput(comment="Thiếu bản sao", missing=["Bản sao CCCD"])
    dossier_act(
        dossier=dossier,
        act=Act.REQUEST_SUPPLEMENT,
        actor=officer(province),
        data=data,
        at=vn(2026, 2, 24, 10, 0),
    )
    dossier_act(
        dossier=dossier,
        act=Act.RECEIVE_SUPPLEMENT,
        actor=province.users["citizen"],
        at=vn(2026, 2, 25, 10, 0),
    )
    assert Dossier.objects.get().status == DossierStatus.REGISTERED
    assert alert_late_acceptances(now=vn(2026, 2, 26, 9, 0)) == {"acceptance_alerts": 0}
    assert len(keys()) == 1


def test_the_alert_goes_by_email_and_inbox_in_vietnamese(province):
    reception = officer(province)
    reception.email = "tiepnhan@xa-a.gov.vn"
    reception.save(update_fields=["email"])
    dossier = submit(province, TET_FRIDAY, name="Trần Thị Mai")
    alert_late_acceptances(now=vn(2026, 2, 23, 16, 5))
    key = f"acceptance-overdue-{dossier.pk}-{reception.pk}"
    assert keys() == [key, f"{key}-inbox"]
    email = Message.objects.get(idempotency_key=key)
    assert email.recipient == "tiepnhan@xa-a.gov.vn"
    assert email.subject == "Hồ sơ trực tuyến của Trần Thị Mai đã quá hạn tiếp nhận"
    for text in ("Trần Thị Mai", "16:00 13/02/2026", "16:00 23/02/2026", "8 giờ làm việc"):
        assert text in email.body
    inbox = Message.objects.get(idempotency_key=f"{key}-inbox")
    assert inbox.user == reception and str(dossier.uid) in inbox.data["link"]


def test_the_job_is_registered_and_runs_from_the_command(province):
    job = periodic.get_job(ACCEPTANCE_EVENT)
    assert job.func is acceptance_alerts.alert_late_acceptances
    submit(province, TET_FRIDAY)
    call_command("run_job", ACCEPTANCE_EVENT, "--at", "2026-02-24T08:00")
    call_command("run_job", ACCEPTANCE_EVENT, "--at", "2026-02-24T08:05")
    assert len(keys()) == 1


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("channel", ["email", "inbox"])
def test_the_sample_renders(language, channel):
    context = acceptance_alerts.sample_alert()
    notice = render_notice(
        event=ACCEPTANCE_EVENT, channel=channel, language=language, context=context
    )
    assert "Nguyễn Văn An" in notice.subject and "{{" not in notice.body
    assert "K7MW2QXD" in notice.body
    assert "16:00 23/02/2026" in notice.body
