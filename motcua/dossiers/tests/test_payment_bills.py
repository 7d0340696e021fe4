"""What a dossier owes, as payment requests (dossiers.payment_bills), through the real acts:
registration bills the catalogue's fees, a procedure paid before acceptance waits for the
money online (not at the counter), refusal and withdrawal cancel what is unpaid, and
acceptance writes the dossier's code on its requests."""

from collections.abc import Iterator

import pytest
import time_machine

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel, FeeTiming
from motcua.catalogue.models import Fee
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act, DossierStatus, FeeStatus
from motcua.dossiers.models import Dossier, DossierFee
from motcua.dossiers.payments import payment_assess, payment_settle
from motcua.dossiers.services import ActInput, dossier_act, dossier_register
from motcua.payments.constants import Method, PaymentStatus, Purpose
from motcua.payments.models import PaymentRequest
from motcua.payments.services import REFERENCE_RE

from .conftest import Province, receive, vn

pytestmark = pytest.mark.django_db

NOW = vn(2026, 3, 9, 9, 0)


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def online_fees(province: Province, *amounts: int | None) -> None:
    channel = province.procedure.channels.get(channel=Channel.ONLINE)
    for position, amount in enumerate(amounts, start=1):
        Fee.objects.create(
            channel=channel, position=position, amount=amount, description=f"Phí {position}"
        )


def register_online(province: Province) -> Dossier:
    return dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
    )


def act(province: Province, dossier: Dossier, what: Act, who: str, **data) -> Dossier:
    return dossier_act(dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data))


def requests_of(dossier: Dossier) -> list[PaymentRequest]:
    return list(PaymentRequest.objects.filter(dossier_pk=dossier.pk))


def pay(request: PaymentRequest, ref: str = "FT26068123456") -> None:
    payment_settle(
        request=request,
        method=Method.TRANSFER,
        amount=request.amount,
        transaction_ref=ref,
        paid_at=NOW,
    )


# --- registration -----------------------------------------------------------------------------


def register_event(dossier: Dossier) -> AuditEvent:
    return AuditEvent.objects.get(chain=f"dossiers.dossier:{dossier.pk}", action="dossier.register")


def test_registration_bills_the_one_catalogue_fee(province):
    online_fees(province, 30_000)
    dossier = register_online(province)
    [request] = requests_of(dossier)
    assert (request.purpose, request.status, request.amount) == (
        Purpose.SUBMISSION,
        PaymentStatus.PENDING,
        30_000,
    )
    assert REFERENCE_RE.fullmatch(request.reference)
    assert request.description == "Phí 1"
    assert (request.payer_name, request.payer_id_number) == ("Nguyễn Văn An", "022090001234")
    assert (request.agency, request.dossier_code) == (province.commune, dossier.display_key)
    [fee] = DossierFee.objects.filter(dossier=dossier)
    assert (fee.amount, fee.payment_request) == (30_000, request)
    # The act's one event names the request it billed.
    assert register_event(dossier).data["billed"] == {
        "reference": request.reference,
        "amount": 30_000,
    }
    actions = AuditEvent.objects.filter(chain=f"dossiers.dossier:{dossier.pk}")
    assert list(actions.values_list("action", flat=True)) == ["dossier.register"]


def test_several_fee_lines_are_billed_once_assessed(province):
    """Several lines are often alternatives: nothing is billed at registration; the reception
    officer states how many of each, and one request bills the sum (a line stated without an
    amount is no line to bill)."""
    online_fees(province, 30_000, 2_000, 10_000, None)
    dossier = register_online(province)
    assert requests_of(dossier) == []
    assert "billed" not in register_event(dossier).data
    lines = {fee.amount: fee.pk for fee in DossierFee.objects.filter(dossier=dossier)}
    assert sorted(lines) == [2_000, 10_000, 30_000]
    with pytest.raises(DomainError) as refused:
        payment_assess(dossier=dossier, actor=province.users[Role.SPECIALIST], quantities={})
    assert refused.value.code == "act_not_permitted"
    request = payment_assess(
        dossier=dossier,
        actor=province.users[Role.RECEPTION_OFFICER],
        quantities={lines[30_000]: 1, lines[2_000]: 12, lines[10_000]: 0},  # 12 pages
    )
    assert request is not None
    assert (request.amount, request.status) == (30_000 + 12 * 2_000, PaymentStatus.PENDING)
    fees = DossierFee.objects.filter(dossier=dossier).order_by("id")
    assert [(fee.quantity, fee.amount, fee.status, fee.payment_request) for fee in fees] == [
        (1, 30_000, FeeStatus.DUE, request),
        (12, 24_000, FeeStatus.DUE, request),
        (1, 10_000, FeeStatus.WAIVED, None),
    ]
    assert requests_of(dossier) == [request]


def test_no_fees_no_request(province):
    """The online channel of the test procedure states no fee."""
    dossier = register_online(province)
    assert requests_of(dossier) == []
    assert not DossierFee.objects.filter(dossier=dossier).exists()


def test_a_counter_dossier_is_billed_the_counter_fee(province):
    dossier = receive(province)
    [request] = requests_of(dossier)
    assert request.amount == 30_000
    assert request.dossier_code == dossier.code  # accepted on the spot


def test_paying_the_request_pays_its_fees(province):
    online_fees(province, 30_000)
    dossier = register_online(province)
    [request] = requests_of(dossier)
    pay(request)
    fees = DossierFee.objects.filter(dossier=dossier)
    assert set(fees.values_list("status", "paid_at", "reference")) == {
        (FeeStatus.PAID, NOW, "FT26068123456")
    }


# --- fees paid before acceptance --------------------------------------------------------------


def before_acceptance(province: Province) -> None:
    province.procedure.fee_timing = FeeTiming.BEFORE_ACCEPTANCE
    province.procedure.save(update_fields=["fee_timing"])


def test_paid_before_acceptance_blocks_online_acceptance_until_paid(province):
    before_acceptance(province)
    online_fees(province, 30_000)
    dossier = register_online(province)
    with pytest.raises(DomainError) as refused:
        act(province, dossier, Act.ACCEPT, Role.RECEPTION_OFFICER)
    assert refused.value.code == "fees_unpaid"
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.code, fresh.version) == (
        DossierStatus.REGISTERED,
        None,
        dossier.version,
    )
    [request] = requests_of(dossier)
    pay(request)
    accepted = act(province, fresh, Act.ACCEPT, Role.RECEPTION_OFFICER)
    assert accepted.status == DossierStatus.ACCEPTED and accepted.code


def test_a_failed_payment_still_blocks_acceptance(province):
    before_acceptance(province)
    online_fees(province, 30_000)
    dossier = register_online(province)
    PaymentRequest.objects.filter(dossier_pk=dossier.pk).update(status=PaymentStatus.FAILED)
    with pytest.raises(DomainError) as refused:
        act(province, dossier, Act.ACCEPT, Role.RECEPTION_OFFICER)
    assert refused.value.code == "fees_unpaid"


def test_paid_before_acceptance_does_not_block_the_counter(province):
    """At the counter the applicant pays there and then: the officer accepts at once."""
    before_acceptance(province)
    dossier = receive(province)
    assert dossier.status == DossierStatus.ACCEPTED
    [request] = requests_of(dossier)
    assert request.status == PaymentStatus.PENDING


@pytest.mark.parametrize("timing", [FeeTiming.AT_ACCEPTANCE, FeeTiming.WITH_RESULT])
def test_other_timings_accept_online_unpaid(province, timing):
    province.procedure.fee_timing = timing
    province.procedure.save(update_fields=["fee_timing"])
    online_fees(province, 30_000)
    dossier = act(province, register_online(province), Act.ACCEPT, Role.RECEPTION_OFFICER)
    assert dossier.status == DossierStatus.ACCEPTED


# --- refusal and withdrawal -------------------------------------------------------------------


def test_refusal_cancels_what_is_unpaid(province):
    online_fees(province, 30_000)
    dossier = register_online(province)
    refused = act(
        province, dossier, Act.REFUSE, Role.RECEPTION_OFFICER, comment="Không đúng thẩm quyền"
    )
    assert refused.status == DossierStatus.NOT_ACCEPTED
    [request] = requests_of(dossier)
    assert request.status == PaymentStatus.CANCELLED
    assert set(DossierFee.objects.filter(dossier=dossier).values_list("status", flat=True)) == {
        FeeStatus.WAIVED
    }
    [event] = AuditEvent.objects.filter(
        chain=f"dossiers.dossier:{dossier.pk}", action="dossier.refuse"
    )
    assert event.data["cancelled_payments"] == [request.reference]


def test_withdrawal_cancels_what_is_unpaid_and_keeps_what_was_paid(province):
    """In processing, an obligation owed and the submission fee paid: the applicant withdraws.
    The unpaid obligation is cancelled; the paid fee stays paid (a refund is the officer's
    decision, dossiers.payments.payment_refund)."""
    dossier = act(province, receive(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    [submission] = requests_of(dossier)
    pay(submission)
    dossier = act(
        province,
        dossier,
        Act.REQUEST_FINANCIAL_OBLIGATION,
        Role.SPECIALIST,
        comment="Lệ phí trước bạ",
        amount=500_000,
    )
    obligation = PaymentRequest.objects.get(dossier_pk=dossier.pk, purpose=Purpose.OBLIGATION)
    withdrawn = act(province, dossier, Act.WITHDRAW, "citizen", comment="Không làm nữa")
    assert withdrawn.status == DossierStatus.WITHDRAWN
    submission.refresh_from_db()
    obligation.refresh_from_db()
    assert (submission.status, obligation.status) == (PaymentStatus.PAID, PaymentStatus.CANCELLED)
    fees = dict(DossierFee.objects.filter(dossier=dossier).values_list("purpose", "status"))
    assert fees == {Purpose.SUBMISSION: FeeStatus.PAID, Purpose.OBLIGATION: FeeStatus.WAIVED}


# --- acceptance renames -----------------------------------------------------------------------


def test_acceptance_writes_the_code_on_the_requests(province):
    online_fees(province, 30_000)
    dossier = register_online(province)
    [request] = requests_of(dossier)
    assert request.dossier_code == dossier.display_key != ""
    accepted = act(province, dossier, Act.ACCEPT, Role.RECEPTION_OFFICER)
    request.refresh_from_db()
    assert accepted.code and request.dossier_code == accepted.code
    assert request.dossier_code.startswith("000.00.01.H49-260309-")
