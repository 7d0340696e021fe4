"""The demo's payments set-up: a collection account and an e-receipt book for each demo agency
that receives dossiers, and the procedure whose fee is paid before acceptance.

Everything here is fictional and says so: the account numbers are made up on real bank BINs
(motcua/payments/data/banks.json) and the receipt form and series are the demo's own (a real
collector registers its own with the tax authority, Decree 123/2020 Art. 34). Payments in the
demo go to the installation's VNPAY simulator (MOTCUA_PAYMENT_SIMULATOR), never to a bank.
Loaded once: an agency that already has an account or a book keeps it.
"""

from datetime import datetime

from motcua.accounts.models import Agency, User
from motcua.catalogue.constants import FeeTiming
from motcua.catalogue.models import Procedure
from motcua.deadlines.calendar import local
from motcua.payments.banks import banks_load
from motcua.payments.models import Bank, CollectionAccount, ReceiptBook

from .seed import CENTRE_DEPARTMENT, COMMUNE

# agency key -> (bank BIN, the made-up account number, the account's name)
ACCOUNTS = {
    COMMUNE: ("970415", "113000686868", "UBND PHUONG HA LONG - TK THU PHI (DEMO)"),
    CENTRE_DEPARTMENT: ("970436", "0011004455667", "SO TU PHAP QUANG NINH - TK THU PHI (DEMO)"),
}
RECEIPT_FORM = "DEMO-01"  # the demo's own form number and series (see the module doc)
RECEIPT_SERIES = "DM{yy}E"
# The demo's procedure paid before acceptance (a province sets it per procedure in the admin):
# copies of civil status extracts, whose fee the online applicant pays when submitting.
PAID_BEFORE_ACCEPTANCE = ("2.000635",)
EXTRACT_COPIES = "2.000635"


def load(now: datetime) -> None:
    banks_load()
    for key, (bin_code, number, name) in ACCOUNTS.items():
        agency = Agency.objects.filter(slug=key).first()
        bank = Bank.objects.filter(bin=bin_code).first()
        if agency is None or bank is None:
            continue
        if not CollectionAccount.objects.filter(agency=agency).exists():
            CollectionAccount.objects.create(
                agency=agency,
                bank=bank,
                account_number=number,
                account_name=name,
                statement_columns={
                    "date": "Ngày giao dịch",
                    "amount": "Số tiền ghi có",
                    "description": "Nội dung",
                    "reference": "Số tham chiếu",
                },
            )
        year = local(now).year
        if not ReceiptBook.objects.filter(agency=agency).exists():
            ReceiptBook.objects.create(
                agency=agency,
                form_symbol=RECEIPT_FORM,
                series=RECEIPT_SERIES.format(yy=f"{year % 100:02d}"),
                year=year,
            )
    Procedure.objects.filter(national_code__in=PAID_BEFORE_ACCEPTANCE).update(
        fee_timing=FeeTiming.BEFORE_ACCEPTANCE
    )


def import_statement(now: datetime) -> None:
    """The ward's officer imported today's statement of its account: one transfer without a
    payment reference, which waits in the reconciliation queue (`tiepnhanxa` assigns it to a
    request or sets it aside)."""
    from motcua.dossiers.payment_bank import statement_import

    account = CollectionAccount.objects.filter(agency__slug=COMMUNE).first()
    officer = User.objects.filter(username="tiepnhanxa").first()
    if account is None or officer is None or account.statementimport_set.exists():
        return
    day = local(now).strftime("%d/%m/%Y")
    content = (
        "Ngày giao dịch;Số tham chiếu;Số tiền ghi có;Nội dung\n"
        f"{day};DEMO2612070001;8000;NGUYEN THI LAN NOP PHI BAN SAO TRICH LUC KHAI SINH\n"
    ).encode()
    statement_import(account=account, content=content, file_name="sao-ke-demo.csv", actor=officer)
