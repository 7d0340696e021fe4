import copy
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import DEMO_DATA
from motcua.accounts import selectors, services
from motcua.accounts.constants import AgencyKind, Level, Role
from motcua.accounts.models import Agency, Membership, User
from motcua.core.audit import verify_chain
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db
REFORM_DAY = datetime.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the Vietnamese catalogue translates them."""
    with translation.override("en"):
        yield


@pytest.fixture
def agencies_document():
    return json.loads((DEMO_DATA / "agencies.json").read_text(encoding="utf-8"))


def test_demo_province_after_the_2025_reform(agencies_document):
    services.agency_import(document=agencies_document, actor=None)
    today = selectors.agency_list_valid_on(day=datetime.date(2026, 11, 23))
    assert today.filter(kind=AgencyKind.DEPARTMENT).count() >= 8
    assert today.filter(kind=AgencyKind.COMMUNE_PC).count() >= 20
    assert today.filter(kind=AgencyKind.SERVICE_CENTRE).count() == 1
    assert not today.filter(level=Level.DISTRICT).exists()  # districts were abolished
    province = Agency.objects.get(slug="qn")
    assert province.identifier == "000.00.00.H49"
    assert selectors.agency_get_descendant_ids(agency=province) >= set(
        today.values_list("pk", flat=True)
    )


def test_history_of_an_abolished_district_rolls_up_to_its_successor_wards(agencies_document):
    services.agency_import(document=agencies_document, actor=None)
    ha_long = Agency.objects.get(slug="qn-tp-halong")
    assert ha_long.valid_to == datetime.date(2025, 6, 30)
    assert ha_long.is_valid_on(datetime.date(2025, 6, 30))
    assert not ha_long.is_valid_on(REFORM_DAY)
    successors = selectors.agency_get_current_successors(agency=ha_long, day=REFORM_DAY)
    assert successors, "a merged unit must keep a path to the units that replaced it"
    assert all(s.level == Level.COMMUNE and s.is_valid_on(REFORM_DAY) for s in successors)
    # before the reform the district itself is the current unit
    assert selectors.agency_get_current_successors(
        agency=ha_long, day=datetime.date(2025, 1, 1)
    ) == [ha_long]


def test_tree_of_any_depth():
    services.agency_import(
        document={
            "format": "motcua.agencies",
            "agencies": [
                {
                    "key": f"a{i}",
                    "name": f"Cơ quan {i}",
                    "kind": "other",
                    "level": "province",
                    "parent": f"a{i - 1}" if i else None,
                }
                for i in range(7)
            ],
        },
        actor=None,
    )
    root = Agency.objects.get(slug="a0")
    assert len(selectors.agency_get_descendant_ids(agency=root)) == 7
    assert Agency.objects.get(slug="a6").parent.parent.parent.slug == "a3"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "ministry"}, "unknown kind"),
        ({"level": "district-x"}, "unknown level"),
        ({"parent": "nowhere"}, "unknown agency keys"),
        ({"valid_from": "01/07/2025"}, "is not a date"),
        ({"identifier": "H49"}, "identifier"),
        ({"valid_from": "2025-07-01", "valid_to": "2025-06-30"}, "cannot be before"),
    ],
)
def test_bad_agency_rows_are_reported_and_nothing_is_imported(agencies_document, change, message):
    document = copy.deepcopy(agencies_document)
    document["agencies"][5].update(change)
    with pytest.raises(ValidationFailed) as caught:
        services.agency_import(document=document, actor=None)
    assert any(message in error and "Agency 6" in error for error in caught.value.errors)
    assert Agency.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_import_is_idempotent_and_audited(agencies_document):
    services.agency_import(document=agencies_document, actor=None)
    count = Agency.objects.count()
    services.agency_import(document=agencies_document, actor=None)
    assert Agency.objects.count() == count == len(agencies_document["agencies"])
    assert AuditEvent.objects.filter(action="accounts.agencies_imported").count() == 2
    assert verify_chain() == []


def test_citizen_id_has_twelve_digits():
    user = User(username="a", citizen_id="12345678901")
    with pytest.raises(ValidationError):
        user.full_clean()
    user.citizen_id = "022095001234"
    user.set_password("x-long-password-1")
    user.full_clean()


def test_memberships_make_officials_and_roles_are_per_agency(agencies_document):
    services.agency_import(document=agencies_document, actor=None)
    justice, centre = Agency.objects.get(slug="qn-stp"), Agency.objects.get(slug="qn-hcc")
    official = User.objects.create(username="chuyenvien")
    citizen = User.objects.create(username="congdan")
    services.membership_grant(user=official, agency=justice, role=Role.SPECIALIST, actor=None)
    services.membership_grant(user=official, agency=justice, role=Role.SPECIALIST, actor=None)
    assert Membership.objects.filter(user=official).count() == 1
    assert selectors.user_roles_in(user=official, agency=justice) == {Role.SPECIALIST}
    assert selectors.user_roles_in(user=official, agency=centre) == set()
    assert selectors.user_is_official(user=official)
    assert not selectors.user_is_official(user=citizen)
