"""Bank transfers: statement import, the bank notification webhook, matching and the
reconciliation queue (docs/payments-bank.md)."""

import hashlib
import hmac
import io
import json
from typing import Any

import pytest
from openpyxl import Workbook

from motcua.accounts.constants import Role
from motcua.core.audit import first_broken_link
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.payment_bank import (
    bank_notification_receive,
    entry_dismiss,
    entry_resolve,
    reconciliation_queue,
    statement_import,
)
from motcua.payments.banks import bank_by_bin
from motcua.payments.constants import EntrySource, EntryStatus, Method, PaymentStatus, Purpose
from motcua.payments.matching import find_candidates, match
from motcua.payments.models import (
    BankEntry,
    CollectionAccount,
    PaymentRequest,
    StatementImport,
)
from motcua.payments.services import request_create

from .conftest import dossier_in_status


@pytest.fixture(autouse=True)
def english(english_pages):
    """The messages are matched in English (the installation's language is Vietnamese)."""


SECRET = "bank-webhook-test-secret"
VCB = "970436"
HEADINGS = ["STT", "Ngày GD", "Số bút toán", "Ghi nợ", "Ghi có", "Nội dung"]
COLUMNS = {
    "date": "Ngày GD",
    "amount": "Ghi có",
    "description": "Nội dung",
    "reference": "Số bút toán",
}


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.MOTCUA_BANK_WEBHOOK_SECRET = SECRET


@pytest.fixture
def account(province) -> CollectionAccount:
    return CollectionAccount.objects.create(
        agency=province.commune,
        bank=bank_by_bin(VCB),
        account_number="0011001234567",
        account_name="UBND XA A",
        statement_columns=COLUMNS,
        statement_header_row=1,
        statement_date_format="%d/%m/%Y",
    )


def owe(province, amount: int, *, agency=None, dossier=None) -> PaymentRequest:
    dossier = dossier or dossier_in_status(province, DossierStatus.IN_PROCESSING)
    return request_create(
        dossier_pk=dossier.pk,
        dossier_code=dossier.code,
        agency=agency or province.commune,
        purpose=Purpose.SUBMISSION,
        amount=amount,
        description="Lệ phí",
        payer_name=dossier.applicant_name,
    )


def csv_file(rows: list[list[Any]]) -> bytes:
    return "\n".join(",".join(str(cell) for cell in row) for row in [HEADINGS, *rows]).encode()


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in [HEADINGS, *rows]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def notify(account, *, transaction_id: str, amount: int, description: str, secret=SECRET):
    body = json.dumps(
        {
            "account_number": account.account_number,
            "bank_bin": account.bank.bin,
            "transaction_id": transaction_id,
            "amount": amount,
            "description": description,
            "booked_at": "2026-03-11T09:15:00+07:00",
        }
    ).encode()
    return body, hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def state() -> tuple:
    """Everything an import may change."""
    return (
        list(PaymentRequest.objects.order_by("pk").values_list("status", "transaction_ref")),
        list(BankEntry.objects.order_by("pk").values_list("entry_key", "status", "request")),
        StatementImport.objects.count(),
        AuditEvent.objects.count(),
    )


def paid_events(request: PaymentRequest) -> int:
    return AuditEvent.objects.filter(
        chain=f"dossiers.dossier:{request.dossier_pk}", action="payment.paid"
    ).count()


# The done-means test ------------------------------------------------------------------------


def test_a_statement_pays_exact_matches_queues_the_rest_and_imports_once(province, account):
    officer = province.users[Role.RECEPTION_OFFICER]
    exact, short, notified, by_code = (
        owe(province, n) for n in (500_000, 200_000, 300_000, 80_000)
    )
    # The bank already notified FT003 (it paid `notified`); the statement lists it again.
    body, signature = notify(
        account, transaction_id="FT003", amount=300_000, description=notified.reference
    )
    bank_notification_receive(body=body, signature=signature)
    compact_code = by_code.dossier_code.replace(".", "").replace("-", "")
    rows = [
        [1, "11/03/2026", "FT001", "", "500.000", f"{exact.reference} NOP LE PHI"],
        [2, "11/03/2026", "FT002", "", "100.000", "CHUYEN TIEN"],
        [3, "11/03/2026", "FT001", "", "500.000", f"{exact.reference} NOP LE PHI"],
        [4, "11/03/2026", "FT003", "", "300.000", notified.reference],
        [5, "11/03/2026", "FT004", "", "150.000", f"thanh toan {short.reference.lower()}"],
        [6, "11/03/2026", "FT005", "20.000", "", "PHI SMS"],
        [7, "12/03/2026", "", "", "80.000", f"HS {compact_code} NOP PHI"],
    ]
    content = csv_file(rows)

    imported = statement_import(
        account=account, content=content, file_name="saoke.csv", actor=officer
    )

    assert (imported.lines, imported.matched, imported.queued, imported.duplicates) == (7, 2, 2, 2)
    for request in (exact, short, notified, by_code):
        request.refresh_from_db()
    assert (exact.status, exact.method, exact.gateway, exact.transaction_ref) == (
        PaymentStatus.PAID,
        Method.TRANSFER,
        f"bank:{VCB}",
        "FT001",
    )
    assert by_code.status == PaymentStatus.PAID
    assert short.status == PaymentStatus.PENDING  # 150.000 đ for 200.000 đ is not a payment
    assert notified.transaction_ref == "FT003" and paid_events(notified) == 1
    assert paid_events(exact) == 1
    entries = {e.entry_key: e for e in BankEntry.objects.filter(statement=imported)}
    assert {key: e.status for key, e in entries.items() if not key.startswith("sha256:")} == {
        "FT001": EntryStatus.MATCHED,
        "FT002": EntryStatus.QUEUED,
        "FT004": EntryStatus.QUEUED,
    }
    assert entries["FT001"].request == exact
    assert "no payment reference" in entries["FT002"].reason
    assert "150.000" in entries["FT004"].reason and "200.000" in entries["FT004"].reason
    assert BankEntry.objects.filter(entry_key="FT005").count() == 0  # a debit is not kept
    assert BankEntry.objects.filter(entry_key="FT003").get().source == EntrySource.WEBHOOK
    queue = reconciliation_queue(agencies=[province.commune])
    assert sorted(queue.values_list("entry_key", flat=True)) == ["FT002", "FT004"]
    event = AuditEvent.objects.get(action="payments.statement_import")
    assert event.chain == "" and event.data["matched"] == 2 and event.data["duplicates"] == 2
    assert first_broken_link() is None

    # The same file again: refused, and nothing changes.
    before = state()
    with pytest.raises(DomainError) as again:
        statement_import(account=account, content=content, file_name="saoke.csv", actor=officer)
    assert again.value.code == "statement_already_imported"
    assert state() == before

    # The same lines in another export (XLSX): every credit is already known.
    other = statement_import(
        account=account, content=xlsx_file(rows), file_name="saoke.xlsx", actor=officer
    )
    assert (other.lines, other.matched, other.queued, other.duplicates) == (7, 0, 0, 6)
    assert state()[:2] == before[:2]


def test_an_unreadable_statement_imports_nothing(province, account):
    owed = owe(province, 500_000)
    rows = [
        [1, "11/03/2026", "FT001", "", "500.000", owed.reference],
        [2, "31/02/2026", "FT002", "", "100.000", "x"],
    ]
    before = state()

    with pytest.raises(ValidationFailed) as refused:
        statement_import(
            account=account,
            content=csv_file(rows),
            file_name="a.csv",
            actor=province.users[Role.RECEPTION_OFFICER],
        )

    assert refused.value.errors[0].startswith("Row 3")
    assert state() == before


def test_only_the_agencys_officers_import_its_statements(province, account):
    for user in (province.users["outsider"], province.users["citizen"]):
        with pytest.raises(DomainError) as refused:
            statement_import(account=account, content=csv_file([]), file_name="a", actor=user)
        assert refused.value.code == "act_not_permitted"
    assert StatementImport.objects.count() == 0


# The webhook --------------------------------------------------------------------------------


def test_a_signed_notification_pays_once_however_often_it_comes(province, account):
    owed = owe(province, 250_000)
    body, signature = notify(
        account, transaction_id="9001", amount=250_000, description=f"{owed.reference} phi"
    )

    first = bank_notification_receive(body=body, signature=signature)
    second = bank_notification_receive(body=body, signature=signature.upper())

    assert first is not None and second is not None and first.pk == second.pk
    assert first.status == EntryStatus.MATCHED and first.source == EntrySource.WEBHOOK
    owed.refresh_from_db()
    assert owed.status == PaymentStatus.PAID and owed.recorded_by is None
    assert paid_events(owed) == 1
    assert BankEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="payments.bank_notification").count() == 1


@pytest.mark.parametrize(
    "forge",
    [
        lambda body, sig: (body, "0" * 64),
        lambda body, sig: (body.replace(b"250000", b"350000"), sig),
        lambda body, sig: (body, ""),
        lambda body, sig: (body, hmac.new(b"other", body, hashlib.sha256).hexdigest()),
    ],
    ids=["zeros", "tampered", "missing", "other-key"],
)
def test_a_forged_notification_changes_nothing(province, account, forge):
    owed = owe(province, 250_000)
    body, signature = forge(
        *notify(account, transaction_id="9002", amount=250_000, description=owed.reference)
    )
    before = state()

    with pytest.raises(DomainError) as refused:
        bank_notification_receive(body=body, signature=signature)

    assert refused.value.code == "bad_signature"
    assert state() == before


def test_without_a_secret_no_notification_is_trusted(province, account, settings):
    settings.MOTCUA_BANK_WEBHOOK_SECRET = ""
    body, _signature = notify(account, transaction_id="1", amount=1, description="x")
    unsigned = hmac.new(b"", body, hashlib.sha256).hexdigest()

    with pytest.raises(DomainError) as refused:
        bank_notification_receive(body=body, signature=unsigned)

    assert refused.value.code == "bad_signature"


def signed(payload: dict) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


GOOD = {
    "account_number": "0011001234567",
    "bank_bin": VCB,
    "transaction_id": "77",
    "amount": 1000,
    "description": "x",
    "booked_at": "2026-03-11T09:15:00+07:00",
}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ([1, 2], "validation_failed"),
        (GOOD | {"amount": "1000"}, "validation_failed"),
        (GOOD | {"amount": 10.5}, "validation_failed"),
        (GOOD | {"booked_at": "hôm qua"}, "validation_failed"),
        ({k: v for k, v in GOOD.items() if k != "transaction_id"}, "validation_failed"),
        (GOOD | {"account_number": "999"}, "unknown_account"),
        (GOOD | {"bank_bin": "970418"}, "unknown_account"),
    ],
)
def test_a_bad_notification_is_refused(province, account, payload, code):
    body, signature = signed(payload)
    before = state()

    with pytest.raises(DomainError) as refused:
        bank_notification_receive(body=body, signature=signature)

    assert refused.value.code == code
    assert state() == before


def test_a_debit_notification_is_ignored(province, account):
    body, signature = signed(GOOD | {"amount": -5000})

    assert bank_notification_receive(body=body, signature=signature) is None
    assert BankEntry.objects.count() == 0


def test_a_notification_for_an_unpaid_reference_of_another_amount_waits(province, account):
    owed = owe(province, 250_000)
    body, signature = notify(account, transaction_id="9", amount=25_000, description=owed.reference)

    entry = bank_notification_receive(body=body, signature=signature)

    assert entry is not None and entry.status == EntryStatus.QUEUED
    assert "25.000" in entry.reason and "250.000" in entry.reason
    owed.refresh_from_db()
    assert owed.status == PaymentStatus.PENDING


# Matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "references", "codes"),
    [
        ("MC7K2QX9PA 000.00.01.H49-260311-0001", ["MC7K2QX9PA"], ["000.00.01.H49-260311-0001"]),
        ("nop phi mc7k2qx9pa", ["MC7K2QX9PA"], []),
        ("NOPPHIMC7K2QX9PAHS", ["MC7K2QX9PA"], []),
        ("MC 7K2Q X9PA", ["MC7K2QX9PA"], []),
        ("HS 00000001H492603110001 TT", [], ["000.00.01.H49-260311-0001"]),
        ("0912345678 000.00.01.h49-260311-0001 500000", [], ["000.00.01.H49-260311-0001"]),
        ("MC1234567O chuyen tien", [], []),  # 1 and O are not in the alphabet
        ("", [], []),
    ],
)
def test_candidates_survive_what_banks_do_to_descriptions(description, references, codes):
    found_references, found_codes = find_candidates(description)

    assert (found_references, found_codes) == (references, codes)


def test_match_reasons(province, account):
    paid, pending = owe(province, 100_000), owe(province, 100_000)
    PaymentRequest.objects.filter(pk=paid.pk).update(status=PaymentStatus.PAID)
    elsewhere = owe(province, 100_000, agency=province.other_commune)
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    twice = [owe(province, 10_000, dossier=dossier), owe(province, 20_000, dossier=dossier)]

    def reason(description: str, amount: int = 100_000) -> str:
        found = match(account=account, amount=amount, description=description)
        assert found.request is None
        return found.reason

    assert match(account=account, amount=100_000, description=pending.reference).request == pending
    assert "already paid" in reason(paid.reference)
    assert "another agency" in reason(elsewhere.reference)
    assert "several" in reason(f"{pending.reference} {paid.reference}")
    assert "2 payment requests waiting" in reason(twice[0].dossier_code, 10_000)
    assert "no payment reference" in reason("MCAAAAAAAA")  # a well-formed unknown reference
    assert "100.001" in reason(pending.reference, 100_001)


# The queue ----------------------------------------------------------------------------------


def queued(province, account, amount: int, transaction_id: str) -> BankEntry:
    body, signature = notify(
        account, transaction_id=transaction_id, amount=amount, description="CHUYEN TIEN"
    )
    entry = bank_notification_receive(body=body, signature=signature)
    assert entry is not None and entry.status == EntryStatus.QUEUED
    return entry


def test_an_officer_assigns_a_queued_credit_of_the_exact_amount(province, account):
    owed = owe(province, 120_000)
    entry = queued(province, account, 120_000, "Q1")
    officer = province.users[Role.RECEPTION_OFFICER]

    entry_resolve(entry=entry, request=owed, actor=officer, note="Người nộp gọi điện xác nhận")

    assert entry.status == EntryStatus.RESOLVED and entry.request == owed
    assert entry.resolved_by == officer and entry.resolved_at is not None
    owed.refresh_from_db()
    assert (owed.status, owed.transaction_ref, owed.recorded_by) == (
        PaymentStatus.PAID,
        "Q1",
        officer,
    )
    assert AuditEvent.objects.filter(action="payments.entry_resolve").count() == 1
    assert not reconciliation_queue(agencies=[province.commune]).exists()
    with pytest.raises(DomainError) as again:
        entry_resolve(entry=entry, request=owed, actor=officer, note="")
    assert again.value.code == "entry_not_queued"


def test_a_queued_credit_never_pays_another_amount(province, account):
    owed = owe(province, 120_000)
    entry = queued(province, account, 100_000, "Q2")
    before = state()

    with pytest.raises(DomainError) as refused:
        entry_resolve(
            entry=entry,
            request=owed,
            actor=province.users[Role.LEADER],
            note="Thiếu 20.000 đ, đã báo người nộp",
        )

    assert refused.value.code == "wrong_amount"
    assert "100.000" in refused.value.message and "120.000" in refused.value.message
    assert state() == before


def test_resolve_checks_the_officer_and_the_request(province, account):
    entry = queued(province, account, 100_000, "Q3")
    ours = owe(province, 100_000)
    elsewhere = owe(province, 100_000, agency=province.other_commune)
    before = state()

    for actor, request, code in [
        (province.users["outsider"], ours, "act_not_permitted"),
        (province.users[Role.SUPERVISOR], ours, "act_not_permitted"),
        (province.users[Role.RECEPTION_OFFICER], elsewhere, "not_ours"),
    ]:
        with pytest.raises(DomainError) as refused:
            entry_resolve(entry=entry, request=request, actor=actor, note="")
        assert refused.value.code == code
    assert state() == before


def test_an_officer_sets_a_credit_aside_with_a_note(province, account):
    entry = queued(province, account, 70_000, "Q4")
    officer = province.users[Role.RECEPTION_OFFICER]

    with pytest.raises(ValidationFailed):
        entry_dismiss(entry=entry, actor=officer, note="  ")
    with pytest.raises(DomainError) as refused:
        entry_dismiss(entry=entry, actor=province.users["outsider"], note="không phải phí")
    assert refused.value.code == "act_not_permitted"
    assert BankEntry.objects.get(pk=entry.pk).status == EntryStatus.QUEUED

    entry_dismiss(entry=entry, actor=officer, note="Chuyển nhầm, đã hoàn trả qua ngân hàng")

    assert entry.status == EntryStatus.DISMISSED and entry.resolved_by == officer
    assert entry.note == "Chuyển nhầm, đã hoàn trả qua ngân hàng"
    event = AuditEvent.objects.get(action="payments.entry_dismiss")
    assert event.actor == officer and event.data["note"] == entry.note
    assert not reconciliation_queue(agencies=[province.commune]).exists()


def test_the_queue_shows_each_agency_its_own(province, account):
    queued(province, account, 70_000, "Q5")

    assert reconciliation_queue(agencies=[province.commune]).count() == 1
    assert reconciliation_queue(agencies=[province.other_commune]).count() == 0
