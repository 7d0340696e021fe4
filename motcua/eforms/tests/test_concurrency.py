"""Saves of one draft racing from several devices on PostgreSQL: exactly one save per version
wins, the others are told the draft is stale, and nothing is lost or duplicated. (SQLite
serialises all writers itself, so this runs on PostgreSQL only.)"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from motcua.core import audit
from motcua.core.errors import DomainError
from motcua.eforms.models import Draft
from motcua.eforms.services import draft_save

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested; SQLite has one writer at a time anyway")


def race(function, items, workers: int = 6) -> list[object]:
    barrier = threading.Barrier(min(workers, len(items)))

    def run(item):
        try:
            barrier.wait()
            return function(item)
        except Exception as error:  # the outcome is what the test looks at
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, items))


@pytest.mark.parametrize("existing", [False, True])
def test_one_save_per_version_wins(procedure, citizen, existing):
    version = 0
    if existing:
        version = draft_save(user=citizen, procedure=procedure, data={}, expected_version=0).version
    outcomes = race(
        lambda n: draft_save(
            user=citizen,
            procedure=procedure,
            data={"applicant_address": f"device {n}"},
            expected_version=version,
        ),
        range(6),
    )
    won = [o for o in outcomes if isinstance(o, Draft)]
    lost = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 1, outcomes
    assert len(lost) == 5
    assert {error.code for error in lost} == {"stale_draft"}
    draft = Draft.objects.get()
    assert draft.version == version + 1
    assert draft.data == won[0].data
    assert audit.first_broken_link(audit.chain_of(draft)) is None
