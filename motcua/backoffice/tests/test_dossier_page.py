"""The dossier page: who may open it, what it shows, every act through its form, bad input and
stale versions that change nothing, confirmations, and the bulk forward."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.core import audit
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier, DossierPause
from motcua.dossiers.tests.conftest import build_province, publish_process, receive

from .scenes import (
    act,
    at_specialist,
    long_ago,
    processed,
    register_online,
    today,
    working_day_after,
)

pytestmark = pytest.mark.django_db

S = DossierStatus


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    return province


def key(dossier: Dossier) -> str:
    return dossier.code or str(dossier.uid)


def page_url(dossier: Dossier, prefix: str = "") -> str:
    return f"{prefix}/can-bo/ho-so/{key(dossier)}/"


def act_url(dossier: Dossier) -> str:
    return reverse("backoffice:dossier-act", args=[key(dossier)])


def as_user(client, province, who):
    client.force_login(province.users[who])
    return client


def post_act(client, dossier: Dossier, name: Act, **fields):
    """The act's form as the page would send it: prefixed fields and the version shown."""
    fresh = Dossier.objects.get(pk=dossier.pk)
    if "target_step" in fields:
        fields["target_step"] = fresh.process.steps.get(name=fields["target_step"]).pk
    data = {"act": name.value, f"{name.value}-version": fresh.version}
    data |= {f"{name.value}-{field}": value for field, value in fields.items()}
    return client.post(act_url(dossier), data)


def state(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    events = AuditEvent.objects.filter(chain=audit.chain_of(fresh)).count()
    return fresh.status, fresh.version, fresh.current_step_id, fresh.due_at, events


@pytest.mark.parametrize(
    "who", [Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.LEADER, Role.PROVINCE_ADMIN]
)
def test_officials_of_the_agency_open_it(client, province, who):
    dossier = at_specialist(province)
    response = as_user(client, province, who).get(page_url(dossier))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        dossier.code,
        "Đăng ký biến động quyền sử dụng đất",
        "1.004227",
        "Đang xử lý",
        "trạng thái quốc gia 4",
        "Nguyễn Văn An",
        "Trực tiếp",
        "Cơ quan xa-a",
        "Đơn đăng ký",
        "Lệ phí đăng ký",
        "30.000",
        "5 ngày làm việc",
        "Thẩm định hồ sơ",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        "Nhật ký nguyên vẹn: 3 sự kiện",
    ):
        assert text in html, text


@pytest.mark.parametrize("who", ["outsider", "citizen"])
def test_others_get_not_found(client, province, who):
    dossier = at_specialist(province)  # the citizen is its applicant: still not here
    assert as_user(client, province, who).get(page_url(dossier)).status_code == 404
    assert post_act(client, dossier, Act.WITHDRAW, confirm="on").status_code == 404
    assert state(dossier)[0] == S.IN_PROCESSING


def test_not_found_and_log_in(client, province):
    dossier = receive(province)
    as_user(client, province, Role.RECEPTION_OFFICER)
    assert client.get("/can-bo/ho-so/000.00.01.H49-990101-0001/").status_code == 404
    assert client.get(page_url(dossier, "/en")).status_code == 200
    assert client.get(act_url(dossier)).status_code == 405
    client.logout()
    response = client.get(page_url(dossier))
    assert response.status_code == 302 and "/can-bo/dang-nhap/" in response["Location"]


def test_before_its_code_an_online_dossier_shows_its_reference(client, province):
    dossier = register_online(province)
    Dossier.objects.filter(pk=dossier.pk).update(reference="K7M2Q9TX")
    as_user(client, province, Role.RECEPTION_OFFICER)
    html = client.get(page_url(dossier)).content.decode()
    assert "K7M2Q9TX" in html and "(mã tra cứu; mã hồ sơ được cấp khi tiếp nhận)" in html
    listed = client.get(reverse("backoffice:worklist") + "?list=agency").content.decode()
    assert ">K7M2Q9TX</a>" in listed


def test_an_online_dossier_is_known_by_its_reference(client, province):
    dossier = register_online(province)
    response = as_user(client, province, Role.RECEPTION_OFFICER).get(page_url(dossier))
    assert response.status_code == 200
    assert "(chưa có mã)" in response.content.decode()
    assert [f.act for f in response.context["forms"]] == [
        Act.ACCEPT,
        Act.REFUSE,
        Act.REQUEST_SUPPLEMENT,
        Act.WITHDRAW,
    ]


def _step(who, name, status, **fields):
    return pytest.param(who, name, fields, status, id=f"{who}-{name}")


# One dossier through every act of the process, each through the page's form.
JOURNEY = [
    _step(Role.RECEPTION_OFFICER, Act.FORWARD, S.IN_PROCESSING),
    _step(
        Role.SPECIALIST,
        Act.REQUEST_SUPPLEMENT,
        S.SUPPLEMENT_REQUESTED,
        comment="Hồ sơ chưa đủ",
        missing="Bản vẽ hiện trạng\nBản sao giấy chứng nhận",
    ),
    _step(Role.SPECIALIST, Act.RECEIVE_SUPPLEMENT, S.IN_PROCESSING),
    _step(
        Role.SPECIALIST,
        Act.REQUEST_FINANCIAL_OBLIGATION,
        S.FINANCIAL_OBLIGATION,
        comment="Thuế thu nhập cá nhân",
        amount="1500000",
    ),
    _step(Role.SPECIALIST, Act.CONFIRM_PAYMENT, S.IN_PROCESSING, reference="BL-0001"),
    _step(Role.SPECIALIST, Act.TRANSFER, S.IN_TRANSFER, comment="Xác định thuế"),
    _step("tax_specialist", Act.RECEIVE_BACK, S.IN_PROCESSING),
    _step(
        Role.DEPARTMENT_HEAD,
        Act.SEND_BACK,
        S.IN_PROCESSING,
        comment="Xem lại",
        target_step="Thẩm định hồ sơ",  # two earlier steps: the official chooses
    ),
]


def test_every_act_through_its_form(client, province):
    dossier = receive(province, at=long_ago(2))
    for who, name, fields, status in [p.values for p in JOURNEY]:
        as_user(client, province, who)
        page = client.get(page_url(dossier))
        assert name in [f.act for f in page.context["forms"]], (who, name)
        response = post_act(client, dossier, name, **fields)
        assert response.status_code == 302, (who, name, response.content.decode()[:3000])
        assert response["Location"] == page_url(dossier)
        assert state(dossier)[0] == status, (who, name)
        message = str(next(iter(client.get(response["Location"]).context["messages"])))
        assert message.startswith(f"Đã thực hiện “{name.label}”")
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.current_step.name == "Thẩm định hồ sơ"  # sent back to the specialist
    event = AuditEvent.objects.get(action="dossier.request_supplement")
    assert event.data["missing"] == ["Bản vẽ hiện trạng", "Bản sao giấy chứng nhận"]
    assert fresh.fees.get(amount=1500000).reference == "BL-0001"
    # On to the result: the tax office again, a stop and resume, the leader and the clerk.
    rest = [
        (Role.SPECIALIST, Act.TRANSFER, {}, S.IN_TRANSFER),
        ("tax_specialist", Act.RECEIVE_BACK, {}, S.IN_PROCESSING),
        (Role.DEPARTMENT_HEAD, Act.STOP, {"comment": "Chờ ý kiến", "confirm": "on"}, S.STOPPED),
        (Role.DEPARTMENT_HEAD, Act.RESUME, {}, S.IN_PROCESSING),
        (Role.DEPARTMENT_HEAD, Act.FORWARD, {}, S.IN_PROCESSING),
        (Role.LEADER, Act.FORWARD, {}, S.IN_PROCESSING),
        (Role.CLERK, Act.FINISH, {"result_number": "15/GCN", "confirm": "on"}, S.PROCESSED),
        (
            Role.RECEPTION_OFFICER,
            Act.RETURN_RESULT,
            {"return_method": "counter", "recipient_name": "Nguyễn Văn An", "confirm": "on"},
            S.RESULT_RETURNED,
        ),
    ]
    for who, name, fields, status in rest:
        as_user(client, province, who)
        response = post_act(client, dossier, name, **fields)
        assert response.status_code == 302, (who, name, response.content.decode()[:3000])
        assert state(dossier)[0] == status, (who, name)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.result_number, fresh.return_method) == ("15/GCN", "counter")
    page = client.get(page_url(dossier))
    assert page.context["forms"] == []
    assert "Hiện Ông/Bà không có thao tác nào với hồ sơ này." in page.content.decode()


def test_the_intake_acts(client, province):
    as_user(client, province, Role.RECEPTION_OFFICER)
    accepted = register_online(province)
    assert post_act(client, accepted, Act.ACCEPT).status_code == 302
    assert Dossier.objects.get(pk=accepted.pk).code
    asked = register_online(province)
    response = post_act(client, asked, Act.REQUEST_SUPPLEMENT, comment="Thiếu", missing="Tờ khai")
    assert response.status_code == 302
    assert state(asked)[0] == S.INTAKE_SUPPLEMENT_REQUESTED
    assert post_act(client, asked, Act.RECEIVE_SUPPLEMENT).status_code == 302
    assert state(asked)[0] == S.REGISTERED
    refused = register_online(province)
    response = post_act(client, refused, Act.REFUSE, comment="Không thuộc thẩm quyền", confirm="on")
    assert response.status_code == 302 and state(refused)[0] == S.NOT_ACCEPTED
    withdrawn = receive(province)
    response = post_act(client, withdrawn, Act.WITHDRAW, comment="Đơn xin rút", confirm="on")
    assert response.status_code == 302 and state(withdrawn)[0] == S.WITHDRAWN


def test_the_supplement_request_names_the_answer_by_date(client, province):
    """Mẫu 02's answer-by date from the form; a day that is not a later working day is refused
    and changes nothing."""
    now = timezone.now()
    dossier = at_specialist(province, at=now - timedelta(hours=2))
    as_user(client, province, Role.SPECIALIST)
    before = state(dossier)
    response = post_act(
        client, dossier, Act.REQUEST_SUPPLEMENT, missing="Tờ khai", answer_by=today().isoformat()
    )
    assert response.status_code == 400 and state(dossier) == before
    assert "Hạn bổ sung phải là một ngày làm việc sau ngày" in response.content.decode()
    day = working_day_after(province, today(), 7)
    response = post_act(
        client, dossier, Act.REQUEST_SUPPLEMENT, missing="Tờ khai", answer_by=day.isoformat()
    )
    assert response.status_code == 302
    assert DossierPause.objects.get(dossier=dossier).answer_by == day
    page = client.get(page_url(dossier)).content.decode()
    assert "Hạn bổ sung</dt>" in page or day.strftime("%d/%m/%Y") in page


def test_bad_input_keeps_what_was_typed_and_changes_nothing(client, province):
    dossier = at_specialist(province)
    before = state(dossier)
    as_user(client, province, Role.SPECIALIST)
    response = post_act(client, dossier, Act.REQUEST_SUPPLEMENT, comment="Lý do đã gõ", missing="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cần liệt kê đầy đủ các thành phần hồ sơ còn thiếu." in html
    assert "Lý do đã gõ" in html  # nothing typed is lost
    assert 'id="act-request_supplement" open' in html
    assert state(dossier) == before
    response = post_act(
        client, dossier, Act.REQUEST_FINANCIAL_OBLIGATION, comment="Thuế", amount=""
    )
    assert response.status_code == 400
    assert "Số tiền phải là số đồng lớn hơn 0." in response.content.decode()
    response = post_act(
        client, dossier, Act.REQUEST_FINANCIAL_OBLIGATION, comment="Thuế", amount="mười nghìn"
    )
    assert response.status_code == 400 and 'value="mười nghìn"' in response.content.decode()
    assert state(dossier) == before
    response = client.post(act_url(dossier), {"act": "bogus"})
    assert response.status_code == 400 and state(dossier) == before


def test_irreversible_acts_need_the_confirmation(client, province):
    dossier = at_specialist(province)
    before = state(dossier)
    as_user(client, province, Role.DEPARTMENT_HEAD)
    page = client.get(page_url(dossier)).content.decode()
    assert "Tôi xác nhận: thao tác này không thể hoàn tác." in page
    response = post_act(client, dossier, Act.STOP, comment="Chờ xác minh")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hãy đánh dấu ô xác nhận" in html and "Chờ xác minh" in html
    assert state(dossier) == before
    as_user(client, province, Role.RECEPTION_OFFICER)
    assert post_act(client, dossier, Act.WITHDRAW, comment="Rút").status_code == 400
    assert state(dossier) == before


def test_a_stale_version_is_refused_and_keeps_the_input(client, province):
    dossier = at_specialist(province)
    seen = Dossier.objects.get(pk=dossier.pk).version
    as_user(client, province, Role.SPECIALIST)
    # Someone else acts first.
    act(province, dossier, Act.REQUEST_FINANCIAL_OBLIGATION, Role.SPECIALIST, comment="x", amount=1)
    act(province, dossier, Act.CONFIRM_PAYMENT, Role.SPECIALIST)
    before = state(dossier)
    response = client.post(
        act_url(dossier),
        {
            "act": Act.REQUEST_SUPPLEMENT.value,
            "request_supplement-version": seen,
            "request_supplement-comment": "Ý kiến của tôi",
            "request_supplement-missing": "Giấy A",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Hồ sơ đã được người khác thay đổi sau khi Ông/Bà mở; hãy tải lại hồ sơ." in html
    assert "Ý kiến của tôi" in html
    assert f'name="request_supplement-version" value="{before[1]}"' in html
    assert state(dossier) == before


def test_an_act_not_allowed_is_refused(client, province):
    dossier = at_specialist(province)
    before = state(dossier)
    as_user(client, province, Role.SPECIALIST)
    assert post_act(client, dossier, Act.ACCEPT).status_code == 409  # not in this status
    assert post_act(client, dossier, Act.STOP, comment="x", confirm="on").status_code == 403
    assert state(dossier) == before


def test_bulk_forward_reports_each_dossier(client, province):
    first, second, changed = (receive(province, at=long_ago(2)) for _ in range(3))
    elsewhere = at_specialist(province)  # the reception officer no longer holds it
    as_user(client, province, Role.RECEPTION_OFFICER)
    page = client.get(reverse("backoffice:worklist"), {"list": "mine"})
    html = page.content.decode()
    assert "Chuyển tiếp các hồ sơ đã chọn" in html
    assert {r.dossier.code for r in page.context["rows"] if r.forwardable} == {
        first.code,
        second.code,
        changed.code,
    }
    versions = {d.code: Dossier.objects.get(pk=d.pk).version for d in (first, second, changed)}
    act(province, changed, Act.FORWARD, Role.RECEPTION_OFFICER)  # by a colleague, meanwhile
    data = {
        "dossier": [first.code, second.code, changed.code, elsewhere.code],
        **{f"version-{code}": version for code, version in versions.items()},
    }
    response = client.post(reverse("backoffice:bulk-forward"), data)
    assert response.status_code == 200
    assert [o.key for o in response.context["succeeded"]] == [first.code, second.code]
    failed = {o.key: o.message for o in response.context["failed"]}
    assert set(failed) == {changed.code, elsewhere.code}
    assert "người khác thay đổi" in failed[changed.code]
    assert "Ông/Bà không có quyền" in failed[elsewhere.code]  # the specialist's now
    html = response.content.decode()
    assert "Đã chuyển tiếp 2 hồ sơ, 2 hồ sơ chưa chuyển được." in html
    for dossier in (first, second):
        assert state(dossier)[0] == S.IN_PROCESSING
    assert Dossier.objects.get(pk=elsewhere.pk).current_step.name == "Thẩm định hồ sơ"


def test_bulk_forward_without_a_choice(client, province):
    as_user(client, province, Role.RECEPTION_OFFICER)
    response = client.post(reverse("backoffice:bulk-forward"), {}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?list=mine")
    assert "Hãy chọn ít nhất một hồ sơ để chuyển tiếp." in response.content.decode()


def test_the_timeline_tells_an_altered_history(client, province):
    dossier = at_specialist(province)
    event = AuditEvent.objects.filter(chain=audit.chain_of(dossier)).order_by("seq")[1]
    AuditEvent.objects.filter(pk=event.pk).update(data={**event.data, "reason": "sửa lén"})
    html = as_user(client, province, Role.LEADER).get(page_url(dossier)).content.decode()
    assert "Nhật ký hồ sơ đã bị thay đổi tại sự kiện #2." in html
    assert "Nhật ký nguyên vẹn" not in html


# A Friday: three, two and one days ago are Tuesday, Wednesday and Thursday, so the pause for
# the supplement spans working time and moves the appointment (over a weekend it would not).
@time_machine.travel(datetime.fromisoformat("2026-03-13T10:00:00+07:00"), tick=True)
def test_appointment_changes_show_old_and_new(client, province):
    dossier = at_specialist(province, at=long_ago(3))
    dossier = act(
        province,
        dossier,
        Act.REQUEST_SUPPLEMENT,
        Role.SPECIALIST,
        at=long_ago(2),
        comment="Thiếu",
        missing=["Bản vẽ"],
    )
    act(province, dossier, Act.RECEIVE_SUPPLEMENT, Role.SPECIALIST, at=long_ago(1))
    response = as_user(client, province, Role.SPECIALIST).get(page_url(dossier))
    changes = list(response.context["appointments"])
    assert len(changes) == 2 and changes[1].previous_due_at == changes[0].new_due_at
    html = response.content.decode()
    assert "→" in html and "Lịch sử thay đổi ngày hẹn trả" in html
    assert "Bản vẽ" in html  # the missing papers in the timeline
    assert timedelta(0) < changes[1].new_due_at - changes[1].previous_due_at


def test_the_page_costs_a_bounded_number_of_queries(
    client, province, django_assert_max_num_queries
):
    """Whatever the number of steps, events, components and fees (no query per row)."""
    short, long = at_specialist(province), processed(province)
    as_user(client, province, Role.PROVINCE_ADMIN)
    for dossier in (short, long):
        # 24 for the page + up to 4 to know which slips the dossier has (events read per kind)
        # + the e-form behind the answers, the unread count of the official's inbox and the
        # assignment panel (the step's eligible officials), and for an overdue dossier whether
        # an apology was already given (once only)
        with django_assert_max_num_queries(34):  # + the payments panel: requests, roles
            assert client.get(page_url(dossier)).status_code == 200
