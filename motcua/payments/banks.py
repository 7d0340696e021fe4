"""The banks whose BIN could be checked in public lists (data/banks.json; docs/payments.md).
The migration 0002_banks loads them into a new database; `banks_load` puts back any that are
missing (a database emptied by hand, or by tests that flush their tables)."""

import json
from pathlib import Path

from .models import Bank

BANKS_FILE = Path(__file__).resolve().parent / "data" / "banks.json"


def banks_load() -> int:
    """Add the shipped banks that are missing (existing rows are left as they are); how many."""
    known = set(Bank.objects.values_list("bin", flat=True))
    rows = json.loads(BANKS_FILE.read_text(encoding="utf-8"))
    missing = [Bank(**row) for row in rows if row["bin"] not in known]
    Bank.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def bank_by_bin(bin_code: str) -> Bank:
    """The bank with this BIN, from the shipped list if it is not in the database."""
    bank = Bank.objects.filter(bin=bin_code).first()
    if bank is None:
        banks_load()
        bank = Bank.objects.get(bin=bin_code)
    return bank
