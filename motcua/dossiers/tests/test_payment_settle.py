"""Settling what a dossier owes (dossiers.payments): `payment_settle` whoever reports the
money, a financial obligation paid online resuming the dossier with its clock extended (not
restarted), the counter, and refunds."""

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine

from motcua.accounts.constants import Role
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.deadlines.selectors import calendar_for
from motcua.dossiers.constants import Act, DossierStatus, FeeStatus, PauseKind
from motcua.dossiers.models import Dossier, DossierFee, DossierPause, StepRecord
from motcua.dossiers.payments import (
    SYSTEM_USERNAME,
    payment_record_at_counter,
    payment_refund,
    payment_settle,
)
from motcua.dossiers.services import ActInput, dossier_act
from motcua.payments import services as payments
from motcua.payments.constants import Method, PaymentStatus, Purpose
from motcua.payments.models import PaymentRequest

from .conftest import Province, dossier_in_status, receive, vn

pytestmark = pytest.mark.django_db

# The dates of test_pauses: accepted Fri 06/03/2026 10:00, due Fri 13/03 17:00 (5 working
# days); the obligation asked Thu 12/03 09:00 and paid Mon 16/03 10:00, 17 working hours
# later (Thu 6.5 + Fri 8 + Mon 2.5).
ACCEPTED = vn(2026, 3, 6, 10, 0)
ASKED = vn(2026, 3, 12, 9, 0)
PAID = vn(2026, 3, 16, 10, 0)
DUE = vn(2026, 3, 13, 17, 0)
EXTENDED = vn(2026, 3, 18, 8, 30)  # DUE + 17 working hours
RESTARTED = vn(2026, 3, 23, 17, 0)  # 5 working days from PAID: what extending is not
OBLIGATION = 500_000


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(ACCEPTED, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def receipts() -> Iterator[mock.Mock]:
    with mock.patch("motcua.dossiers.payments.deliver_receipt") as deliver:
        yield deliver


def counter_request(province: Province) -> PaymentRequest:
    """The counter fee (30 000 đ) of a dossier accepted at the counter."""
    dossier = receive(province)
    return PaymentRequest.objects.get(dossier_pk=dossier.pk)


def settle(request: PaymentRequest, ref: str = "FT26065000001", **changes: Any) -> bool:
    values: dict[str, Any] = {
        "method": Method.TRANSFER,
        "amount": request.amount,
        "transaction_ref": ref,
        "paid_at": ACCEPTED,
    }
    return payment_settle(request=request, **(values | changes))


def state(request: PaymentRequest) -> tuple:
    fresh = PaymentRequest.objects.get(pk=request.pk)
    return (
        fresh.status,
        fresh.method,
        fresh.transaction_ref,
        fresh.paid_at,
        list(DossierFee.objects.values_list("status", "reference")),
        AuditEvent.objects.count(),
    )


def actions(dossier_pk: int) -> Counter[str]:
    events = AuditEvent.objects.filter(chain=f"dossiers.dossier:{dossier_pk}")
    return Counter(events.values_list("action", flat=True))


# --- payment_settle ---------------------------------------------------------------------------


def test_the_same_transaction_twice_pays_once(
    province, receipts, django_capture_on_commit_callbacks
):
    request = counter_request(province)
    with django_capture_on_commit_callbacks(execute=True):
        assert settle(request) is True
    assert request.status == PaymentStatus.PAID  # the caller's object is refreshed
    paid = state(request)
    assert paid[:4] == (PaymentStatus.PAID, Method.TRANSFER, "FT26065000001", ACCEPTED)
    assert paid[4] == [(FeeStatus.PAID, "FT26065000001")]
    with django_capture_on_commit_callbacks(execute=True):
        assert settle(request) is False
    assert state(request) == paid
    assert actions(request.dossier_pk)["payment.paid"] == 1
    receipts.assert_called_once_with(request.pk)


@pytest.mark.parametrize(
    "other",
    [
        {"ref": "FT26065000002"},  # another transfer
        {"method": Method.GATEWAY, "gateway": "vnpay"},  # the same number, elsewhere
    ],
)
def test_another_transaction_for_a_paid_request_is_refused(province, other):
    request = counter_request(province)
    settle(request)
    paid = state(request)
    with pytest.raises(DomainError) as refused:
        settle(request, **other)
    assert refused.value.code == "not_payable"
    assert state(request) == paid


@pytest.mark.parametrize("amount", [29_999, 30_001, 300_000, 0])
def test_a_wrong_amount_changes_nothing(province, receipts, amount):
    request = counter_request(province)
    before = state(request)
    with pytest.raises(DomainError) as refused:
        settle(request, amount=amount)
    assert refused.value.code == "wrong_amount"
    assert "30,000" in refused.value.message
    assert state(request) == before
    receipts.assert_not_called()


@pytest.mark.parametrize(
    ("status", "payable"),
    [
        (PaymentStatus.PENDING, True),
        (PaymentStatus.FAILED, True),  # the last gateway attempt failed
        (PaymentStatus.EXPIRED, False),
        (PaymentStatus.CANCELLED, False),
        (PaymentStatus.REFUNDED, False),
    ],
)
def test_only_a_payable_request_is_paid(province, status, payable):
    request = counter_request(province)
    PaymentRequest.objects.filter(pk=request.pk).update(status=status)
    if payable:
        assert settle(request) is True
        assert request.status == PaymentStatus.PAID
        return
    before = state(request)
    with pytest.raises(DomainError) as refused:
        settle(request)
    assert refused.value.code == "not_payable"
    assert state(request) == before


# --- the financial obligation and the clock ---------------------------------------------------


def obligation_asked(province: Province, clock: time_machine.Traveller) -> Dossier:
    """In processing at the specialist's step of the internal process, then the obligation."""
    dossier = receive(province)
    dossier = dossier_act(
        dossier=dossier, act=Act.FORWARD, actor=province.users[Role.RECEPTION_OFFICER]
    )
    assert dossier.current_step is not None
    assert (dossier.due_at, dossier.current_step.role) == (DUE, Role.SPECIALIST)
    clock.move_to(ASKED)
    return dossier_act(
        dossier=dossier,
        act=Act.REQUEST_FINANCIAL_OBLIGATION,
        actor=province.users[Role.SPECIALIST],
        data=ActInput(comment="Lệ phí trước bạ", amount=OBLIGATION),
    )


def test_paying_the_obligation_resumes_the_dossier_and_extends_its_clock(province, process, clock):
    dossier = obligation_asked(province, clock)
    assert (dossier.status, dossier.paused_at) == (DossierStatus.FINANCIAL_OBLIGATION, ASKED)
    request = PaymentRequest.objects.get(dossier_pk=dossier.pk, purpose=Purpose.OBLIGATION)
    assert (request.amount, request.status, request.legal_basis) == (
        OBLIGATION,
        PaymentStatus.PENDING,
        "Lệ phí trước bạ",
    )
    assert request.dossier_code == dossier.code
    [fee] = DossierFee.objects.filter(dossier=dossier, purpose=Purpose.OBLIGATION)
    assert (fee.amount, fee.payment_request) == (OBLIGATION, request)
    step = StepRecord.objects.get(dossier=dossier, ended_at__isnull=True)
    step_due = step.due_at
    assert step_due is not None

    clock.move_to(PAID)
    assert settle(request, ref="FT26075000009", paid_at=PAID) is True

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.paused_at) == (DossierStatus.IN_PROCESSING, None)
    assert dossier.due_at == EXTENDED != RESTARTED
    [pause] = DossierPause.objects.filter(dossier=dossier)
    assert (pause.kind, pause.started_at, pause.ended_at) == (
        PauseKind.FINANCIAL_OBLIGATION,
        ASKED,
        PAID,
    )
    assert (pause.due_before, pause.due_after) == (DUE, EXTENDED)
    # The step holding the dossier gets the paused working time back too.
    step.refresh_from_db()
    assert step.ended_at is None
    assert step.due_at == calendar_for(province.commune).add_working_time(
        step_due, timedelta(hours=17)
    )
    # Resumed by the installation, on the payment it verified: one event, the system's.
    [event] = AuditEvent.objects.filter(
        chain=f"dossiers.dossier:{dossier.pk}", action="dossier.confirm_payment"
    )
    assert event.actor is not None and event.actor.username == SYSTEM_USERNAME
    assert (event.data["from"], event.data["to"]) == (
        DossierStatus.FINANCIAL_OBLIGATION,
        DossierStatus.IN_PROCESSING,
    )
    assert event.data["paused_working_hours"] == 17
    fee.refresh_from_db()
    assert (fee.status, fee.reference) == (FeeStatus.PAID, "FT26075000009")


def test_a_wrong_amount_for_the_obligation_keeps_the_dossier_waiting(province, process, clock):
    dossier = obligation_asked(province, clock)
    request = PaymentRequest.objects.get(dossier_pk=dossier.pk, purpose=Purpose.OBLIGATION)
    clock.move_to(PAID)
    with pytest.raises(DomainError):
        settle(request, amount=OBLIGATION - 1)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.paused_at, fresh.due_at) == (
        DossierStatus.FINANCIAL_OBLIGATION,
        ASKED,
        DUE,
    )


def test_paying_the_obligation_leaves_the_submission_fee_owed(province, process, clock):
    """The counter fee (its own request, unpaid) is not paid by the obligation's payment."""
    dossier = obligation_asked(province, clock)
    submission = PaymentRequest.objects.get(dossier_pk=dossier.pk, purpose=Purpose.SUBMISSION)
    obligation = PaymentRequest.objects.get(dossier_pk=dossier.pk, purpose=Purpose.OBLIGATION)
    clock.move_to(PAID)
    settle(obligation, paid_at=PAID)
    submission.refresh_from_db()
    assert submission.status == PaymentStatus.PENDING
    fees = dict(DossierFee.objects.filter(dossier=dossier).values_list("purpose", "status"))
    assert fees == {Purpose.SUBMISSION: FeeStatus.DUE, Purpose.OBLIGATION: FeeStatus.PAID}
    event = AuditEvent.objects.get(
        chain=f"dossiers.dossier:{dossier.pk}", action="dossier.confirm_payment"
    )
    assert event.data["paid"] == OBLIGATION


# --- at the counter ---------------------------------------------------------------------------


def test_the_reception_officer_records_a_payment_at_the_counter(province):
    request = counter_request(province)
    officer = province.users[Role.RECEPTION_OFFICER]
    payment_record_at_counter(
        request=request, actor=officer, method=Method.CASH, amount=30_000, receipt_ref="BL-0001"
    )
    request.refresh_from_db()
    assert (request.status, request.method, request.transaction_ref, request.recorded_by) == (
        PaymentStatus.PAID,
        Method.CASH,
        "BL-0001",
        officer,
    )
    [event] = AuditEvent.objects.filter(
        chain=f"dossiers.dossier:{request.dossier_pk}", action="payment.paid"
    )
    assert event.actor == officer


@pytest.mark.parametrize(
    "who",
    [
        "tax_specialist",  # a specialist of another agency
        "outsider",  # the reception officer of another commune
        Role.SPECIALIST,  # of the same commune, but not at the counter
        "citizen",
    ],
)
def test_only_the_reception_officer_records_a_counter_payment(province, who):
    request = counter_request(province)
    before = state(request)
    with pytest.raises(DomainError) as refused:
        payment_record_at_counter(
            request=request, actor=province.users[who], method=Method.CASH, amount=30_000
        )
    assert refused.value.code == "act_not_permitted"
    assert state(request) == before


def test_a_counter_payment_is_cash_or_card(province):
    request = counter_request(province)
    before = state(request)
    with pytest.raises(ValidationFailed):
        payment_record_at_counter(
            request=request,
            actor=province.users[Role.RECEPTION_OFFICER],
            method=Method.TRANSFER,
            amount=30_000,
        )
    assert state(request) == before


# --- refunds ----------------------------------------------------------------------------------


def paid_request(province: Province, status: DossierStatus, refundable: bool) -> PaymentRequest:
    province.procedure.fee_refundable = refundable
    province.procedure.save(update_fields=["fee_refundable"])
    dossier = dossier_in_status(province, status)
    request = payments.request_create(
        dossier_pk=dossier.pk,
        dossier_code=dossier.display_key,
        agency=province.commune,
        purpose=Purpose.SUBMISSION,
        amount=30_000,
        description="Lệ phí đăng ký",
        payer_name=dossier.applicant_name,
    )
    settle(request)
    return request


# (the dossier's status, the procedure gives fees back, refund allowed)
REFUNDS = [
    (DossierStatus.NOT_ACCEPTED, True, True),
    (DossierStatus.WITHDRAWN, True, True),
    (DossierStatus.NOT_ACCEPTED, False, False),
    (DossierStatus.WITHDRAWN, False, False),
    (DossierStatus.IN_PROCESSING, True, False),
    (DossierStatus.RESULT_RETURNED, True, False),
]


@pytest.mark.parametrize(("status", "refundable", "allowed"), REFUNDS)
def test_a_refund_only_for_a_refused_or_withdrawn_refundable_dossier(
    province, status, refundable, allowed
):
    request = paid_request(province, status, refundable)
    officer = province.users[Role.RECEPTION_OFFICER]
    if not allowed:
        before = state(request)
        with pytest.raises(DomainError) as refused:
            payment_refund(request=request, actor=officer, refund_ref="UNC-0001")
        assert refused.value.code == "refund_not_allowed"
        assert state(request) == before
        return
    payment_refund(request=request, actor=officer, refund_ref=" UNC-0001 ")
    request.refresh_from_db()
    assert (request.status, request.refund_ref, request.refunded_at) == (
        PaymentStatus.REFUNDED,
        "UNC-0001",
        ACCEPTED,
    )
    [event] = AuditEvent.objects.filter(
        chain=f"dossiers.dossier:{request.dossier_pk}", action="payment.refunded"
    )
    assert (event.actor, event.data["through"]) == (officer, "officer")


def test_an_officer_recorded_refund_needs_its_reference(province):
    request = paid_request(province, DossierStatus.WITHDRAWN, refundable=True)
    before = state(request)
    with pytest.raises(ValidationFailed):
        payment_refund(
            request=request, actor=province.users[Role.RECEPTION_OFFICER], refund_ref="  "
        )
    assert state(request) == before


def test_an_unpaid_request_is_not_refunded(province):
    request = paid_request(province, DossierStatus.WITHDRAWN, refundable=True)
    PaymentRequest.objects.filter(pk=request.pk).update(status=PaymentStatus.PENDING)
    with pytest.raises(DomainError) as refused:
        payment_refund(
            request=request, actor=province.users[Role.RECEPTION_OFFICER], refund_ref="UNC-1"
        )
    assert refused.value.code == "refund_not_allowed"


@pytest.mark.parametrize("who", [Role.SPECIALIST, "tax_specialist", "outsider", "citizen"])
def test_only_reception_or_deciders_refund(province, who):
    request = paid_request(province, DossierStatus.WITHDRAWN, refundable=True)
    before = state(request)
    with pytest.raises(DomainError) as refused:
        payment_refund(request=request, actor=province.users[who], refund_ref="UNC-1")
    assert refused.value.code == "act_not_permitted"
    assert state(request) == before


def test_the_leader_may_refund(province):
    request = paid_request(province, DossierStatus.NOT_ACCEPTED, refundable=True)
    payment_refund(request=request, actor=province.users[Role.LEADER], refund_ref="UNC-2")
    assert PaymentRequest.objects.get(pk=request.pk).status == PaymentStatus.REFUNDED
