import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/deadlines"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"received_at": "2025-04-25T16:00:00+07:00", "working_days": "3"},
            {
                "received_at": "2025-04-25T16:00:00+07:00",
                "counted_from": "2025-04-26T07:30:00+07:00",  # the swapped working Saturday
                "due_at": "2025-04-29T17:00:00+07:00",
                "working_days": 3,
                "mode": "end_of_day",
            },
        ),
        (
            {"received_at": "2025-04-29T03:00:00Z", "working_days": "2", "mode": "hours"},
            {
                "received_at": "2025-04-29T10:00:00+07:00",
                "counted_from": "2025-04-29T10:00:00+07:00",
                "due_at": "2025-05-06T10:00:00+07:00",
                "working_days": 2,
                "mode": "hours",
            },
        ),
        (
            {"received_at": "2026-02-13T18:30:00+07:00", "working_hours": "4"},
            {
                "received_at": "2026-02-13T18:30:00+07:00",
                "counted_from": "2026-02-23T07:30:00+07:00",  # after Tết 2026
                "due_at": "2026-02-23T11:30:00+07:00",
                "working_hours": 4,
                "mode": "hours",
            },
        ),
        (
            {"received_at": "2025-03-03T15:10:00+07:00", "working_days": "0"},
            {
                "received_at": "2025-03-03T15:10:00+07:00",
                "counted_from": "2025-03-03T15:10:00+07:00",
                "due_at": "2025-03-04T17:00:00+07:00",  # after 15:00: next working day
                "working_days": 0,
                "mode": "same_day",
            },
        ),
        (  # an unencoded "+" arrives as a space
            {"received_at": "2026-04-24T11:00:00 07:00", "working_days": "1"},
            {
                "received_at": "2026-04-24T11:00:00+07:00",
                "counted_from": "2026-04-28T07:30:00+07:00",
                "due_at": "2026-04-28T17:00:00+07:00",  # Mon 27 Apr is the compensatory day
                "working_days": 1,
                "mode": "end_of_day",
            },
        ),
    ],
)
def test_computes_a_due_time(client, params, expected):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response.json() == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"working_days": "3"}, "received_at"),
        ({"received_at": "2025-04-25T16:00:00", "working_days": "3"}, "received_at"),
        ({"received_at": "2025-02-30T16:00:00+07:00", "working_days": "3"}, "received_at"),
        ({"received_at": "tomorrow", "working_days": "3"}, "received_at"),
        ({"received_at": "1890-01-01T08:00:00+07:00", "working_days": "3"}, "received_at"),
        ({"received_at": "2025-04-25T16:00:00+07:00"}, "working_days"),
        (
            {"received_at": "2025-04-25T16:00+07:00", "working_days": "1", "working_hours": "8"},
            "working_days",
        ),
        ({"received_at": "2025-04-25T16:00:00+07:00", "working_days": "-1"}, "working_days"),
        ({"received_at": "2025-04-25T16:00:00+07:00", "working_days": "1e9"}, "working_days"),
        ({"received_at": "2025-04-25T16:00:00+07:00", "working_days": "1001"}, "working_days"),
        ({"received_at": "2025-04-25T16:00:00+07:00", "working_days": "two"}, "working_days"),
        ({"received_at": "2025-04-25T16:00:00+07:00", "working_hours": "0"}, "working_hours"),
        ({"received_at": "2025-04-25T16:00:00+07:00", "working_hours": "1.5"}, "working_hours"),
        (
            {"received_at": "2025-04-25T16:00:00+07:00", "working_hours": "8", "mode": "hours"},
            "mode",
        ),
        (
            {"received_at": "2025-04-25T16:00:00+07:00", "working_days": "1", "mode": "x"},
            "mode",
        ),
    ],
)
def test_bad_input_is_a_problem_naming_the_parameter(client, params, field):
    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and field in body["errors"]


def test_errors_are_in_vietnamese_by_default(client):
    body = client.get(URL, {"received_at": "2025-04-25T16:00:00", "working_days": "1"}).json()
    assert body["errors"]["received_at"] == ["Hãy ghi cả độ lệch múi giờ, ví dụ +07:00."]


def test_an_override_moves_the_due_time(client):
    from datetime import date

    from motcua.deadlines import services

    services.calendar_override_set(day=date(2027, 3, 2), kind="day_off", reason="(example)")
    body = client.get(URL, {"received_at": "2027-03-01T09:00:00+07:00", "working_days": 1}).json()
    assert body["due_at"] == "2027-03-03T17:00:00+07:00"


def test_the_endpoint_is_documented(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/deadlines"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"received_at", "working_days", "working_hours", "mode"}
    assert "400" in operation["responses"]
