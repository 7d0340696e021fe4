"""Every transition through the services, for every kind of actor: the act either leads where
the status machine says and writes one event, or is refused and changes nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.core import audit
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import WorkingCalendar
from motcua.deadlines.selectors import library_days
from motcua.dossiers.constants import TERMINAL_STATUSES, Act, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, dossier_act
from motcua.dossiers.states import TRANSITIONS, ActNotPermitted, TransitionNotAllowed

from .conftest import dossier_in_status

pytestmark = pytest.mark.django_db


def next_working_day(day: date) -> date:
    off, extra = library_days((day.year, day.year + 1))
    return WorkingCalendar(off, extra).next_working_day(day)


# Enough information for any act; each act reads what it needs.
FULL = ActInput(
    comment="Lý do",
    missing=["Giấy tờ"],
    amount=50000,
    return_method="counter",
    recipient_name="Nguyễn Văn An",
    # After any appointment the dossiers below hold (five days ahead): a working day in 2 months.
    new_appointment=next_working_day(timezone.localdate() + timedelta(days=60)),
)
# Who may try: every role of the receiving commune, the applicant, another citizen, a
# reception officer of another commune and a specialist of the tax office.
ACTORS = [*Role.values, "applicant", "citizen_b", "outsider", "tax_specialist"]
ALLOWED = sorted(TRANSITIONS, key=lambda key: (key[0].value, key[1].value))
FORBIDDEN = [
    (status, act) for status in DossierStatus for act in Act if (status, act) not in TRANSITIONS
]


def _actor(province, who: str) -> User:
    if who == "applicant":
        return province.users["citizen"]
    if who == "citizen_b":
        return User.objects.get_or_create(username="citizen_b")[0]
    return province.users[who]


def _snapshot(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    events = AuditEvent.objects.filter(chain=audit.chain_of(dossier)).count()
    return (fresh.status, fresh.version, fresh.code, fresh.due_at, fresh.closed_at, events)


def _may(province, transition, who: str) -> bool:
    if who == "applicant":
        return transition.applicant
    roles = set(
        Membership.objects.filter(user=_actor(province, who), agency=province.commune).values_list(
            "role", flat=True
        )
    )
    return bool(roles & transition.roles)


@pytest.mark.parametrize(("status", "act"), ALLOWED, ids=lambda v: str(v))
def test_allowed_transition_for_each_actor(province, status, act):
    transition = TRANSITIONS[(status, act)]
    for who in ACTORS:
        dossier = dossier_in_status(province, status)
        before = _snapshot(dossier)
        if not _may(province, transition, who):
            with pytest.raises(ActNotPermitted):
                dossier_act(dossier=dossier, act=act, actor=_actor(province, who), data=FULL)
            assert _snapshot(dossier) == before, who
            continue
        if act == Act.TRANSFER:  # without an internal process there is no agency to send to
            with pytest.raises(DomainError, match="quy trình nội bộ"):
                dossier_act(dossier=dossier, act=act, actor=_actor(province, who), data=FULL)
            assert _snapshot(dossier) == before, who
            continue
        done = dossier_act(dossier=dossier, act=act, actor=_actor(province, who), data=FULL)
        assert done.status == transition.target, who
        assert done.version == before[1] + 1
        event = AuditEvent.objects.filter(chain=audit.chain_of(dossier)).get()
        assert (event.action, event.data["from"], event.data["to"]) == (
            f"dossier.{act}",
            status,
            transition.target,
        )
        assert event.actor == _actor(province, who)


@pytest.mark.parametrize(("status", "act"), FORBIDDEN, ids=lambda v: str(v))
def test_forbidden_transition_changes_nothing(province, status, act):
    everything = User.objects.create(username="all_roles")
    for role in Role.values:
        Membership.objects.create(user=everything, agency=province.commune, role=role)
    dossier = dossier_in_status(province, status)
    before = _snapshot(dossier)
    with pytest.raises(TransitionNotAllowed):
        dossier_act(dossier=dossier, act=act, actor=everything, data=FULL)
    assert _snapshot(dossier) == before


def test_terminal_statuses_allow_nothing():
    assert not [key for key in TRANSITIONS if key[0] in TERMINAL_STATUSES]


def test_a_stale_version_is_refused(province):
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    leader = province.users[Role.LEADER]
    seen = dossier.version
    dossier_act(dossier=dossier, act=Act.STOP, actor=leader, data=ActInput(comment="Tạm dừng"))
    with pytest.raises(DomainError) as stale:
        dossier_act(
            dossier=dossier,
            act=Act.RESUME,
            actor=leader,
            data=ActInput(expected_version=seen),
        )
    assert stale.value.code == "stale_version"
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.STOPPED
