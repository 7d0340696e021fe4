"""The dossier API: credentials, registration and counter intake, lists with filters, detail,
timeline and acts, each with bad input and the wrong user, and one dossier walked through its
whole process."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure, ProcedureChannel
from motcua.core.models import AuditEvent
from motcua.deadlines.calendar import local
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, DossierPause
from motcua.dossiers.services import Applicant, dossier_receive, dossier_register
from motcua.dossiers.tests.conftest import receive

pytestmark = pytest.mark.django_db
S = DossierStatus
URL = "/api/v1/dossiers"
PROBLEM = "application/problem+json"
CODE = re.compile(r"^000\.00\.01\.H49-\d{6}-\d{4}$")
VN_OFFSET = re.compile(r"\+07:00$")


def body(**changes):
    """A counter intake of the commune's procedure; `changes` replace top-level keys, and
    `applicant__x` one applicant field."""
    data = {
        "procedure": "1.004227",
        "agency": "xa-a",
        "channel": "direct",
        "accept": True,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "022090001234", "phone": "0912345678"},
        "components": [{"name": "Đơn đăng ký", "originals": 1}],
    }
    for key, value in changes.items():
        if key.startswith("applicant__"):
            data["applicant"][key.removeprefix("applicant__")] = value
        else:
            data[key] = value
    return data


def dossier_events_count(dossier):
    return AuditEvent.objects.filter(chain=f"dossiers.dossier:{dossier.pk}").count()


def act(api, who, dossier, what=None, **data):
    """POST an act (`what`, or `act` among `data`) to a dossier (or its key)."""
    key = dossier if isinstance(dossier, str) else (dossier.code or str(dossier.uid))
    payload = {"act": what, **data} if what else data
    return api(who).post(f"{URL}/{key}/acts", payload, format="json")


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    return problem


# --- credentials ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}/000.00.01.H49-260302-0001"),
        ("get", f"{URL}/000.00.01.H49-260302-0001/events"),
        ("post", f"{URL}/000.00.01.H49-260302-0001/acts"),
    ],
)
@pytest.mark.parametrize("authorization", [None, "Token 0123456789abcdef", "Bearer x"])
def test_without_valid_credentials_every_dossier_endpoint_answers_401(
    province, method, path, authorization
):
    receive(province)
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = getattr(client, method)(path, {}, format="json" if method == "post" else None)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"
    assert Dossier.objects.count() == 1


def test_a_token_and_a_browser_session_both_authenticate(province, api):
    receive(province)
    assert api(Role.RECEPTION_OFFICER).get(URL).json()["count"] == 1
    session = APIClient()
    assert session.login(username=Role.RECEPTION_OFFICER, password="x")
    assert session.get(URL).json()["count"] == 1


def test_a_session_must_send_the_csrf_token_to_write(province):
    session = APIClient(enforce_csrf_checks=True)
    assert session.login(username=Role.RECEPTION_OFFICER, password="x")
    problem = assert_problem(session.post(URL, body(), format="json"), 403)
    assert "CSRF" in problem["detail"]
    assert not Dossier.objects.exists()


def test_public_endpoints_stay_open(province):
    assert APIClient().get("/api/v1/procedures").status_code == 200


def test_api_token_command_issues_keeps_and_rotates_tokens(province):
    def run(*args):
        out = StringIO()
        call_command("api_token", *args, stdout=out)
        return out.getvalue().strip()

    key = run("specialist")
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert run("specialist") == key  # asking again prints the same token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).status_code == 200

    rotated = run("specialist", "--rotate")
    assert rotated != key and Token.objects.get(user__username="specialist").key == rotated
    assert client.get(URL).status_code == 401  # the old token stopped working
    actions = AuditEvent.objects.filter(action__startswith="api.token").values_list(
        "action", flat=True
    )
    assert list(actions) == ["api.token_created", "api.token_rotated"]
    assert not AuditEvent.objects.filter(data__icontains=rotated).exists()

    with pytest.raises(CommandError, match="No user"):
        run("nobody")
    province.users["citizen"].is_active = False
    province.users["citizen"].save()
    with pytest.raises(CommandError, match="not active"):
        run("citizen")


# --- registration and counter intake ----------------------------------------------------------


def test_counter_intake_answers_201_with_a_code_and_an_appointment(province, api):
    response = api(Role.RECEPTION_OFFICER).post(URL, body(), format="json")
    assert response.status_code == 201, response.content
    dossier = response.json()
    assert CODE.match(dossier["code"])
    assert dossier["status"] == S.ACCEPTED and dossier["national_status"] == 2
    assert VN_OFFSET.search(dossier["due_at"]) and VN_OFFSET.search(dossier["accepted_at"])
    assert dossier["procedure"] == {"code": "1.004227", "name": province.procedure.name}
    assert dossier["receiving_agency"]["slug"] == "xa-a"
    assert dossier["channel"] == "direct"
    assert dossier["applicant"]["id_number"] == "022090001234"
    assert dossier["components"] == [
        {
            "name": "Đơn đăng ký",
            "originals": 1,
            "certified_copies": 0,
            "copies": 0,
            "note": "",
            "files": 0,
        }
    ]
    assert [(f["amount"], f["status"]) for f in dossier["fees"]] == [(30000, "due")]
    assert len(dossier["appointment_changes"]) == 1
    assert dossier["allowed_acts"] == ["forward", "withdraw", "apologise"]
    assert response["Location"] == f"http://testserver{URL}/{dossier['code']}"
    stored = Dossier.objects.get()
    assert stored.applicant_user is None  # a paper dossier has no account behind it
    assert api(Role.RECEPTION_OFFICER).get(response["Location"]).json()["uid"] == dossier["uid"]


def test_a_citizen_registers_online_and_waits_without_a_code(province, api):
    response = api("citizen").post(
        URL, body(channel="online", accept=False, components=[]), format="json"
    )
    assert response.status_code == 201, response.content
    dossier = response.json()
    assert (dossier["status"], dossier["code"], dossier["due_at"]) == (S.REGISTERED, None, None)
    assert dossier["national_status"] == 1
    assert dossier["allowed_acts"] == ["withdraw"]
    assert response["Location"].endswith(f"{URL}/{dossier['uid']}")
    assert Dossier.objects.get().applicant_user == province.users["citizen"]
    assert api("citizen").get(URL).json()["count"] == 1


def test_a_reception_officer_registers_a_postal_dossier_to_accept_later(province, api):
    response = api(Role.RECEPTION_OFFICER).post(
        URL, body(channel="post", accept=False), format="json"
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["code"]) == (S.REGISTERED, None)
    accepted = act(api, Role.RECEPTION_OFFICER, response.json()["uid"], "accept")
    assert accepted.status_code == 200 and CODE.match(accepted.json()["code"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"applicant": {"id_number": "022090001234"}}, "applicant", None),
        ({"applicant__name": "  "}, "applicant", None),
        ({"applicant__id_number": "02209000123"}, "non_field_errors", "12 chữ số"),
        ({"procedure": "9.999999"}, "procedure", "9.999999"),
        ({"agency": "xa-khong-co"}, "agency", "xa-khong-co"),
        ({"channel": "fax"}, "channel", None),
        ({"components": [{"name": "Đơn", "originals": "một"}]}, "components", None),
        ({"components": [{"name": "Đơn", "originals": -1}]}, "components", None),
        ({"applicant__email": "an@"}, "non_field_errors", "thư điện tử"),
        ({"components": [{"component": 999999}]}, "non_field_errors", "999999"),
        ({"accept": "sometimes"}, "accept", None),
    ],
)
def test_bad_input_answers_400_with_field_errors_and_stores_nothing(
    province, api, changes, field, message
):
    response = api(Role.RECEPTION_OFFICER).post(URL, body(**changes), format="json")
    problem = assert_problem(response, 400)
    assert field in problem["errors"]
    if message:
        assert message in str(problem["errors"][field]).lower()
    assert not Dossier.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dossier.").exists()


def test_a_body_that_is_not_json_is_refused(province, api):
    response = api(Role.RECEPTION_OFFICER).post(
        URL, "procedure=1.004227", content_type="text/plain"
    )
    assert_problem(response, 415)
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("who", "changes"),
    [
        ("citizen", {"channel": "online", "accept": True}),  # a citizen cannot accept
        ("citizen", {"channel": "direct", "accept": False}),  # nor register at the counter
        ("outsider", {}),  # a reception officer of another commune
        (Role.SPECIALIST, {}),  # the commune's specialist is not at the one-stop
    ],
)
def test_who_may_not_register_gets_403_and_nothing_is_stored(province, api, who, changes):
    problem = assert_problem(api(who).post(URL, body(**changes), format="json"), 403)
    assert problem["code"] == "act_not_permitted"
    assert not Dossier.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dossier.").exists()


# --- lists ------------------------------------------------------------------------------------


@pytest.fixture
def dossiers(province):
    """Five dossiers: two long overdue at the counter (one of them by post), one received now,
    one waiting online from citizen_b, one received at the other commune (another procedure)."""
    now = timezone.now()
    old = now - timedelta(days=60)
    overdue = receive(province, at=old)
    posted = dossier_receive(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.POST,
        applicant=province.applicant(),
        actor=province.users[Role.RECEPTION_OFFICER],
        at=old + timedelta(days=1),
    )
    fresh = receive(province)
    online = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=Applicant(name="Trần Thị Bình", user=province.users["citizen_b"]),
        actor=province.users["citizen_b"],
    )
    other = Procedure.objects.create(
        national_code="1.000894",
        name="Đăng ký kết hôn",
        field=province.procedure.field,
        level=province.procedure.level,
        agency_kind=province.procedure.agency_kind,
        status=province.procedure.status,
    )
    ProcedureChannel.objects.create(procedure=other, channel=Channel.DIRECT, time_value=3)
    elsewhere = dossier_receive(
        procedure=other,
        agency=province.other_commune,
        channel=Channel.DIRECT,
        applicant=province.applicant(),
        actor=province.users["outsider"],
    )
    return {
        "overdue": overdue,
        "posted": posted,
        "fresh": fresh,
        "online": online,
        "elsewhere": elsewhere,
    }


def listed(api, who, **params):
    response = api(who).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def names_of(page, dossiers):
    by_uid = {str(d.uid): name for name, d in dossiers.items()}
    return [by_uid[item["uid"]] for item in page["results"]]


def test_list_is_newest_first_with_the_list_fields(api, dossiers):
    page = listed(api, Role.RECEPTION_OFFICER)
    assert page["count"] == 4 and page["next"] is None
    assert names_of(page, dossiers) == ["online", "fresh", "posted", "overdue"]
    item = page["results"][1]
    assert set(item) >= {"uid", "code", "procedure", "status", "national_status", "due_at"}
    assert item["applicant_name"] == "Nguyễn Văn An"
    assert VN_OFFSET.search(item["submitted_at"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "registered"}, ["online"]),
        ({"status": "accepted"}, ["elsewhere", "fresh", "posted", "overdue"]),
        ({"procedure": "1.000894"}, ["elsewhere"]),
        ({"procedure": "1.004227", "channel": "post"}, ["posted"]),
        ({"agency": "xa-b"}, ["elsewhere"]),
        ({"channel": "online"}, ["online"]),
        ({"overdue": "true"}, ["posted", "overdue"]),
        ({"overdue": "false"}, ["elsewhere", "online", "fresh"]),
        ({"procedure": "1.111111"}, []),
    ],
)
def test_each_filter_narrows_the_list(api, dossiers, params, expected):
    # The supervisor sees the whole province, so every filter has something to narrow.
    assert names_of(listed(api, Role.SUPERVISOR, **params), dossiers) == expected


def test_filter_by_code_and_by_day_of_receipt_in_vietnam_time(api, dossiers):
    posted = dossiers["posted"]
    by_code = listed(api, Role.RECEPTION_OFFICER, code=posted.code)
    assert names_of(by_code, dossiers) == ["posted"]
    day = local(posted.submitted_at).date().isoformat()
    on_the_day = listed(api, Role.RECEPTION_OFFICER, received_from=day, received_to=day)
    assert names_of(on_the_day, dossiers) == ["posted"]
    since = listed(api, Role.RECEPTION_OFFICER, received_from=day)
    assert names_of(since, dossiers) == ["online", "fresh", "posted"]
    until = listed(api, Role.RECEPTION_OFFICER, received_to=day)
    assert names_of(until, dossiers) == ["posted", "overdue"]
    extremes = listed(
        api, Role.RECEPTION_OFFICER, received_from="0001-01-01", received_to="9999-12-31"
    )
    assert extremes["count"] == 4


def test_who_sees_which_dossiers(api, dossiers):
    assert listed(api, "tax_specialist")["count"] == 0  # an official of another agency
    assert names_of(listed(api, "outsider"), dossiers) == ["elsewhere"]
    assert names_of(listed(api, "citizen_b"), dossiers) == ["online"]
    assert "online" not in names_of(listed(api, "citizen"), dossiers)
    assert listed(api, Role.PROVINCE_ADMIN)["count"] == 5
    assert listed(api, "outsider", agency="xa-a")["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"channel": "fax"}, "channel"),
        ({"procedure": "1.0042"}, "procedure"),
        ({"agency": "not a slug!"}, "agency"),
        ({"received_from": "2026-13-01"}, "received_from"),
        ({"received_to": "yesterday"}, "received_to"),
        ({"overdue": "maybe"}, "overdue"),
        ({"overdue": ""}, "overdue"),
        ({"received_from": ""}, "received_from"),
        ({"page": "0"}, "page"),
        ({"code": "x" * 61}, "code"),
    ],
)
def test_bad_filters_answer_400_with_the_field(api, dossiers, params, field):
    problem = assert_problem(api(Role.RECEPTION_OFFICER).get(URL, params), 400)
    assert field in problem["errors"]


def test_a_page_past_the_end_is_404(api, dossiers):
    assert_problem(api(Role.RECEPTION_OFFICER).get(URL, {"page": 2}), 404)


# --- detail, events and acts: who may see ----------------------------------------------------


def endpoints(key):
    return [
        ("get", f"{URL}/{key}", None),
        ("get", f"{URL}/{key}/events", None),
        ("post", f"{URL}/{key}/acts", {"act": "forward"}),
        ("post", f"{URL}/{key}/acts", {"act": "withdraw", "comment": "Không cần nữa"}),
    ]


@pytest.mark.parametrize("who", ["outsider", "tax_specialist", "citizen_b"])
@pytest.mark.parametrize("by", ["code", "uid"])
def test_the_wrong_user_gets_404_everywhere_and_changes_nothing(province, api, who, by):
    dossier = receive(province)
    key = dossier.code if by == "code" else str(dossier.uid)
    events = dossier_events_count(dossier)
    for method, path, data in endpoints(key):
        response = getattr(api(who), method)(path, data, format="json" if data else None)
        assert_problem(response, 404)
    assert Dossier.objects.get().status == S.ACCEPTED
    assert dossier_events_count(dossier) == events


@pytest.mark.parametrize(
    "key", ["000.00.01.H49-260101-9999", "3f2b8f0e-6d5c-4c1e-9a51-5b1f0c7e2a10", "a\x00b"]
)
def test_an_unknown_key_is_404(province, api, key):
    receive(province)
    for method, path, data in endpoints(key):
        response = getattr(api(Role.PROVINCE_ADMIN), method)(
            path, data, format="json" if data else None
        )
        assert_problem(response, 404)


@pytest.mark.parametrize(
    ("who", "acts"),
    [
        (Role.RECEPTION_OFFICER, ["forward", "withdraw", "apologise"]),
        (Role.SPECIALIST, []),
        ("citizen", ["withdraw"]),  # the applicant
        (Role.SUPERVISOR, []),  # sees the whole province, acts on none
    ],
)
def test_the_right_users_see_the_detail_with_their_acts(province, api, who, acts):
    dossier = receive(province)
    for key in (dossier.code, str(dossier.uid)):
        response = api(who).get(f"{URL}/{key}")
        assert response.status_code == 200
        assert response.json()["allowed_acts"] == acts
    assert api(who).get(f"{URL}/{dossier.code}/events").status_code == 200


def test_the_detail_holds_the_whole_dossier(province, process, api):
    dossier = receive(province)
    detail = api(Role.RECEPTION_OFFICER).get(f"{URL}/{dossier.code}").json()
    assert detail["current_step"] == {
        "position": 1,
        "name": "Tiếp nhận, chuyển hồ sơ",
        "role": "reception_officer",
        "agency": {"slug": "xa-a", "identifier": "000.00.01.H49", "name": "Cơ quan xa-a"},
    }
    assert detail["applicant"] == {
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "id_number": "022090001234",
        "phone": "0912345678",
        "email": "",
        "address": "",
        "representative_name": "",
        "representative_id_number": "",
        "representative_phone": "",
        "authorisation": "",
    }
    assert detail["legal_time"] == {
        "working_days": 5,
        "working_hours": None,
        "calendar_days": None,
        "count": "end_of_day",
    }
    assert detail["status_label"] == "Được tiếp nhận"
    assert detail["version"] == 1
    assert detail["paused_at"] is None and detail["judgement"] == ""
    change = detail["appointment_changes"][0]
    assert change["previous_due_at"] is None and change["new_due_at"] == detail["due_at"]


# --- acts -------------------------------------------------------------------------------------


def test_an_allowed_act_answers_the_new_status(province, api):
    dossier = receive(province)
    response = act(api, Role.RECEPTION_OFFICER, dossier, "forward")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.IN_PROCESSING
    assert response.json()["national_status"] == 4
    assert Dossier.objects.get().status == S.IN_PROCESSING


@pytest.mark.parametrize(
    ("who", "data", "status", "code"),
    [
        # Not possible in "accepted" at all: 409.
        (
            Role.RECEPTION_OFFICER,
            {"act": "return_result", "return_method": "counter", "recipient_name": "An"},
            409,
            None,
        ),
        (Role.LEADER, {"act": "finish"}, 409, "transition_not_allowed"),
        # Possible, but not for this role of the same commune: 403.
        (Role.SPECIALIST, {"act": "forward"}, 403, "act_not_permitted"),
        ("citizen", {"act": "forward"}, 403, "act_not_permitted"),
        # A stale view of the dossier: 409.
        (Role.RECEPTION_OFFICER, {"act": "forward", "version": 0}, 409, "stale_version"),
    ],
)
def test_a_refused_act_changes_nothing(province, api, who, data, status, code):
    dossier = receive(province)
    events = dossier_events_count(dossier)
    problem = assert_problem(act(api, who, dossier, **data), status)
    if code:
        assert problem["code"] == code
    stored = Dossier.objects.get()
    assert (stored.status, stored.version) == (S.ACCEPTED, dossier.version)
    assert dossier_events_count(dossier) == events


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"act": "refuse"}, "non_field_errors", "lý do"),
        ({"act": "request_supplement", "comment": "Thiếu"}, "non_field_errors", "thành phần"),
        ({"act": "sign"}, "act", None),
        ({"act": "refuse", "comment": "x" * 2001}, "comment", None),
        ({"act": "refuse", "comment": "Sai", "missing": "Sổ đỏ"}, "missing", None),
        ({"act": "request_supplement", "amount": "nhiều"}, "amount", None),
        ({"act": "request_supplement", "missing": ["Sổ"], "answer_by": "31/02"}, "answer_by", None),
        (
            {"act": "request_supplement", "missing": ["Sổ"], "answer_by": "2020-01-06"},
            "non_field_errors",
            "hạn bổ sung",
        ),
        ({}, "act", None),
    ],
)
def test_an_act_with_bad_input_answers_400_and_changes_nothing(province, api, data, field, message):
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
    )
    problem = assert_problem(act(api, Role.RECEPTION_OFFICER, str(dossier.uid), **data), 400)
    assert field in problem["errors"]
    if message:
        assert message in " ".join(problem["errors"][field]).lower()
    assert Dossier.objects.get().status == S.REGISTERED
    assert dossier_events_count(dossier) == 1


def test_a_supplement_is_requested_once_and_the_answer_by_date_is_kept(province, api):
    """During processing (MOTCUA_SUPPLEMENT_ONCE): the second request is a 409 that changes
    nothing; a citizen may not ask at all (403)."""
    dossier = receive(province)
    assert act(api, Role.RECEPTION_OFFICER, dossier, "forward").status_code == 200
    asked = {"missing": ["Sổ"], "answer_by": "2026-03-20"}
    assert_problem(act(api, "citizen", dossier, "request_supplement", **asked), 403)
    response = act(api, Role.SPECIALIST, dossier, "request_supplement", **asked)
    assert response.status_code == 200, response.content
    assert DossierPause.objects.get().answer_by == date(2026, 3, 20)
    assert act(api, Role.SPECIALIST, dossier, "receive_supplement").status_code == 200
    events = dossier_events_count(dossier)
    problem = assert_problem(act(api, Role.SPECIALIST, dossier, "request_supplement", **asked), 409)
    assert problem["code"] == "supplement_once"
    assert Dossier.objects.get().status == S.IN_PROCESSING
    assert dossier_events_count(dossier) == events


def test_the_timeline_shows_every_act_and_finds_a_tampered_event(province, api):
    dossier = receive(province)
    act(api, Role.RECEPTION_OFFICER, dossier, "forward")
    act(api, Role.LEADER, dossier, "stop", comment="Chờ ý kiến")
    response = api("citizen").get(f"{URL}/{dossier.code}/events")
    assert response.status_code == 200
    timeline = response.json()
    assert timeline["chain_intact"] is True and timeline["broken_link"] is None
    assert [(e["seq"], e["action"]) for e in timeline["events"]] == [
        (1, "dossier.register"),
        (2, "dossier.accept"),
        (3, "dossier.forward"),
        (4, "dossier.stop"),
    ]
    last = timeline["events"][-1]
    assert last["actor"] == "leader" and last["data"]["reason"] == "Chờ ý kiến"
    assert VN_OFFSET.search(last["occurred_at"])

    AuditEvent.objects.filter(chain=f"dossiers.dossier:{dossier.pk}", seq=3).update(
        data={"to": "processed"}
    )
    timeline = api("citizen").get(f"{URL}/{dossier.code}/events").json()
    assert timeline["chain_intact"] is False
    assert timeline["broken_link"]["seq"] == 3 and timeline["broken_link"]["reason"] == "content"
    assert len(timeline["events"]) == 4


# --- the whole process ------------------------------------------------------------------------


def test_one_dossier_through_the_whole_process(province, process, api):
    response = api(Role.RECEPTION_OFFICER).post(URL, body(), format="json")
    assert response.status_code == 201
    code = response.json()["code"]
    step_two = process.steps.get(position=2).pk
    walk = [
        (Role.RECEPTION_OFFICER, {"act": "forward"}, S.IN_PROCESSING, 2),
        (
            Role.SPECIALIST,
            {"act": "request_supplement", "comment": "Thiếu", "missing": ["Sổ đỏ"]},
            S.SUPPLEMENT_REQUESTED,
            2,
        ),
        (Role.RECEPTION_OFFICER, {"act": "receive_supplement"}, S.IN_PROCESSING, 2),
        (Role.SPECIALIST, {"act": "transfer"}, S.IN_TRANSFER, 3),
        ("tax_specialist", {"act": "receive_back"}, S.IN_PROCESSING, 4),
        (
            Role.DEPARTMENT_HEAD,
            {"act": "send_back", "comment": "Xem lại", "target_step": step_two},
            S.IN_PROCESSING,
            2,
        ),
        (Role.SPECIALIST, {"act": "transfer"}, S.IN_TRANSFER, 3),
        ("tax_specialist", {"act": "receive_back"}, S.IN_PROCESSING, 4),
        (Role.DEPARTMENT_HEAD, {"act": "forward"}, S.IN_PROCESSING, 5),
        (Role.LEADER, {"act": "forward"}, S.IN_PROCESSING, 6),
        (Role.CLERK, {"act": "finish", "result_number": "125/GCN"}, S.PROCESSED, None),
        (
            Role.RECEPTION_OFFICER,
            {"act": "return_result", "return_method": "counter", "recipient_name": "An"},
            S.RESULT_RETURNED,
            None,
        ),
    ]
    for version, (who, data, status, position) in enumerate(walk, start=1):
        response = act(api, who, code, version=version, **data)
        assert response.status_code == 200, (data, response.content)
        dossier = response.json()
        assert dossier["status"] == status, data
        step = dossier["current_step"]
        assert (step["position"] if step else None) == position, data
        if data == {"act": "forward"} and position == 2:
            # the step is the specialist's: the department head may forward, but not this one
            refused = act(api, Role.DEPARTMENT_HEAD, code, "forward")
            assert assert_problem(refused, 403)["code"] == "act_not_permitted"
        if status == S.IN_TRANSFER:
            assert dossier["current_agency"]["slug"] == "thue"
            assert step["agency"]["slug"] == "thue"
            # the tax office's specialist sees it now and may send it back
            tax_view = api("tax_specialist").get(f"{URL}/{code}").json()
            assert tax_view["allowed_acts"] == ["receive_back"]
    assert dossier["judgement"] == "early" and dossier["result_number"] == "125/GCN"
    assert dossier["return_method"] == "counter" and dossier["allowed_acts"] == []
    assert VN_OFFSET.search(dossier["returned_at"]) and VN_OFFSET.search(dossier["finished_at"])
    timeline = api("tax_specialist").get(f"{URL}/{code}/events").json()
    assert timeline["chain_intact"] is True
    assert len(timeline["events"]) == 2 + len(walk)
