import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from django.db import connection, connections, transaction
from django.utils import translation

from motcua.accounts.constants import AgencyKind, Level
from motcua.accounts.models import Agency
from motcua.core.errors import DomainError
from motcua.dossiers.models import DossierCodeCounter
from motcua.dossiers.services import dossier_code_next

DAY = date(2025, 9, 21)
CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")


class Rollback(Exception):
    pass


def make_agency(identifier="000.00.00.H49", slug="ubnd-tinh"):
    return Agency.objects.create(
        slug=slug,
        identifier=identifier,
        name=f"Cơ quan {slug}",
        kind=AgencyKind.SERVICE_CENTRE,
        level=Level.PROVINCE,
    )


@pytest.fixture
def agency(db):
    return make_agency()


def test_code_has_the_circular_01_2018_form(agency):
    code = dossier_code_next(agency=agency, received_on=DAY)
    assert code == "000.00.00.H49-250921-0001"
    assert CODE.match(code)


def test_numbers_follow_each_other(agency):
    codes = [dossier_code_next(agency=agency, received_on=DAY) for _ in range(3)]
    assert [code[-4:] for code in codes] == ["0001", "0002", "0003"]


def test_counter_starts_again_each_day(agency):
    dossier_code_next(agency=agency, received_on=DAY)
    dossier_code_next(agency=agency, received_on=DAY)
    assert dossier_code_next(agency=agency, received_on=date(2025, 9, 22)).endswith("-250922-0001")


def test_each_agency_has_its_own_counter(agency):
    other = make_agency(identifier="000.00.53.H48", slug="ubnd-xa")
    dossier_code_next(agency=agency, received_on=DAY)
    assert dossier_code_next(agency=other, received_on=DAY) == "000.00.53.H48-250921-0001"
    assert dossier_code_next(agency=agency, received_on=DAY).endswith("-0002")


def test_a_rolled_back_number_is_given_again(agency):
    dossier_code_next(agency=agency, received_on=DAY)
    with pytest.raises(Rollback), transaction.atomic():
        assert dossier_code_next(agency=agency, received_on=DAY).endswith("-0002")
        raise Rollback
    assert dossier_code_next(agency=agency, received_on=DAY).endswith("-0002")


def test_a_rolled_back_first_number_of_the_day_is_given_again(agency):
    with pytest.raises(Rollback), transaction.atomic():
        dossier_code_next(agency=agency, received_on=DAY)
        raise Rollback
    assert not DossierCodeCounter.objects.exists()
    assert dossier_code_next(agency=agency, received_on=DAY).endswith("-0001")


def test_agency_without_identifier_cannot_number(db):
    agency = make_agency(identifier="")
    with translation.override("vi"), pytest.raises(DomainError) as error:
        dossier_code_next(agency=agency, received_on=DAY)
    assert error.value.code == "agency_without_identifier"
    assert "mã định danh" in error.value.message
    assert not DossierCodeCounter.objects.exists()


def test_the_last_four_digit_number_is_9999(agency):
    DossierCodeCounter.objects.create(agency=agency, day=DAY, last_number=9998)
    assert dossier_code_next(agency=agency, received_on=DAY).endswith("-9999")
    with translation.override("vi"), pytest.raises(DomainError) as error:
        dossier_code_next(agency=agency, received_on=DAY)
    assert error.value.code == "dossier_code_exhausted"
    assert "9999" in error.value.message and "21/09/2025" in error.value.message
    assert DossierCodeCounter.objects.get().last_number == 9999


def test_a_datetime_is_not_a_day_of_receipt(agency):
    with pytest.raises(TypeError):
        dossier_code_next(agency=agency, received_on=datetime(2025, 9, 21, 8, 0, tzinfo=UTC))


@pytest.mark.django_db(transaction=True)
def test_must_run_inside_a_transaction():
    agency = make_agency()
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        dossier_code_next(agency=agency, received_on=DAY)
    assert not DossierCodeCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_take_unique_gap_free_numbers():
    """Eight threads, each in its own transactions, start together on a day without a counter
    row (so they also race to create it); every third transaction rolls back."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    agency = make_agency()
    threads, rounds = 8, 6
    start = threading.Barrier(threads)

    def take(n: int) -> list[str]:
        committed = []
        try:
            start.wait()
            for i in range(rounds):
                try:
                    with transaction.atomic():
                        code = dossier_code_next(agency=agency, received_on=DAY)
                        if (n + i) % 3 == 0:
                            raise Rollback
                    committed.append(code)
                except Rollback:
                    pass
        finally:
            connections.close_all()
        return committed

    with ThreadPoolExecutor(max_workers=threads) as pool:
        codes = [code for result in pool.map(take, range(threads)) for code in result]
    expected = [f"000.00.00.H49-250921-{n:04d}" for n in range(1, len(codes) + 1)]
    assert len(codes) == 32  # 48 transactions, 16 rolled back
    assert sorted(codes) == expected
    assert DossierCodeCounter.objects.get().last_number == len(codes)
