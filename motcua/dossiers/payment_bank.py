"""Money that reaches a collection account by bank transfer (docs/payments-bank.md).

A VietQR code only pre-fills a transfer; what says the money arrived is the bank: the account's
statement file, which an officer imports, or a notification the bank posts to our webhook
(wave2 §1.5, "Reconciliation"). Each credit becomes a payments.BankEntry, known by the bank's
transaction number (or a digest of the statement line without one), once per agency: the same
statement twice, a statement line already notified, a notification sent again are all
recognised and change nothing.

A credit pays a request only when it names exactly one payable request of the account's agency
and its amount is that request's to the đồng (payments.matching); the payment goes through
dossiers.payments.payment_settle like any other. Anything else waits in the reconciliation
queue with its reason; an officer assigns it to a request (only for the exact amount) or sets
it aside with a note. Nothing is ever paid silently.

No public specification of a Vietnamese bank's credit-notification API was found (banks give
theirs to contracted partners only), so the webhook is our own documented contract (JSON body,
HMAC-SHA256 signature) for a bank, a bank's integration partner or the agency's treasury system
to call.
"""

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import money, nfc
from motcua.payments.constants import EntrySource, EntryStatus, Method
from motcua.payments.matching import match
from motcua.payments.models import BankEntry, CollectionAccount, PaymentRequest, StatementImport
from motcua.payments.statements import VN_TZ, parse_statement

from . import states
from .payments import payment_settle

#: Who reconciles an agency's bank credits: its one-stop desk and its leaders.
RECONCILERS = states.RECEPTION | states.DECIDERS
NOTIFICATION_FIELDS = ("account_number", "bank_bin", "transaction_id", "amount", "booked_at")


class BadSignature(DomainError):
    """A bank notification whose signature does not verify: it is not from the bank."""

    def __init__(self) -> None:
        super().__init__(_("The notification's signature is not valid."), code="bad_signature")


def _check_officer(agency: Agency, actor: User) -> None:
    roles = set(actor.memberships.filter(agency=agency).values_list("role", flat=True))
    if not roles & RECONCILERS:
        raise DomainError(
            _("Only an officer of %(agency)s may reconcile its bank credits.") % {"agency": agency},
            code="act_not_permitted",
        )


def _bank_gateway(account: CollectionAccount) -> str:
    return f"bank:{account.bank.bin}"


# Entries ------------------------------------------------------------------------------------


def _free_key(account: CollectionAccount, key: str) -> tuple[str, BankEntry | None]:
    """The key to store a credit of `account` under, and the entry already there if this
    account has it. Keys are unique per agency; in the unlikely case another account of the
    agency has the same transaction number, this account's credit is keyed with its number."""
    taken = BankEntry.objects.filter(agency_id=account.agency_id, entry_key=key).first()
    if taken is None or taken.account_id == account.pk:
        return key, taken
    own = f"{account.bank.bin}:{account.account_number}:{key}"[:100]
    return own, BankEntry.objects.filter(agency_id=account.agency_id, entry_key=own).first()


def _entry_create(
    account: CollectionAccount,
    *,
    key: str,
    source: str,
    booked_at: datetime,
    amount: int,
    description: str,
    statement: StatementImport | None = None,
) -> tuple[BankEntry, bool]:
    """The new entry (True), or the one already recorded for this transaction (False)."""
    key, existing = _free_key(account, key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry = BankEntry.objects.create(
                account=account,
                agency_id=account.agency_id,
                source=source,
                statement=statement,
                entry_key=key,
                booked_at=booked_at,
                amount=amount,
                description=description,
                status=EntryStatus.QUEUED,
            )
    except IntegrityError:  # recorded meanwhile by a concurrent notification
        return BankEntry.objects.get(agency_id=account.agency_id, entry_key=key), False
    return entry, True


def _apply(entry: BankEntry, actor: User | None) -> str:
    """Pay the one request the credit matches (MATCHED) or queue it with the reason (QUEUED)."""
    account = entry.account
    assert account is not None  # a statement line or a notification
    found = match(account=account, amount=entry.amount, description=entry.description)
    reason = found.reason
    if found.request is not None:
        try:
            with transaction.atomic():
                payment_settle(
                    request=found.request,
                    method=Method.TRANSFER,
                    amount=entry.amount,
                    transaction_ref=entry.entry_key,
                    paid_at=entry.booked_at,
                    gateway=_bank_gateway(account),
                    actor=actor,
                )
        except DomainError as refused:  # paid or cancelled meanwhile
            reason = refused.message
        else:
            entry.status, entry.request, entry.reason = EntryStatus.MATCHED, found.request, ""
            entry.save(update_fields=["status", "request", "reason"])
            return EntryStatus.MATCHED
    entry.status, entry.reason = EntryStatus.QUEUED, reason[:255]
    entry.save(update_fields=["status", "reason"])
    return EntryStatus.QUEUED


# Statement files ----------------------------------------------------------------------------


def _already_imported(file_name: str) -> DomainError:
    return DomainError(
        _("This statement file was already imported for this account (“%(name)s”).")
        % {"name": file_name},
        code="statement_already_imported",
    )


def statement_import(
    *, account: CollectionAccount, content: bytes, file_name: str, actor: User
) -> StatementImport:
    """Import a statement file of `account`: each new credit line pays its request or joins
    the queue; lines already recorded count as duplicates. One transaction: a file that cannot
    be read in full (ValidationFailed) or was imported before changes nothing."""
    _check_officer(account.agency, actor)
    sha256 = hashlib.sha256(content).hexdigest()
    if StatementImport.objects.filter(account=account, sha256=sha256).exists():
        raise _already_imported(file_name)
    lines = parse_statement(
        content=content,
        file_name=file_name,
        columns=account.statement_columns or {},
        header_row=account.statement_header_row,
        date_format=account.statement_date_format,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                imported = StatementImport.objects.create(
                    account=account,
                    file_name=file_name[:255],
                    sha256=sha256,
                    imported_by=actor,
                    imported_at=timezone.now(),
                    lines=len(lines),
                )
        except IntegrityError as error:  # the same file, imported at the same moment
            raise _already_imported(file_name) from error
        counts: Counter[str] = Counter()
        for line in lines:
            if line.amount <= 0:
                continue  # a debit, or no credit on this line
            entry, created = _entry_create(
                account,
                key=line.entry_key,
                source=EntrySource.STATEMENT,
                booked_at=line.booked_at,
                amount=line.amount,
                description=line.description,
                statement=imported,
            )
            counts[_apply(entry, actor) if created else "duplicate"] += 1
        imported.matched = counts[EntryStatus.MATCHED]
        imported.queued = counts[EntryStatus.QUEUED]
        imported.duplicates = counts["duplicate"]
        imported.save(update_fields=["matched", "queued", "duplicates"])
        audit.record(
            action="payments.statement_import",
            actor=actor,
            subject=imported,
            data={
                "account": str(account),
                "file_name": imported.file_name,
                "sha256": sha256,
                "lines": imported.lines,
                "matched": imported.matched,
                "queued": imported.queued,
                "duplicates": imported.duplicates,
            },
        )
    return imported


# Bank notifications -------------------------------------------------------------------------


def _verify(body: bytes, signature: str) -> None:
    secret = settings.MOTCUA_BANK_WEBHOOK_SECRET
    if not secret:  # not configured: no notification can be trusted
        raise BadSignature()
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, (signature or "").strip().lower()):
        raise BadSignature()


def _bad(problem: str) -> ValidationFailed:
    return ValidationFailed(_("The notification is not valid: %(problem)s") % {"problem": problem})


def _notification(body: bytes) -> dict[str, Any]:
    """The checked fields of a notification body (docs/payments-bank.md)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _bad(_("the body is not JSON.")) from error
    if not isinstance(data, dict):
        raise _bad(_("the body is not a JSON object."))
    missing = [field for field in NOTIFICATION_FIELDS if data.get(field) in (None, "")]
    if missing:
        raise _bad(_("missing fields: %(fields)s.") % {"fields": ", ".join(missing)})
    amount = data["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise _bad(_("the amount is not a whole number of đồng."))
    transaction_id = str(data["transaction_id"]).strip()
    if not 0 < len(transaction_id) <= 100:
        raise _bad(_("the transaction_id is empty or longer than 100 characters."))
    try:
        booked_at = datetime.fromisoformat(str(data["booked_at"]))
    except ValueError as error:
        raise _bad(_("booked_at is not an ISO 8601 date and time.")) from error
    return {
        "account_number": str(data["account_number"]).strip(),
        "bank_bin": str(data["bank_bin"]).strip(),
        "transaction_id": transaction_id,
        "amount": amount,
        "description": " ".join(nfc(str(data.get("description") or "")).split()),
        "booked_at": booked_at if booked_at.tzinfo else booked_at.replace(tzinfo=VN_TZ),
    }


def bank_notification_receive(*, body: bytes, signature: str) -> BankEntry | None:
    """A bank says a transfer reached a collection account. The entry it made (or made
    before, for the same transaction), None for a debit. BadSignature when the signature
    does not verify, ValidationFailed for a malformed body, DomainError "unknown_account"
    for an account that is not ours; none of them changes anything."""
    _verify(body, signature)
    data = _notification(body)
    account = (
        CollectionAccount.objects.select_related("bank", "agency")
        .filter(bank__bin=data["bank_bin"], account_number=data["account_number"])
        .first()
    )
    if account is None:
        raise DomainError(
            _("No collection account %(number)s at the bank with BIN %(bin)s.")
            % {"number": data["account_number"], "bin": data["bank_bin"]},
            code="unknown_account",
        )
    if data["amount"] <= 0:
        return None
    with transaction.atomic():
        entry, created = _entry_create(
            account,
            key=data["transaction_id"],
            source=EntrySource.WEBHOOK,
            booked_at=data["booked_at"],
            amount=data["amount"],
            description=data["description"],
        )
        if not created:
            return entry
        _apply(entry, actor=None)
        audit.record(
            action="payments.bank_notification",
            subject=entry,
            data={
                "account": str(account),
                "transaction_id": entry.entry_key,
                "amount": entry.amount,
                "status": entry.status,
                "reason": entry.reason,
            },
        )
    return entry


# The reconciliation queue -------------------------------------------------------------------


def reconciliation_queue(*, agencies: Iterable[Agency]) -> QuerySet[BankEntry]:
    """The credits of these agencies waiting for an officer, oldest first."""
    return (
        BankEntry.objects.filter(
            agency__in=[agency.pk for agency in agencies], status=EntryStatus.QUEUED
        )
        .select_related("account__bank", "agency", "statement")
        .order_by("booked_at", "id")
    )


def _locked_queued(entry: BankEntry, actor: User) -> BankEntry:
    locked = (
        BankEntry.objects.select_for_update(of=("self",))  # the account may be null (PostgreSQL)
        .select_related("account__bank", "agency")
        .get(pk=entry.pk)
    )
    _check_officer(locked.agency, actor)
    if locked.status != EntryStatus.QUEUED:
        raise DomainError(
            _("This credit is no longer waiting: it is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="entry_not_queued",
        )
    return locked


def _settlement(entry: BankEntry) -> tuple[str, str, str]:
    """How an entry pays: (method, gateway, transaction reference)."""
    if entry.source == EntrySource.GATEWAY:  # "gateway:<gateway>:<transaction number>"
        _prefix, gateway, number = entry.entry_key.split(":", 2)
        return Method.GATEWAY, gateway, number
    assert entry.account is not None
    return Method.TRANSFER, _bank_gateway(entry.account), entry.entry_key


def _close(entry: BankEntry, *, status: str, actor: User, note: str, action: str) -> None:
    entry.status, entry.note = status, note
    entry.resolved_by, entry.resolved_at = actor, timezone.now()
    entry.save(update_fields=["status", "request", "note", "resolved_by", "resolved_at"])
    audit.record(
        action=action,
        actor=actor,
        subject=entry,
        data={
            "entry_key": entry.entry_key,
            "amount": entry.amount,
            "request": entry.request.reference if entry.request else "",
            "note": note,
        },
    )


def entry_resolve(*, entry: BankEntry, request: PaymentRequest, actor: User, note: str) -> None:
    """An officer says which request a queued credit pays. Only for the request's exact
    amount: a credit of another amount is never booked as the fee (the officer asks the payer
    to complete it or refunds it outside the system, then dismisses the credit)."""
    note = nfc(note).strip()
    with transaction.atomic():
        locked = _locked_queued(entry, actor)
        if request.agency_id != locked.agency_id:
            raise DomainError(
                _("Payment request %(reference)s is not collected by %(agency)s.")
                % {"reference": request.reference, "agency": locked.agency},
                code="not_ours",
            )
        if locked.amount != request.amount:
            raise DomainError(
                _(
                    "The credit is %(received)s đ but payment request %(reference)s asks "
                    "%(owed)s đ, so it cannot pay it. Ask the payer to transfer the exact "
                    "amount, or give the money back outside the system, then set this credit "
                    "aside with a note."
                )
                % {
                    "received": money(locked.amount),
                    "reference": request.reference,
                    "owed": money(request.amount),
                },
                code="wrong_amount",
            )
        method, gateway, reference = _settlement(locked)
        payment_settle(
            request=request,
            method=method,
            amount=locked.amount,
            transaction_ref=reference,
            paid_at=locked.booked_at,
            gateway=gateway,
            actor=actor,
            note=note,
        )
        locked.request = request
        _close(
            locked,
            status=EntryStatus.RESOLVED,
            actor=actor,
            note=note,
            action="payments.entry_resolve",
        )
    entry.refresh_from_db()


def entry_dismiss(*, entry: BankEntry, actor: User, note: str) -> None:
    """An officer sets a queued credit aside (not a fee, refunded, paid twice...), saying why."""
    note = nfc(note).strip()
    if not note:
        raise ValidationFailed(_("Say why this credit is set aside."))
    with transaction.atomic():
        locked = _locked_queued(entry, actor)
        _close(
            locked,
            status=EntryStatus.DISMISSED,
            actor=actor,
            note=note,
            action="payments.entry_dismiss",
        )
    entry.refresh_from_db()
