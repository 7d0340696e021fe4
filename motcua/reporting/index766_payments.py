"""The payment indicators of the Decision 766 index, from the payment requests (domain-vn §1.6:
"share of fee-charging procedures with online-payment transactions" and "online payment share
= paid requests with method 'online' / fee-bearing dossiers" [code S2]).

- A **fee-bearing dossier** was received (accepted) in the period in scope and has at least one
  payment request for its fees and charges or a financial obligation that was not cancelled
  (pending, failed, expired, paid or refunded: it was asked to pay). Postage for the result is
  the post's price for a delivery the applicant chose, not a fee of the procedure: it does not
  make a dossier fee-bearing.
- A dossier is **paid online** when one of those requests was paid by an online method
  (payments.constants.ONLINE_METHODS: gateway or bank transfer), whenever it was paid; a
  request refunded later was still paid online.
- A **fee-charging procedure** is one with at least one fee-bearing dossier in the period: the
  procedures that charged a fee in this scope and period. The catalogue's fee lines are not
  used, because a fee there may have no amount ("as the law says") or apply only in some
  cases; what the dossiers were asked to pay is what the index can measure.
- A fee-charging procedure **had online payments** when a request of one of its dossiers in
  scope was paid by an online method within the period.

Both shares come from one aggregate query over the period's received dossiers; the requests
are joined on ``PaymentRequest.dossier_pk`` (a plain column, payments sits below dossiers) and
the payments of the period are found through the (agency, status, paid_at) index — a request's
agency is the dossier's receiving agency (dossiers.payment_bills).

Public interface: ``payment_inputs(*, dossiers, scope, begin, stop)``.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.dossiers.models import Dossier
from motcua.payments.constants import ONLINE_METHODS, PaymentStatus, Purpose
from motcua.payments.models import PaymentRequest

#: What a dossier is asked to pay that makes it fee-bearing (not postage).
FEE_PURPOSES = (Purpose.SUBMISSION, Purpose.OBLIGATION)
#: A request in these states was paid (a refund later does not undo how it was paid).
PAID_STATUSES = (PaymentStatus.PAID, PaymentStatus.REFUNDED)


def _fee_requests() -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.order_by()
        .filter(purpose__in=FEE_PURPOSES)
        .exclude(status=PaymentStatus.CANCELLED)
    )


def _paid_online() -> QuerySet[PaymentRequest]:
    return _fee_requests().filter(
        status__in=PAID_STATUSES, method__in=sorted(ONLINE_METHODS), paid_at__isnull=False
    )


def payment_inputs(
    *, dossiers: QuerySet[Dossier], scope: set[int] | None, begin: datetime, stop: datetime
) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of ``payment_procedures`` and ``online_payment`` for the
    dossiers in scope (`dossiers`, already narrowed to the receiving agencies of `scope`;
    `scope` None: all) received in [`begin`, `stop`)."""
    fee_bearing = dossiers.filter(
        Exists(_fee_requests().filter(dossier_pk=OuterRef("pk"))),
        accepted_at__gte=begin,
        accepted_at__lt=stop,
    )
    paid_in_period = _paid_online().filter(paid_at__gte=begin, paid_at__lt=stop)
    if scope is not None:
        paid_in_period = paid_in_period.filter(agency_id__in=scope)
    procedures_paid = dossiers.filter(pk__in=paid_in_period.values("dossier_pk")).values(
        "procedure_id"
    )
    paid_online = _paid_online().filter(dossier_pk=OuterRef("pk"))
    counts = fee_bearing.aggregate(
        procedures=Count("procedure_id", distinct=True),
        procedures_paid=Count(
            "procedure_id", distinct=True, filter=Q(procedure_id__in=procedures_paid)
        ),
        dossiers=Count("pk"),
        dossiers_paid=Count("pk", filter=Q(Exists(paid_online))),
    )
    return {
        "payment_procedures": (counts["procedures_paid"], counts["procedures"]),
        "online_payment": (counts["dossiers_paid"], counts["dossiers"]),
    }
