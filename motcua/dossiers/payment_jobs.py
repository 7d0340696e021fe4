"""The worker's payments sweep (every few minutes): gateway orders left pending past their
expiry are asked about once more (a lost notification), and paid requests whose e-receipt could
not be issued at the time are issued now."""

from datetime import timedelta

from motcua.notifications.periodic import register_job

from .payment_gateway import attempts_sweep
from .payments import deliver_receipt

JOB = "payments.sweep"
EVERY = timedelta(minutes=5)


def payments_sweep() -> dict[str, int]:
    from .payment_receipts import receipts_missing

    asked = attempts_sweep()
    missing = receipts_missing()
    for request_pk in missing:
        deliver_receipt(request_pk)
    return {"orders_checked": asked, "receipts_retried": len(missing)}


def register() -> None:
    register_job(JOB, payments_sweep, every=EVERY)
