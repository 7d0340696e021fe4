"""GET /api/v1/statistics: the table for an official's agency, bad input (400), another
agency (403), an unknown one (404), a citizen (403) and no credentials (401)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.accounts.constants import Role
from motcua.reporting.tests.conftest import build_tree
from motcua.reporting.tests.test_statistics import COMMUNE, END, OTHER, START, TOTAL, build

pytestmark = pytest.mark.django_db
URL = "/api/v1/statistics"
PERIOD = {"from": START.isoformat(), "to": END.isoformat()}


@pytest.fixture
def tree(db):
    tree = build_tree()
    build(tree)
    return tree


def client_for(tree, who: str | None) -> APIClient:
    client = APIClient()
    if who is not None:
        token, _ = Token.objects.get_or_create(user=tree.province.users[who])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def counts(row: dict) -> dict:
    return {name: row[name] for name in COMMUNE}


def test_the_table_of_the_province_by_agency(tree):
    response = client_for(tree, Role.SUPERVISOR).get(URL, {"agency": "tinh", **PERIOD})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agency"] == {"slug": "tinh", "name": "UBND tỉnh"}
    assert (body["from"], body["to"], body["group_by"], body["roll_up"], body["compare"]) == (
        "2026-02-01",
        "2026-03-31",
        "agency",
        True,
        "date",
    )
    assert [(r["kind"], r["label"], counts(r)) for r in body["rows"]] == [
        ("agency", "Cơ quan xa-b", OTHER),
        ("agency", "Khu vực A", COMMUNE),
    ]
    total = body["total"]
    assert counts(total) == TOTAL
    assert (total["received"], total["resolved"], total["in_progress"], total["paused"]) == (
        11,
        4,
        5,
        3,
    )
    assert total["on_time_rate"] == pytest.approx(0.75)
    assert total["key"] is None and total["kind"] == "total"


def test_an_official_of_the_commune_by_procedure_without_roll_up(tree):
    response = client_for(tree, Role.SPECIALIST).get(
        URL, {"agency": "xa-a", "group_by": "procedure", "roll_up": "false", **PERIOD}
    )
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [(r["kind"], r["key"], counts(r)) for r in rows] == [
        ("procedure", tree.province.procedure.pk, COMMUNE)
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, "non_field_errors"),
        ({"from": "2025-01-01", "to": "2026-03-01"}, "non_field_errors"),
        ({"from": "01/02/2026"}, "from"),
        ({"to": None}, "to"),
        ({"group_by": "colour"}, "group_by"),
        ({"roll_up": "maybe"}, "roll_up"),
        ({"agency": "không có"}, "agency"),
    ],
)
def test_bad_input_is_400(tree, query, field):
    params = {"agency": "xa-a", **PERIOD, **query}
    params = {key: value for key, value in params.items() if value is not None}
    response = client_for(tree, Role.SPECIALIST).get(URL, params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in response.json()["errors"]


def test_someone_elses_agency_is_403_and_an_unknown_one_404(tree):
    client = client_for(tree, Role.SPECIALIST)
    for slug in ("xa-b", "tinh", "thue"):
        assert client.get(URL, {"agency": slug, **PERIOD}).status_code == 403
    assert client.get(URL, {"agency": "khong-co", **PERIOD}).status_code == 404


def test_citizens_and_anonymous_callers_are_refused(tree):
    assert client_for(tree, "citizen").get(URL, {"agency": "xa-a", **PERIOD}).status_code == 403
    response = client_for(tree, None).get(URL, {"agency": "xa-a", **PERIOD})
    assert response.status_code == 401
