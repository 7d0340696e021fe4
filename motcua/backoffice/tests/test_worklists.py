"""The officials' worklists: what each list holds, counts equal to the lists, filters, search,
paging, a constant number of queries, and who may see what."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel, ProcedureLevel, PublicationStatus, TimeUnit
from motcua.catalogue.models import Field, Procedure, ProcedureChannel
from motcua.dossiers import worklists as lists
from motcua.dossiers.constants import PAUSED_STATUSES, Act, DossierStatus
from motcua.dossiers.services import Applicant, dossier_receive
from motcua.dossiers.tests.conftest import build_province, publish_process, receive

from .scenes import (
    act,
    at_specialist,
    due_on,
    last_working_day,
    long_ago,
    processed,
    register_online,
    today,
    working_day_after,
    working_day_before,
)

pytestmark = pytest.mark.django_db

URL = "/can-bo/ho-so/"


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    return province


def login(client, province, who):
    client.force_login(province.users[who])
    return client


def listed(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [row.dossier.code or str(row.dossier.uid) for row in response.context["rows"]]


def counts(client, **params) -> dict[str, int]:
    response = client.get(URL, params)
    return {key: count for key, _label, count in response.context["tabs"]}


def codes(*dossiers) -> set[str]:
    return {d.code or str(d.uid) for d in dossiers if d is not None}


@pytest.fixture
def scene(province):
    """One dossier for each situation (the module doc of dossiers.worklists)."""
    now = timezone.now()
    day = today()
    scene = {
        "due_today": due_on(province, day, name="Lê Hạn Hôm Nay"),
        "due_tomorrow": due_on(province, working_day_after(province, day), name="Trần Ngày Mai"),
        "due_in_two": due_on(province, working_day_after(province, day, 2)),
        "due_later": due_on(province, working_day_after(province, day, 6)),
        # Three working days late, counted up to the last working day (a day off adds none).
        "overdue": due_on(
            province,
            working_day_before(province, last_working_day(province, day), 3),
            name="Phạm Quá Hạn",
        ),
        "at_specialist": at_specialist(province),
        "processed": processed(province),
        "registered": register_online(province),
    }
    # Asked within the 3 working days after acceptance a supplement request allows.
    paused = at_specialist(province, at=now - timedelta(days=2), name="Võ Tạm Dừng")
    scene["paused"] = act(
        province,
        paused,
        Act.REQUEST_SUPPLEMENT,
        Role.SPECIALIST,
        at=now - timedelta(days=1),
        comment="Thiếu giấy tờ",
        missing=["Bản vẽ"],
    )
    # Another commune's dossier: nobody of the first commune sees it.
    scene["elsewhere"] = dossier_receive(
        procedure=province.procedure,
        agency=province.other_commune,
        channel=Channel.DIRECT,
        applicant=Applicant(name="Ngoài Xã"),
        actor=province.users["outsider"],
        at=long_ago(2),
    )
    return scene


def test_each_list_holds_what_it_should(client, province, scene):
    login(client, province, Role.RECEPTION_OFFICER)
    now = timezone.now()
    s = scene
    running = [s["due_today"], s["due_tomorrow"], s["due_in_two"], s["due_later"], s["overdue"]]
    expected = {
        # Accepted at the reception step (waiting to be handed over), the online one waiting
        # for acceptance and the processed one (the result to return); not the specialist's,
        # not the paused one.
        lists.MINE: codes(*running, s["processed"], s["registered"]),
        lists.AGENCY: codes(*running, s["at_specialist"], s["processed"], s["registered"])
        | codes(s["paused"]),
        lists.DUE_TODAY: codes(s["due_today"]),
        lists.DUE_SOON: codes(s["due_tomorrow"], s["due_in_two"]),
        lists.OVERDUE: codes(*(d for d in running if d and d.due_at < now))
        | {d.code for d in [s["at_specialist"]] if d.due_at < now},
        lists.PAUSED: codes(s["paused"]),
    }
    tabs = counts(client)
    for name, wanted in expected.items():
        assert set(listed(client, list=name)) == wanted, name
        assert tabs[name] == len(wanted), name
    assert s["elsewhere"].code not in listed(client, list=lists.AGENCY)


def test_my_tasks_follow_the_step_holder(client, province, scene):
    login(client, province, Role.SPECIALIST)
    assert set(listed(client, list=lists.MINE)) == codes(scene["at_specialist"])
    login(client, province, Role.LEADER)
    assert listed(client, list=lists.MINE) == []
    # The tax office's specialist holds the transferred step, and sees only what passed there.
    dossier = act(province, scene["at_specialist"], Act.TRANSFER, Role.SPECIALIST)
    login(client, province, "tax_specialist")
    assert set(listed(client, list=lists.MINE)) == codes(dossier)
    assert set(listed(client, list=lists.AGENCY)) == codes(dossier, scene["processed"])


def test_rows_show_the_remaining_working_days(client, province, scene):
    login(client, province, Role.RECEPTION_OFFICER)
    response = client.get(URL, {"list": lists.AGENCY})
    rows = {row.dossier.code: row for row in response.context["rows"]}
    assert rows[scene["due_tomorrow"].code].days_left == 1
    assert rows[scene["overdue"].code].days_left == -3
    assert rows[scene["overdue"].code].overdue
    assert rows[scene["paused"].code].days_left is None
    html = response.content.decode()
    assert "Quá hạn 3 ngày làm việc" in html  # in words, not only in red
    assert "Còn 1 ngày làm việc" in html
    assert "Trạng thái" in html and "Yêu cầu bổ sung giấy tờ" in html
    assert timezone.localtime(scene["overdue"].due_at).strftime("%d/%m/%Y %H:%M") in html
    if scene["due_today"] is not None:
        assert rows[scene["due_today"].code].days_left == 0


def test_the_english_page(client, province, scene):
    login(client, province, Role.RECEPTION_OFFICER)
    html = client.get("/en/can-bo/ho-so/", {"list": lists.AGENCY}).content.decode()
    assert "My tasks" in html and "Overdue by 3 working days" in html


def _second_procedure() -> Procedure:
    field = Field.objects.create(slug="ho-tich", name="Hộ tịch", name_en="Civil status")
    procedure = Procedure.objects.create(
        national_code="1.001193",
        name="Đăng ký khai sinh",
        field=field,
        level=ProcedureLevel.COMMUNE,
        agency_kind="commune_pc",
        status=PublicationStatus.PUBLISHED,
        search_text="dang ky khai sinh 1.001193 ho tich",
    )
    ProcedureChannel.objects.create(
        procedure=procedure, channel=Channel.DIRECT, time_value=1, time_unit=TimeUnit.WORKING_DAY
    )
    return procedure


def test_filters_and_search(client, province):
    land = receive(province, at=long_ago(10), name="Nguyễn Văn Đất", id_number="022090009999")
    recent = receive(province, at=long_ago(1), name="Hoàng Thị Gần")
    online = register_online(province, name="Đỗ Trực Tuyến")
    birth = dossier_receive(
        procedure=_second_procedure(),
        agency=province.commune,
        channel=Channel.DIRECT,
        applicant=Applicant(name="Bùi Khai Sinh"),
        actor=province.users[Role.RECEPTION_OFFICER],
        at=long_ago(3),
    )
    login(client, province, Role.RECEPTION_OFFICER)
    everything = {"list": lists.AGENCY}

    def found(**params):
        return set(listed(client, **everything, **params))

    assert found() == codes(land, recent, online, birth)
    assert found(procedure="1.001193") == codes(birth)
    assert found(procedure="khai sinh") == codes(birth)  # words of the name, no diacritics
    assert found(procedure="Đăng ký biến động") == codes(land, recent, online)
    assert found(field="ho-tich") == codes(birth)
    assert found(status=DossierStatus.REGISTERED) == codes(online)
    assert found(channel=Channel.ONLINE) == codes(online)
    day = timezone.localdate(land.submitted_at)
    assert found(received_from=day.isoformat(), received_to=day.isoformat()) == codes(land)
    assert found(received_from=(timezone.localdate() - timedelta(days=2)).isoformat()) == codes(
        recent, online
    )
    assert found(q=land.code) == codes(land)
    assert found(q=land.code[-4:]) & codes(land)  # the tail of a code
    assert found(q="022090009999") == codes(land)
    assert found(q="Hoàng Thị") == codes(recent)
    assert found(q="nobody") == set()
    # A bad value is ignored (and shown), never a server error.
    response = client.get(URL, {**everything, "received_from": "31/02/2025", "status": "bogus"})
    assert response.status_code == 200 and len(response.context["rows"]) == 4
    # Counts follow the filters.
    assert counts(client, **everything, channel=Channel.ONLINE)[lists.AGENCY] == 1


def test_htmx_gets_the_list_only(client, province):
    receive(province, at=long_ago(2))
    login(client, province, Role.RECEPTION_OFFICER)
    response = client.get(URL, {"list": lists.AGENCY}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<!doctype html>" not in html
    assert 'class="mc-tabs"' in html and "mc-worklist" in html
    assert "HX-Request" in response["Vary"]


def test_paging_keeps_the_filters(client, province):
    for n in range(30):
        receive(province, at=long_ago(2) + timedelta(minutes=n))
    login(client, province, Role.RECEPTION_OFFICER)
    first = client.get(URL, {"list": lists.AGENCY, "channel": Channel.DIRECT})
    assert len(first.context["rows"]) == 25
    assert first.context["page"].paginator.num_pages == 2
    html = first.content.decode()
    assert "?list=agency&amp;channel=direct&amp;page=2" in html
    second = client.get(URL, {"list": lists.AGENCY, "channel": Channel.DIRECT, "page": 2})
    assert len(second.context["rows"]) == 5
    assert not {r.dossier.pk for r in first.context["rows"]} & {
        r.dossier.pk for r in second.context["rows"]
    }
    assert client.get(URL, {"page": "99"}).status_code == 200  # the last page


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", lists.WORKLISTS)
def test_a_constant_number_of_queries(client, province, name, django_assert_max_num_queries):
    """Sessions and user, memberships (visibility and tasks), calendar overrides, fields, the
    counts (one aggregate), the page of rows, its processes' steps and moves, the officials
    the rows' steps are assigned to, the nav (the user's roles), the header's unread notices."""
    login(client, province, Role.RECEPTION_OFFICER)
    params = {"list": name}
    for n in range(3):
        at_specialist(province, at=long_ago(5) + timedelta(minutes=n))
        receive(province, at=long_ago(5) + timedelta(minutes=n))
    few = _queries(client, params)
    for n in range(27):
        at_specialist(province, at=long_ago(4) + timedelta(minutes=n))
        receive(province, at=long_ago(4) + timedelta(minutes=n))
    with django_assert_max_num_queries(14):
        response = client.get(URL, params)
    assert response.status_code == 200
    assert _queries(client, params) == few


def test_an_official_of_another_agency_sees_nothing(client, province, scene):
    login(client, province, "outsider")
    tabs = counts(client)
    assert listed(client, list=lists.AGENCY) == [scene["elsewhere"].code]
    assert tabs[lists.AGENCY] == 1 and tabs[lists.MINE] == 1


def test_a_province_supervisor_sees_everything(client, province, scene):
    login(client, province, Role.SUPERVISOR)
    assert counts(client)[lists.AGENCY] == len([d for d in scene.values() if d is not None])
    assert counts(client)[lists.MINE] == 0


def test_citizens_are_refused_and_strangers_sent_to_log_in(client, province):
    login(client, province, "citizen")
    response = client.get(URL)
    assert response.status_code == 403
    assert "dành cho cán bộ" in response.content.decode()
    assert client.post(reverse("backoffice:bulk-forward")).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/can-bo/dang-nhap/?next=")


def test_home_leads_to_my_tasks(client, province):
    login(client, province, Role.SPECIALIST)
    response = client.get("/can-bo/", follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert response.context["current"] == lists.MINE


def test_the_partial_indexes_match_the_lists():
    """The running and paused lists filter exactly the statuses their partial indexes hold,
    so PostgreSQL can read them in due (pause) order at a million dossiers."""
    from motcua.dossiers.models import Dossier

    conditions = {
        index.name: set(index.condition.children[0][1])
        for index in Dossier._meta.indexes
        if index.condition is not None
    }
    assert conditions["dossier_running_due_idx"] == set(lists.RUNNING_STATUSES)
    assert conditions["dossier_paused_idx"] == set(PAUSED_STATUSES)
