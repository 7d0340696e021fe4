"""What the generated dossiers paid (dossiers.generator): one paid payment request per dossier
whose fees were paid at acceptance, so the payments list, the daily collection report and the
Decision 766 payment indicators have data. Online dossiers paid online (the gateway or a
VietQR transfer, in the shares below), counter dossiers in cash. Generated rows carry no audit
events of their own: the dossier's acceptance event stands for them, as for its fees."""

import random
from collections.abc import Sequence

from motcua.catalogue.constants import Channel
from motcua.payments.constants import Method, PaymentStatus, Purpose
from motcua.payments.models import CollectionAccount, PaymentRequest
from motcua.payments.services import REFERENCE_ALPHABET

from .models import Dossier, DossierFee

# How generated online dossiers paid: the gateway, a VietQR transfer, or at the counter anyway.
ONLINE_SHARES = ((Method.GATEWAY, 0.5), (Method.TRANSFER, 0.3), (Method.CASH, 0.2))


def accounts_by_agency() -> dict[int, int]:
    """The active collection account of each agency (the first one)."""
    accounts: dict[int, int] = {}
    for agency_id, pk in (
        CollectionAccount.objects.filter(active=True).order_by("id").values_list("agency_id", "pk")
    ):
        accounts.setdefault(agency_id, pk)
    return accounts


def paid_requests(
    batch: Sequence[tuple[Dossier, list[DossierFee]]],
    *,
    rng: random.Random,
    accounts: dict[int, int],
    taken: set[str],
) -> list[tuple[PaymentRequest, list[DossierFee]]]:
    """A paid request for each dossier of `batch` with paid fees (the fees it pays)."""
    made = []
    for dossier, fees in batch:
        paid = [fee for fee in fees if fee.paid_at is not None]
        if not paid:
            continue
        method = _method(dossier.channel, rng)
        reference = _reference(rng, taken)
        made.append(
            (
                PaymentRequest(
                    dossier_pk=dossier.pk,
                    dossier_code=dossier.code or dossier.reference or str(dossier.uid),
                    agency_id=dossier.receiving_agency_id,
                    account_id=accounts.get(dossier.receiving_agency_id),
                    purpose=Purpose.SUBMISSION,
                    description="; ".join(fee.description for fee in paid)[:2000],
                    amount=sum(fee.amount for fee in paid),
                    reference=reference,
                    status=PaymentStatus.PAID,
                    payer_name=dossier.applicant_name,
                    payer_id_number=dossier.applicant_id_number,
                    method=method,
                    gateway=_gateway(method),
                    transaction_ref=f"SINH{reference}",
                    paid_at=paid[0].paid_at,
                ),
                paid,
            )
        )
    return made


def _method(channel: str, rng: random.Random) -> str:
    if channel != Channel.ONLINE:
        return Method.CASH
    draw, total = rng.random(), 0.0
    for method, share in ONLINE_SHARES:
        total += share
        if draw < total:
            return method
    return Method.CASH


def _gateway(method: str) -> str:
    gateways: dict[str, str] = {Method.GATEWAY: "vnpay", Method.TRANSFER: "bank"}
    return gateways.get(method, "counter")


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        reference = "MC" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        if reference not in taken:
            taken.add(reference)
            return reference
