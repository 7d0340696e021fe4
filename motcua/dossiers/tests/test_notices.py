"""The applicant's notices (dossiers.notices): for every act the applicant must hear about and
every kind of applicant (at the counter without an account, with an account and no saved
choice, with saved preferences), exactly which messages join the outbox — channel, recipient,
idempotency key — in the act's transaction (none when it rolls back); an administrator's
template changes what is sent; the online submission's receipt; one notice delivered end to
end through a real SMTP server."""

from datetime import date

import pytest
from django.core import mail
from django.db import transaction

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.notices import EVENTS, enqueue_submission_receipt
from motcua.dossiers.selectors import dossier_events
from motcua.dossiers.services import (
    ActInput,
    ComponentReceived,
    dossier_act,
    dossier_receive,
    dossier_register,
)
from motcua.notifications.models import Message, NotificationPreference
from motcua.notifications.notice_templates import message_template_save
from motcua.notifications.services import deliver_due
from motcua.notifications.tests.conftest import SmtpServer, free_port

from .conftest import Province, receive, vn

pytestmark = pytest.mark.django_db

RECEIVED = vn(2026, 3, 2, 8, 0)  # Monday
EMAIL, PHONE = "an.nguyen@example.vn", "0912345678"
MISSING = ["Bản sao giấy chứng nhận quyền sử dụng đất"]


def act(province: Province, dossier: Dossier, what: Act, who: str, **data) -> Dossier:
    return dossier_act(
        dossier=dossier,
        act=what,
        actor=province.users[who],
        data=ActInput(**data),
        at=vn(2026, 3, 3, 9, 0),
    )


def at_counter(province: Province, outcome: Act, data: ActInput | None, **applicant) -> Dossier:
    return dossier_receive(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.DIRECT,
        applicant=province.applicant(**applicant),
        actor=province.users[Role.RECEPTION_OFFICER],
        components=[ComponentReceived(name="Đơn đăng ký", originals=1)],
        outcome=outcome,
        data=data,
        at=RECEIVED,
    )


def running(province: Province, **applicant) -> Dossier:
    dossier = receive(province, at=RECEIVED, **applicant)
    return act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER)


def finished(province: Province, **applicant) -> Dossier:
    return act(province, running(province, **applicant), Act.FINISH, Role.LEADER)


def stopped(province: Province, **applicant) -> Dossier:
    return act(
        province, running(province, **applicant), Act.STOP, Role.LEADER, comment="Chờ bản án"
    )


# event -> how to reach it, for an applicant described by **applicant
SCENARIOS = {
    "dossiers.accepted": lambda p, **a: receive(p, at=RECEIVED, **a),
    "dossiers.refused": lambda p, **a: at_counter(
        p, Act.REFUSE, ActInput(comment="Không thuộc thẩm quyền"), **a
    ),
    "dossiers.supplement_requested": lambda p, **a: at_counter(
        p, Act.REQUEST_SUPPLEMENT, ActInput(missing=MISSING), **a
    ),
    "dossiers.financial_obligation": lambda p, **a: act(
        p,
        running(p, **a),
        Act.REQUEST_FINANCIAL_OBLIGATION,
        Role.SPECIALIST,
        comment="Lệ phí trước bạ",
        amount=1250000,
    ),
    "dossiers.result_ready": finished,
    "dossiers.result_returned": lambda p, **a: act(
        p,
        finished(p, **a),
        Act.RETURN_RESULT,
        Role.RECEPTION_OFFICER,
        return_method=ReturnMethod.COUNTER,
        recipient_name="Nguyễn Văn An",
    ),
    "dossiers.withdrawn": lambda p, **a: act(
        p,
        receive(p, at=RECEIVED, **a),
        Act.WITHDRAW,
        Role.RECEPTION_OFFICER,
        comment="Người nộp không còn nhu cầu",
    ),
    "dossiers.stopped": lambda p, **a: stopped(p, **a),
    "dossiers.resumed": lambda p, **a: act(p, stopped(p, **a), Act.RESUME, Role.LEADER),
    "dossiers.apology": lambda p, **a: act(
        p,
        running(p, **a),
        Act.APOLOGISE,
        Role.LEADER,
        comment="Chờ ý kiến của Chi cục Thuế",
        new_appointment=date(2026, 3, 12),
    ),
}


def sent_for(event: AuditEvent) -> set[tuple[str, str, str]]:
    return {
        (m.channel, m.recipient, m.idempotency_key)
        for m in Message.objects.filter(idempotency_key__startswith=f"notice-{event.pk}-")
    }


def last_event(dossier: Dossier) -> AuditEvent:
    return dossier_events(dossier=dossier).last()


# applicant kind -> (fields given on the dossier, saved preferences or None, channels expected)
APPLICANTS = {
    "counter, e-mail and phone": ({"user": None, "email": EMAIL}, None, {"email", "sms"}),
    "account, no saved choice": ({"email": EMAIL}, None, {"email", "sms", "inbox"}),
    "account, e-mail only": (
        {"email": EMAIL},
        {"email": True, "sms": False, "inbox": False},
        {"email"},
    ),
}


def expected(event: AuditEvent, channels: set[str], citizen) -> set[tuple[str, str, str]]:
    recipient = {"email": EMAIL, "sms": PHONE, "inbox": citizen.username}
    return {(c, recipient[c], f"notice-{event.pk}-{c}") for c in channels}


@pytest.mark.parametrize("kind", APPLICANTS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_each_event_queues_one_message_per_chosen_channel(province, name, kind):
    fields, preference, channels = APPLICANTS[kind]
    citizen = province.users["citizen"]
    if preference is not None:
        NotificationPreference.objects.create(user=citizen, **preference)
    dossier = SCENARIOS[name](province, **fields)
    event = last_event(dossier)
    assert EVENTS[event.action.removeprefix("dossier.")] == name
    assert sent_for(event) == expected(event, channels, citizen)


@pytest.mark.parametrize(
    ("fields", "preference", "channels"),
    [
        ({"user": None}, None, {"sms"}),  # the counter applicant gave only a phone number
        ({"user": None, "phone": "", "email": ""}, None, set()),  # nothing to write to
        ({"phone": ""}, None, {"inbox"}),  # an account, no e-mail, no phone
        # chosen SMS, but no phone anywhere: the inbox keeps the notice reachable
        ({"phone": ""}, {"email": False, "sms": True, "inbox": False}, {"inbox"}),
        ({"email": EMAIL}, {"email": False, "sms": True, "inbox": True}, {"sms", "inbox"}),
    ],
)
def test_preferences_and_defaults_decide_the_channels(province, fields, preference, channels):
    citizen = province.users["citizen"]
    if preference is not None:
        NotificationPreference.objects.create(user=citizen, **preference)
    dossier = receive(province, at=RECEIVED, **fields)
    event = last_event(dossier)
    assert sent_for(event) == expected(event, channels, citizen)


def test_the_default_channels_are_a_setting(province, settings):
    settings.MOTCUA_NOTIFY_DEFAULT_CHANNELS = ("email",)
    dossier = receive(province, at=RECEIVED, email=EMAIL)
    assert {c for c, _r, _k in sent_for(last_event(dossier))} == {"email"}


def test_acts_the_applicant_need_not_hear_about_send_nothing(province):
    dossier = receive(province, at=RECEIVED, email=EMAIL)
    before = Message.objects.count()
    act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER)  # an internal hand-over
    assert Message.objects.count() == before


def test_nothing_is_queued_when_the_act_fails_or_rolls_back(province):
    dossier = receive(province, at=RECEIVED, email=EMAIL)
    before = Message.objects.count()
    with pytest.raises(ValidationFailed):  # a refusal needs a reason
        act(province, dossier, Act.REFUSE, Role.RECEPTION_OFFICER)
    with pytest.raises(RuntimeError), transaction.atomic():
        act(province, dossier, Act.WITHDRAW, Role.RECEPTION_OFFICER, comment="Rút")
        assert Message.objects.count() == before + 3
        raise RuntimeError("the caller's transaction fails after the act")
    assert Message.objects.count() == before


def test_a_repeat_of_the_same_event_adds_nothing(province):
    from motcua.dossiers.notices import notify_applicant

    dossier = receive(province, at=RECEIVED, email=EMAIL)
    event = last_event(dossier)
    first = sent_for(event)
    with transaction.atomic():
        notify_applicant(dossier, event)
    assert sent_for(event) == first and len(first) == 3


def test_the_email_carries_the_slip_and_the_sms_is_short_and_unaccented(province):
    dossier = at_counter(province, Act.REQUEST_SUPPLEMENT, ActInput(missing=MISSING), email=EMAIL)
    messages = {m.channel: m for m in Message.objects.filter(idempotency_key__startswith="notice-")}
    email = messages["email"]
    assert MISSING[0] in email.body and "Mẫu 02" in email.body
    assert [a["name"] for a in email.attachments] == [f"mau-02-{dossier.key}.pdf"]
    sms = messages["sms"].body
    assert sms.isascii() and len(sms) <= 160 and "bo sung" in sms, sms
    inbox = messages["inbox"]
    assert inbox.data["link"] == f"/ho-so-cua-toi/{dossier.key}/"


def test_the_applicant_language_is_used(province):
    NotificationPreference.objects.create(
        user=province.users["citizen"], email=True, sms=False, inbox=False, language="en"
    )
    dossier = receive(province, at=RECEIVED, email=EMAIL)
    [message] = Message.objects.filter(idempotency_key__startswith="notice-")
    assert message.subject == f"Dossier {dossier.code} was accepted"
    assert "Appointment for the result: 17:00 on 09/03/2026" in message.body


def test_an_edited_template_changes_what_is_sent(province):
    message_template_save(
        event="dossiers.accepted",
        channel="email",
        language="vi",
        subject="[UBND xã A] Đã tiếp nhận {{ code }}",
        body="Chào {{ dossier.applicant_name }}, hẹn ngày {{ appointment.date }}.",
        actor=province.users[Role.PROVINCE_ADMIN],
    )
    dossier = receive(province, at=RECEIVED, email=EMAIL)
    email = Message.objects.get(idempotency_key=f"notice-{last_event(dossier).pk}-email")
    assert email.subject == f"[UBND xã A] Đã tiếp nhận {dossier.code}"
    assert email.body == "Chào Nguyễn Văn An, hẹn ngày 09/03/2026."


def test_the_online_submission_receipt(province, django_capture_on_commit_callbacks):
    citizen = province.users["citizen"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        dossier = dossier_register(
            procedure=province.procedure,
            agency=province.commune,
            channel=Channel.ONLINE,
            applicant=province.applicant(email=EMAIL),
            actor=citizen,
        )
        dossier.reference = "K7MW2QXD"  # as dossiers.online gives it
        dossier.save(update_fields=["reference"])
        enqueue_submission_receipt(dossier)
    [message] = mail.outbox
    assert message.subject == f"Hồ sơ K7MW2QXD đã được gửi: {province.procedure.name}"
    assert "/ho-so-cua-toi/K7MW2QXD/" in message.body
    assert "Mã tra cứu hồ sơ: K7MW2QXD" in message.body and "/tra-cuu/?ma=K7MW2QXD" in message.body
    event = last_event(dossier)
    assert {c for c, _r, _k in sent_for(event)} == {"email", "sms", "inbox"}
    sms = Message.objects.get(idempotency_key=f"notice-{event.pk}-sms")
    assert "K7MW2QXD" in sms.body and str(dossier.uid) not in sms.body


def test_a_register_by_post_sends_no_receipt(province):
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.POST,
        applicant=province.applicant(user=None, email=EMAIL),
        actor=province.users[Role.RECEPTION_OFFICER],
    )
    with transaction.atomic():
        assert enqueue_submission_receipt(dossier) == []


@pytest.fixture
def smtp(settings):
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.vn"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    server.start()
    yield server
    server.stop()


def test_a_refusal_is_delivered_through_a_real_smtp_server(province, smtp):
    dossier = at_counter(
        province,
        Act.REFUSE,
        ActInput(comment="Thủ tục không thuộc thẩm quyền của xã"),
        email=EMAIL,
        user=None,
        phone="",
    )
    counts = deliver_due()
    assert counts == {"sent": 1}
    [received] = smtp.messages
    event = last_event(dossier)
    assert received["To"] == EMAIL
    assert received["Message-ID"] == f"<notice-{event.pk}-email@dichvucong.example.vn>"
    assert " ".join(received["Subject"].split()) == f"Hồ sơ {dossier.key} không được tiếp nhận"
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert "Lý do: Thủ tục không thuộc thẩm quyền của xã" in text
    assert "https://" not in text  # refused before acceptance: no code to look it up by
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"mau-03-{dossier.key}.pdf"
    assert attachment.get_content_type() == "application/pdf"


def test_the_admin_previews_a_template_with_a_real_dossier(province, admin_client):
    dossier = at_counter(province, Act.REQUEST_SUPPLEMENT, ActInput(missing=MISSING), email=EMAIL)
    accepted = receive(province, at=RECEIVED, email=EMAIL)
    fields = {
        "event": "dossiers.supplement_requested",
        "channel": "email",
        "language": "vi",
        "subject": "Bổ sung {{ dossier.key }}",
        "body": "{% for item in missing %}{{ item }};{% endfor %}",
        "active": "on",
        "_preview": "1",
    }
    url = "/admin/notifications/messagetemplate/add/"
    page = admin_client.post(url, fields | {"preview_reference": accepted.code}).content.decode()
    assert 'id="preview-error"' in page  # that dossier had no supplement request
    # A dossier refused or asked for papers before acceptance has no code: preview by another.
    supplement = act(
        province,
        running(province, email=EMAIL),
        Act.REQUEST_SUPPLEMENT,
        Role.SPECIALIST,
        missing=["Tờ khai lệ phí trước bạ"],
    )
    page = admin_client.post(url, fields | {"preview_reference": supplement.code}).content.decode()
    assert f'<pre id="preview-subject">Bổ sung {supplement.code}</pre>' in page
    assert "Tờ khai lệ phí trước bạ;</pre>" in page
    assert dossier.code is None
