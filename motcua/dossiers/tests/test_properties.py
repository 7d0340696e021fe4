"""Whatever officials and the applicant try, in whatever order, a dossier stays consistent:
its chain verifies, one event per act that happened, the clock is paused exactly in the paused
statuses, the appointment never moves earlier, and finished dossiers are judged."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.constants import Role
from motcua.core.errors import DomainError
from motcua.dossiers.constants import PAUSED_STATUSES, TERMINAL_STATUSES, Act, DossierStatus
from motcua.dossiers.models import AppointmentChange, Dossier, StepRecord
from motcua.dossiers.selectors import STEP_ACTS, actor_roles, dossier_events, dossier_verify
from motcua.dossiers.services import ActInput, dossier_act
from motcua.dossiers.states import allowed_acts

from .conftest import receive, vn

pytestmark = pytest.mark.django_db

WHO = [
    Role.RECEPTION_OFFICER,
    Role.SPECIALIST,
    Role.DEPARTMENT_HEAD,
    Role.LEADER,
    Role.CLERK,
    "tax_specialist",
    "citizen",
]
FULL = ActInput(
    comment="Lý do",
    missing=["Giấy tờ"],
    amount=50000,
    return_method="post",
    tracking_number="RR123456789VN",
    new_appointment=date(2026, 12, 1),  # a Tuesday after any appointment the stories reach
)


def _plausible(province, dossier: Dossier) -> list[tuple[Act, str]]:
    """(act, who) pairs the status machine would let through, before the process's step check."""
    pairs = []
    for who in WHO:
        user = province.users[who]
        roles = actor_roles(dossier=dossier, user=user)
        is_applicant = dossier.applicant_user_id == user.pk
        pairs += [
            (act, who)
            for act in allowed_acts(dossier.status, roles=roles, is_applicant=is_applicant)
        ]
    step = dossier.current_step
    if step is not None:  # the step acts belong to the step's holder
        holder = "tax_specialist" if step.is_transfer else step.role
        pairs = [(act, who) for act, who in pairs if act not in STEP_ACTS or who == holder]
    # Withdrawal is possible almost always and ends the story: leave it to the wild draws.
    # Moving on is drawn twice as often as anything else, so stories reach their end.
    onward = {Act.FORWARD, Act.TRANSFER, Act.RECEIVE_BACK, Act.FINISH, Act.RETURN_RESULT}
    return [pair for pair in pairs if pair[0] != Act.WITHDRAW] + [
        pair for pair in pairs if pair[0] in onward
    ]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_sequence_of_attempts_leaves_a_consistent_dossier(province, process, data):
    moment = vn(2026, 4, 20, 8, 0)
    dossier = receive(province, at=moment)
    done = 2  # register + accept
    for _ in range(data.draw(st.integers(min_value=0, max_value=40), label="length")):
        plausible = _plausible(province, dossier)
        anything = st.tuples(st.sampled_from(list(Act)), st.sampled_from(WHO))
        act, who = data.draw(
            st.sampled_from(plausible)
            if plausible and data.draw(st.integers(0, 4), label="wild")
            else anything
        )
        moment += timedelta(hours=data.draw(st.integers(0, 30), label="hours"))
        before = Dossier.objects.get(pk=dossier.pk)
        try:
            dossier = dossier_act(
                dossier=dossier, act=act, actor=province.users[who], data=FULL, at=moment
            )
        except DomainError:
            assert _state(Dossier.objects.get(pk=dossier.pk)) == _state(before)
            continue
        done += 1
        _check(dossier, before)
    assert dossier_events(dossier=dossier).count() == done
    assert dossier_verify(dossier=dossier) is None


def _state(dossier: Dossier) -> tuple:
    return (dossier.status, dossier.version, dossier.due_at, dossier.current_step_id)


def _check(dossier: Dossier, before: Dossier) -> None:
    status = DossierStatus(dossier.status)
    assert (dossier.paused_at is not None) == (status in PAUSED_STATUSES)
    assert (dossier.closed_at is not None) == (status in TERMINAL_STATUSES)
    if before.due_at is not None:
        assert dossier.due_at >= before.due_at  # an appointment never moves earlier
        assert dossier.appointment_at >= before.appointment_at
    if status in {DossierStatus.PROCESSED, DossierStatus.RESULT_RETURNED}:
        assert dossier.judgement in {"early", "on_time", "late"}
    open_steps = StepRecord.objects.filter(dossier=dossier, ended_at__isnull=True).count()
    in_process = status in {
        DossierStatus.ACCEPTED,
        DossierStatus.IN_PROCESSING,
        DossierStatus.IN_TRANSFER,
        *PAUSED_STATUSES,
    }
    assert open_steps == (1 if in_process else 0)
    assert (dossier.current_agency_id != dossier.receiving_agency_id) == (
        status == DossierStatus.IN_TRANSFER
    )
    changes = AppointmentChange.objects.filter(dossier=dossier).order_by("changed_at", "id")
    assert changes.last().new_due_at == dossier.appointment_at
