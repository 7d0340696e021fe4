import pytest

pytestmark = pytest.mark.django_db


def test_list_searches_and_paginates(client, demo_catalogue):
    response = client.get("/api/v1/procedures", {"q": "dang ky ket hon"})
    assert response.status_code == 200
    body = response.json()
    first = body["results"][0]
    assert first["code"] == "1.000894"
    assert set(first) >= {"code", "name", "field", "level", "online_type"}
    assert first["field"] == "Hộ tịch" and first["level"] == "commune"

    everything = client.get("/api/v1/procedures").json()
    assert everything["count"] == len(demo_catalogue["procedures"])
    assert len(everything["results"]) == 20 and everything["next"]
    page_two = client.get("/api/v1/procedures", {"page": 2}).json()
    assert {p["code"] for p in page_two["results"]}.isdisjoint(
        p["code"] for p in everything["results"]
    )


def test_list_filters(client, demo_catalogue):
    body = client.get("/api/v1/procedures", {"field": "civil-status", "level": "commune"}).json()
    assert body["count"] > 0
    assert all(
        p["field_key"] == "civil-status" and p["level"] == "commune" for p in body["results"]
    )
    online = client.get("/api/v1/procedures", {"online": "full"}).json()
    assert all(p["online_type"] == "full" for p in online["results"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "district"}, "level"),
        ({"online": "sometimes"}, "online"),
        ({"page": "0"}, "page"),
        ({"page": ""}, "page"),
        ({"q": "x" * 201}, "q"),
        ({"field": "not a slug!"}, "field"),
    ],
)
def test_bad_filters_answer_400_problem_json(client, demo_catalogue, params, field):
    response = client.get("/api/v1/procedures", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and field in body["errors"]


def test_page_past_the_end_is_404_problem(client, demo_catalogue):
    response = client.get("/api/v1/procedures", {"page": 99})
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_detail_holds_the_whole_record(client, demo_catalogue):
    response = client.get("/api/v1/procedures/1.001193")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.001193" and body["field"] == "Hộ tịch"
    assert body["legal_bases"] and body["legal_bases"][0]["number"]
    assert {c["channel"] for c in body["channels"]} >= {"direct", "online"}
    assert body["components"] and body["components"][0]["originals"] >= 0
    assert body["steps"]


@pytest.mark.parametrize("code", ["9.999999", "not-a-code", "1.00119"])
def test_unknown_procedure_is_404(client, demo_catalogue, code):
    response = client.get(f"/api/v1/procedures/{code}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_draft_procedure_is_not_public(client, demo_catalogue):
    from motcua.catalogue.models import Procedure

    Procedure.objects.filter(national_code="1.001193").update(status="draft")
    assert client.get("/api/v1/procedures/1.001193").status_code == 404


def test_api_is_read_only(client, demo_catalogue, admin_client):
    for c in (client, admin_client):
        assert c.post("/api/v1/procedures", {}).status_code == 405
        assert c.delete("/api/v1/procedures/1.001193").status_code == 405


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    document = schema.json()
    assert "/api/v1/procedures" in document["paths"]
    assert "/api/v1/procedures/{code}" in document["paths"]
    responses = document["paths"]["/api/v1/procedures/{code}"]["get"]["responses"]
    assert "application/problem+json" in responses["404"]["content"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
