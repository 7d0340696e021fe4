import pytest

from motcua.core import audit
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_events_form_a_chain_that_verifies():
    first = audit.record(action="test.one", data={"n": 1, "text": "Hộ tịch"})
    second = audit.record(action="test.two", data={"n": 2})
    assert first.previous_hash == audit.GENESIS_HASH
    assert second.previous_hash == first.hash
    assert audit.verify_chain() == []


def test_editing_an_event_breaks_the_chain_at_that_event():
    audit.record(action="test.one", data={"amount": 8000})
    tampered = audit.record(action="test.two", data={"amount": 8000})
    audit.record(action="test.three")
    AuditEvent.objects.filter(pk=tampered.pk).update(data={"amount": 0})
    assert audit.verify_chain() == [tampered.pk]


def test_deleting_an_event_breaks_the_chain_after_the_gap():
    audit.record(action="test.one")
    gone = audit.record(action="test.two")
    last = audit.record(action="test.three")
    AuditEvent.objects.filter(pk=gone.pk).delete()
    assert audit.verify_chain() == [last.pk]


def test_subject_is_recorded_by_label_and_key(django_user_model):
    user = django_user_model.objects.create(username="nguyenvana")
    event = audit.record(action="test.subject", actor=user, subject=user)
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(user.pk))
    assert event.actor == user


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_unbroken_chain():
    """Several threads appending at once still give one linear chain (row lock on the head)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the lock matters on PostgreSQL")

    def append(n: int) -> None:
        try:
            for i in range(10):
                audit.record(action="test.concurrent", data={"thread": n, "i": i})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(append, range(4)))
    assert AuditEvent.objects.count() == 40
    assert audit.verify_chain() == []
    hashes = list(AuditEvent.objects.values_list("previous_hash", flat=True))
    assert len(set(hashes)) == 40  # nobody forked the chain
