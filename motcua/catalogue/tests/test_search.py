"""Search behaves the same on SQLite (FTS5) and PostgreSQL (tsvector): CI runs this file on both."""

import datetime

import pytest

from motcua.catalogue import selectors, services
from motcua.catalogue.constants import PublicationStatus
from motcua.catalogue.models import Procedure

pytestmark = pytest.mark.django_db

MARRIAGE, BIRTH = "1.000894", "1.001193"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("dang ky ket hon", MARRIAGE),
        ("Đăng ký kết hôn", MARRIAGE),
        ("DANG KY KET HON", MARRIAGE),
        ("đăng ký kết hôn", MARRIAGE),
        ("dang ki ket hon", MARRIAGE),  # kí / ký
        ("dang ky ket hno", MARRIAGE),  # swapped letters
        ("dang ky ket hn", MARRIAGE),  # missing letter
        ("ket hon", MARRIAGE),
        ("kết h", MARRIAGE),  # still typing
        ("khai sinh", BIRTH),
        ("Khai Sinh", BIRTH),
        ("dang ky khai sinh", BIRTH),
        ("1.001193", BIRTH),
        ("ho kinh doanh", "1.001612"),
        ("thành lập hộ kinh doanh", "1.001612"),
        ("ly lich tu phap", "2.000488"),
        ("lí lịch tư pháp", "2.000488"),
        ("tam tru", "1.004194"),
        ("gia han giay phep xay dung", "1.013227"),
        ("giay phep xay dung", "1.013225"),
        ("trich luc ho tich", "2.000635"),
    ],
)
def test_best_match_first(demo_catalogue, query, first):
    found = selectors.procedure_find(query=query)
    assert found, f"nothing found for {query!r}"
    assert found[0].national_code == first


@pytest.mark.parametrize("query", ["xyzxyz", "qqqq wwww", "!!!"])
def test_nonsense_finds_nothing(demo_catalogue, query):
    assert selectors.procedure_find(query=query) == []


def test_words_unknown_to_the_catalogue_are_ignored(demo_catalogue):
    assert selectors.procedure_find(query="ket hon zzzz " * 10)[0].national_code == MARRIAGE


@pytest.mark.parametrize("query", ["", "   "])
def test_blank_query_lists_every_published_procedure(demo_catalogue, query):
    assert len(selectors.procedure_find(query=query)) == len(demo_catalogue["procedures"])


def test_d_stroke_folds_to_d(demo_catalogue):
    with_stroke = [p.pk for p in selectors.procedure_find(query="đất đai")]
    without = [p.pk for p in selectors.procedure_find(query="dat dai")]
    assert with_stroke == without and with_stroke


def test_filters_combine_with_search(demo_catalogue):
    found = selectors.procedure_find(query="dang ky", field="civil-status", level="commune")
    assert found and all(p.field.slug == "civil-status" and p.level == "commune" for p in found)
    assert selectors.procedure_find(query="ket hon", field="land") == []


def test_drafts_and_expired_procedures_are_not_found(demo_catalogue):
    Procedure.objects.filter(national_code=MARRIAGE).update(status=PublicationStatus.DRAFT)
    assert MARRIAGE not in [p.national_code for p in selectors.procedure_find(query="ket hon")]
    Procedure.objects.filter(national_code=BIRTH).update(valid_to=datetime.date(2025, 12, 31))
    assert BIRTH not in [p.national_code for p in selectors.procedure_find(query="khai sinh")]


def test_renamed_procedure_is_found_by_its_new_name(demo_catalogue):
    procedure = Procedure.objects.get(national_code=MARRIAGE)
    procedure.name = "Đăng ký kết hôn (tên mới để kiểm thử)"
    services.procedure_save(procedure=procedure, actor=None)
    assert selectors.procedure_find(query="ten moi de kiem thu")[0].national_code == MARRIAGE


def test_deleted_procedure_leaves_the_index(demo_catalogue):
    services.procedure_delete(procedure=Procedure.objects.get(national_code=BIRTH), actor=None)
    assert BIRTH not in [p.national_code for p in selectors.procedure_find(query="khai sinh")]
