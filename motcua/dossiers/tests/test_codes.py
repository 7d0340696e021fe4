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
from motcua.dossiers.codes import dossier_code_next, numbering_agency, numbering_filter
from motcua.dossiers.models import DossierCodeCounter

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


# --- numbering with the nearest ancestor's code ----------------------------------------------
# Circular 01/2018 Art. 19: the code begins with the receiving agency's identifier (QCVN
# 102:2016). No text says how an agency without one numbers: unconfirmed, setting
# MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER (default on).
ART_19 = "Circular 01/2018 Art. 19"
ANCESTOR = "unconfirmed, setting MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER"


def make_tree(codes: dict[str, str]) -> dict[str, Agency]:
    """A chain province > centre > department > office > desk (4 levels below the province),
    each with the code given (or none)."""
    agencies: dict[str, Agency] = {}
    parent = None
    for slug in ("province", "centre", "department", "office", "desk"):
        parent = agencies[slug] = Agency.objects.create(
            slug=slug,
            identifier=codes.get(slug, ""),
            name=f"Cơ quan {slug}",
            kind=AgencyKind.SERVICE_CENTRE,
            level=Level.PROVINCE,
            parent=parent,
        )
    return agencies


@pytest.mark.parametrize(
    ("setting", "codes", "receiving", "numbering", "source"),
    [
        (True, {"province": "000.00.00.H49"}, "province", "province", ART_19),
        (False, {"province": "000.00.00.H49"}, "province", "province", ART_19),
        (True, {"province": "000.00.00.H49"}, "centre", "province", ANCESTOR),
        (True, {"province": "000.00.00.H49"}, "department", "province", ANCESTOR),
        (True, {"province": "000.00.00.H49"}, "office", "province", ANCESTOR),
        (True, {"province": "000.00.00.H49"}, "desk", None, ANCESTOR + ": 3 levels at most"),
        (True, {"province": "000.00.00.H49", "department": "000.00.86.H49"}, "office",
         "department", ANCESTOR + ": the nearest"),
        (True, {"province": "000.00.00.H49", "department": "000.00.86.H49"}, "department",
         "department", ART_19 + ": its own code first"),
        (False, {"province": "000.00.00.H49"}, "centre", None, ANCESTOR + " off"),
        (True, {}, "department", None, ANCESTOR + ": no coded ancestor"),
    ],
)  # fmt: skip
def test_which_agency_numbers(db, settings, setting, codes, receiving, numbering, source):
    settings.MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER = setting
    agencies = make_tree(codes)
    agency = agencies[receiving]
    found = numbering_agency(agency)
    assert (found.slug if found else None) == numbering, source
    offered = Agency.objects.filter(numbering_filter())
    assert offered.filter(pk=agency.pk).exists() == (numbering is not None), source
    if numbering is None:
        with translation.override("vi"), pytest.raises(DomainError) as error:
            dossier_code_next(agency=agency, received_on=DAY)
        assert error.value.code == "agency_without_identifier", source
        assert not DossierCodeCounter.objects.exists()
    else:
        code = dossier_code_next(agency=agency, received_on=DAY)
        assert code == f"{codes[numbering]}-250921-0001", source
        assert DossierCodeCounter.objects.get().agency == agencies[numbering]


def test_the_filter_agrees_with_numbering_agency(db, settings):
    make_tree({"province": "000.00.00.H49", "office": "000.01.86.H49"})
    for setting, expected in ((True, 5), (False, 2)):
        settings.MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER = setting
        offered = set(Agency.objects.filter(numbering_filter()).values_list("slug", flat=True))
        numbering = {a.slug for a in Agency.objects.all() if numbering_agency(a) is not None}
        assert offered == numbering and len(offered) == expected


def test_agencies_sharing_a_code_share_its_counter(db):
    """A centre and a department numbering with the province's code take the province's
    counter, so their codes never repeat; the province's own dossiers follow in the same row."""
    agencies = make_tree({"province": "000.00.00.H49"})
    codes = [
        dossier_code_next(agency=agencies[slug], received_on=DAY)
        for slug in ("centre", "department", "province", "centre", "office")
    ]
    assert codes == [f"000.00.00.H49-250921-{n:04d}" for n in range(1, 6)]
    assert DossierCodeCounter.objects.get().agency == agencies["province"]
    other_day = dossier_code_next(agency=agencies["department"], received_on=date(2025, 9, 22))
    assert other_day == "000.00.00.H49-250922-0001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_agencies_sharing_a_code_take_unique_gap_free_numbers():
    """Eight threads receive at three agencies that number with the province's code; every
    third transaction rolls back."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    agencies = make_tree({"province": "000.00.00.H49"})
    receivers = [agencies["centre"], agencies["department"], agencies["office"]]
    threads, rounds = 8, 6
    start = threading.Barrier(threads)

    def take(n: int) -> list[str]:
        committed = []
        try:
            start.wait()
            for i in range(rounds):
                try:
                    with transaction.atomic():
                        code = dossier_code_next(agency=receivers[(n + i) % 3], received_on=DAY)
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
