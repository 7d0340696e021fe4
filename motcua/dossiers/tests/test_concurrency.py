"""Acts racing on PostgreSQL: many acceptances at one agency get gap-free codes, and two
officers acting on one dossier at once leave exactly one transition. (SQLite serialises all
writers itself, so these run on PostgreSQL only.)"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core import audit
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, dossier_act, dossier_register

from .conftest import build_province

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres_province():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested; SQLite has one writer at a time anyway")
    return build_province()


def _registered(province, count: int) -> list[Dossier]:
    return [
        dossier_register(
            procedure=province.procedure,
            agency=province.commune,
            channel=Channel.ONLINE,
            applicant=province.applicant(),
            actor=province.users["citizen"],
        )
        for _ in range(count)
    ]


def _race(function, items, workers: int = 8) -> list[object]:
    """Run `function` over `items` from `workers` threads released at the same moment."""
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


def test_acceptances_from_many_threads_get_gap_free_codes(postgres_province):
    province = postgres_province
    dossiers = _registered(province, 24)
    officer = province.users[Role.RECEPTION_OFFICER]
    results = _race(
        lambda d: dossier_act(dossier=d, act=Act.ACCEPT, actor=officer),
        dossiers,
    )
    assert not [r for r in results if isinstance(r, Exception)]
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    day = codes[0].split("-")[1]
    assert codes == [f"000.00.01.H49-{day}-{n:04d}" for n in range(1, 25)]


def test_two_officers_stopping_one_dossier_leave_one_transition(postgres_province):
    province = postgres_province
    (dossier,) = _registered(province, 1)
    officer, leader = province.users[Role.RECEPTION_OFFICER], province.users[Role.LEADER]
    dossier = dossier_act(dossier=dossier, act=Act.ACCEPT, actor=officer)
    dossier = dossier_act(dossier=dossier, act=Act.FORWARD, actor=officer)
    head = province.users[Role.DEPARTMENT_HEAD]
    results = _race(
        lambda who: dossier_act(dossier=dossier, act=Act.STOP, actor=who, data=ActInput("x")),
        [leader, head],
        workers=2,
    )
    assert sorted(type(r).__name__ for r in results) == ["Dossier", "TransitionNotAllowed"]
    stops = AuditEvent.objects.filter(chain=audit.chain_of(dossier), action="dossier.stop")
    assert stops.count() == 1
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.STOPPED
    assert audit.first_broken_link(audit.chain_of(dossier)) is None


def test_two_clicks_on_forward_with_the_version_seen_move_once(postgres_province):
    province = postgres_province
    (dossier,) = _registered(province, 1)
    officer = province.users[Role.RECEPTION_OFFICER]
    dossier = dossier_act(dossier=dossier, act=Act.ACCEPT, actor=officer)
    seen = ActInput(expected_version=dossier.version)
    results = _race(
        lambda _: dossier_act(dossier=dossier, act=Act.FORWARD, actor=officer, data=seen),
        [1, 2],
        workers=2,
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and refused[0].code in {"stale_version", "transition_not_allowed"}
    forwards = AuditEvent.objects.filter(chain=audit.chain_of(dossier), action="dossier.forward")
    assert forwards.count() == 1
