"""`answers` in the dossier detail: the e-form answers with their labels, values for people and
as stored, and the rows of repeating groups; only for those who may see the dossier."""

import pytest
from django.contrib.auth import get_user_model

from motcua.accounts.constants import Role
from motcua.dossiers.constants import Act
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.answer_scenes import online_with_answers
from motcua.dossiers.tests.conftest import receive

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"


def key(dossier) -> str:
    return dossier.code or str(dossier.uid)


@pytest.mark.parametrize("who", ["citizen", Role.RECEPTION_OFFICER, Role.PROVINCE_ADMIN])
def test_the_detail_has_the_answers(api, province, process, who):
    dossier = online_with_answers(province)
    dossier = dossier_act(
        dossier=dossier, act=Act.ACCEPT, actor=province.users[Role.RECEPTION_OFFICER]
    )
    response = api(who).get(f"{URL}/{key(dossier)}")
    assert response.status_code == 200
    answers = {item["key"]: item for item in response.json()["answers"]}
    assert answers["birth_date"] == {
        "key": "birth_date",
        "label": "Ngày sinh",
        "value": "09/07/1990",
        "raw": "1990-07-09",
        "type": "date",
        "known": True,
        "rows": [],
    }
    assert (answers["sex"]["value"], answers["sex"]["raw"]) == ("Nam", "nam")
    assert (answers["married"]["value"], answers["married"]["raw"]) == ("Không", False)
    assert answers["channels"]["raw"] == ["SMS", "Thư điện tử"]
    parents = answers["parents"]
    assert parents["type"] == "group" and parents["value"] == ""
    assert [row["label"] for row in parents["rows"]] == ["Người thứ 1", "Người thứ 2"]
    assert parents["rows"][0]["answers"][1] == {
        "key": "parents.0.parent_birth",
        "label": "Ngày sinh",
        "value": "02/01/1960",
        "raw": "1960-01-02",
        "type": "date",
        "known": True,
    }


def test_labels_are_the_forms_vietnamese_ones(api, province):
    """The API is not under a language prefix, so it answers in the site's language (vi)."""
    dossier = online_with_answers(province)
    response = api("citizen").get(f"{URL}/{key(dossier)}", HTTP_ACCEPT_LANGUAGE="en")
    answers = {item["key"]: item for item in response.json()["answers"]}
    assert answers["applicant_name"]["label"] == "Họ và tên"
    assert answers["married"]["value"] == "Không"


def test_an_answer_the_form_lost_comes_raw(api, province):
    dossier = online_with_answers(province)
    dossier.form_data = {**dossier.form_data, "old_key": "2026-01-01"}
    dossier.save()
    answers = api(Role.RECEPTION_OFFICER).get(f"{URL}/{key(dossier)}").json()["answers"]
    assert answers[-1] == {
        "key": "old_key",
        "label": "old_key",
        "value": "2026-01-01",
        "raw": "2026-01-01",
        "type": "",
        "known": False,
        "rows": [],
    }


def test_a_counter_dossier_has_an_empty_list(api, province, process):
    dossier = receive(province)
    assert api(Role.RECEPTION_OFFICER).get(f"{URL}/{key(dossier)}").json()["answers"] == []


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_another_citizen_or_agency_gets_nothing(api, province, who):
    if who == "stranger":
        province.users["stranger"] = get_user_model().objects.create_user(
            username="stranger", password="x", full_name="Người lạ"
        )
    dossier = online_with_answers(province)
    response = api(who).get(f"{URL}/{key(dossier)}")
    assert response.status_code == 404
    assert "Nguyễn Văn Cha" not in response.content.decode()


def test_without_credentials_nothing(api, province):
    dossier = online_with_answers(province)
    assert api(None).get(f"{URL}/{key(dossier)}").status_code == 401


def test_the_schema_describes_the_answers(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    detail = schema["components"]["schemas"]["DossierDetail"]
    assert "answers" in detail["properties"] and "answers" in detail["required"]
    answer = schema["components"]["schemas"]["DossierAnswer"]
    assert set(answer["properties"]) == {"key", "label", "value", "raw", "type", "known", "rows"}
    row = schema["components"]["schemas"]["DossierAnswerRow"]
    assert set(row["properties"]) == {"label", "answers"}


def test_the_detail_has_the_reference_and_the_delivery_wanted(api, province, process):
    """The short reference of an online submission and how the applicant wants the result."""
    dossier = online_with_answers(province)
    dossier.reference, dossier.result_delivery = "K7M2Q9TX", "post"
    dossier.result_delivery_address = "Tổ 3, khu 5, phường Hạ Long"
    dossier.save(update_fields=["reference", "result_delivery", "result_delivery_address"])
    body = api("citizen").get(f"{URL}/{key(dossier)}").json()
    assert (body["reference"], body["result_delivery"]) == ("K7M2Q9TX", "post")
    assert body["result_delivery_address"] == "Tổ 3, khu 5, phường Hạ Long"
    listed = api(Role.RECEPTION_OFFICER).get(URL).json()
    assert "K7M2Q9TX" in [item["reference"] for item in listed["results"]]
