"""Dossier events reach webhook subscribers (a real local receiver): registration and each act,
with codes but no personal data; a refused act sends nothing."""

import pytest
from django.db import transaction

from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act
from motcua.dossiers.services import dossier_act
from motcua.dossiers.webhooks import EVENT_TYPES, enqueue_dossier_webhooks
from motcua.notifications.channels.webhook import signature
from motcua.notifications.fake_servers import WebhookReceiver
from motcua.notifications.models import Message, WebhookSubscription

from .conftest import receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(settings):
    settings.MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP = True
    server = WebhookReceiver().start()
    yield server
    server.stop()


def test_registration_and_acceptance_are_delivered_without_personal_data(
    province, process, receiver
):
    subscription = WebhookSubscription.objects.create(
        name="Báo cáo", url=receiver.url, event_types=["*"]
    )
    dossier = receive(province)  # register, then accept at the counter: two events

    register, accept = receiver.arrivals
    events = AuditEvent.objects.filter(action__startswith="dossier.").order_by("pk")
    assert [e.action for e in events] == ["dossier.register", "dossier.accept"]
    for arrival, event in zip(receiver.arrivals, events, strict=True):
        assert arrival.header("X-MotCua-Event") == event.action
        assert arrival.header("X-MotCua-Delivery") == f"webhook-{subscription.pk}-{event.pk}"
        timestamp = arrival.header("X-MotCua-Timestamp")
        assert arrival.header("X-MotCua-Signature") == signature(
            subscription.secret, timestamp, arrival.body
        )
    body = accept.json()
    assert body["type"] == "dossier.accept"
    assert body["occurred_at"] == events[1].occurred_at.isoformat()
    data = body["data"]
    assert data["act"] == "accept"
    assert data["from"] == "registered"
    assert data["to"] == dossier.status
    assert data["dossier"] == {
        "uid": str(dossier.uid),
        "code": dossier.code,
        "status": dossier.status,
        "procedure_code": "1.004227",
        "receiving_agency_code": "000.00.01.H49",
        "current_agency_code": "000.00.01.H49",
        "channel": "direct",
        "due_at": dossier.due_at.isoformat(),
        "version": dossier.version,
    }
    assert register.json()["data"]["act"] == "register"
    raw = register.body.decode() + accept.body.decode()
    for personal in ("Nguyễn Văn An", "022090001234", "0912345678", "citizen"):
        assert personal not in raw


def test_only_the_subscribed_event_types_are_sent(province, process, receiver):
    WebhookSubscription.objects.create(
        name="Kết quả", url=receiver.url, event_types=["dossier.finish", "dossier.accept"]
    )
    receive(province)
    assert [a.header("X-MotCua-Event") for a in receiver.arrivals] == ["dossier.accept"]


def test_a_refused_act_sends_nothing(province, process, receiver):
    WebhookSubscription.objects.create(name="Báo cáo", url=receiver.url, event_types=["*"])
    dossier = receive(province)
    webhooks = Message.objects.filter(channel=Message.Channel.WEBHOOK)
    assert webhooks.count() == len(receiver.arrivals) == 2
    with pytest.raises(DomainError), transaction.atomic():
        # The applicant may not finish processing: the act is refused, nothing is queued.
        dossier_act(dossier=dossier, act=Act.FINISH, actor=province.users["citizen"])
    assert webhooks.count() == len(receiver.arrivals) == 2


def test_no_subscription_costs_one_query(province, process, django_assert_max_num_queries):
    dossier = receive(province)
    event = AuditEvent.objects.filter(action="dossier.accept").get()
    with django_assert_max_num_queries(1):
        assert enqueue_dossier_webhooks(dossier, event) == []


def test_every_act_has_an_event_type():
    assert "dossier.register" in EVENT_TYPES
    assert {f"dossier.{act}" for act in Act.values} <= set(EVENT_TYPES)
