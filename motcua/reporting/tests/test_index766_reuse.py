"""The Decision 766 re-use indicator counts the components taken from the applicant's
e-warehouse (the scenes of motcua/dossiers/tests/test_warehouse.py)."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache

from motcua.catalogue.constants import OnlineType
from motcua.dossiers.constants import ReturnMethod
from motcua.dossiers.tests.conftest import Province, build_province, vn
from motcua.dossiers.tests.test_warehouse import accept, new_draft, pdf, returned_online
from motcua.dossiers.warehouse_models import DocumentKind, WarehouseDocument
from motcua.dossiers.warehouse_reuse import dossier_submit_online_reusing, warehouse_reuse_in_draft
from motcua.reporting.index766 import COMPUTED, index_766

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db, settings, tmp_path) -> Province:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    province = build_province()
    province.procedure.online_type = OnlineType.FULL
    province.procedure.save(update_fields=["online_type"])
    return province


def test_the_766_reuse_indicator_counts_reused_components(province):
    with time_machine.travel(vn(2026, 3, 12, 9, 0), tick=False):
        indicator = _reuse_today(province)
    # two dossiers received that day, each with one component with a file; one re-used
    assert (indicator.status, indicator.numerator, indicator.denominator) == (COMPUTED, 1, 2)


def _reuse_today(province):
    returned_online(province, pdf("Giấy chứng nhận"), paper=pdf("Đơn cũ"))
    result = WarehouseDocument.objects.get(kind=DocumentKind.RESULT)
    citizen = province.users["citizen"]
    draft = new_draft(province)
    warehouse_reuse_in_draft(
        draft=draft,
        component=province.procedure.components.get(),
        document_id=result.pk,
        actor=citizen,
    )
    dossier = dossier_submit_online_reusing(
        draft=draft,
        agency=province.commune,
        answers={},
        form_version=1,
        actor=citizen,
        delivery=ReturnMethod.COUNTER,
        declared=True,
    )
    accept(province, dossier)
    day = date(2026, 3, 12)
    return index_766(agency=province.commune, start=day, end=day).indicator("reuse")
