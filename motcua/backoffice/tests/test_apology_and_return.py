"""The dossier page asks for the apology (Mẫu 04) when the appointment will be missed, issues it
through its form, and records how the result was returned (counter: who took it and which
originals came back; post: the tracking number; online: only with an electronic result)."""

import pytest

from motcua.accounts.constants import Role
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Apology, Dossier
from motcua.dossiers.tests.conftest import build_province, receive

from .scenes import act, due_on, long_ago, today, working_day_after
from .test_dossier_page import as_user, page_url, post_act, state

pytestmark = pytest.mark.django_db

PROMPT = 'id="apology-prompt"'


@pytest.fixture
def province(db):
    return build_province()  # no internal process: the status machine alone


def running_due(province, day) -> Dossier:
    dossier = due_on(province, day)
    assert dossier is not None
    return act(province, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, dossier.accepted_at)


def test_a_dossier_due_on_the_next_working_day_asks_for_the_apology(client, province):
    dossier = running_due(province, working_day_after(province, today()))
    page = as_user(client, province, Role.LEADER).get(page_url(dossier)).content.decode()
    assert PROMPT in page and 'href="#act-apologise"' in page
    assert "phải ban hành phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)" in page
    # A specialist sees the warning and is told whom to ask; no form of their own.
    page = as_user(client, province, Role.SPECIALIST).get(page_url(dossier)).content.decode()
    assert PROMPT in page and "Hãy báo lãnh đạo phòng" in page
    assert 'id="act-apologise"' not in page


def test_past_the_deadline_the_apology_can_no_longer_be_given(client, province):
    """Once, before the deadline (MOTCUA_APOLOGY_BEFORE_DEADLINE, dossiers.pauses): the page
    says so instead of offering a form the service would refuse."""
    dossier = act(province, _overdue(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    page = as_user(client, province, Role.LEADER).get(page_url(dossier)).content.decode()
    assert PROMPT not in page and 'id="apology-missed"' in page
    assert "không thể ban hành" in page
    response = post_act(
        client,
        dossier,
        Act.APOLOGISE,
        comment="Chờ kết quả xác minh",
        new_appointment=working_day_after(province, today(), 5).isoformat(),
        confirm="on",
    )
    assert response.status_code == 409 and not Apology.objects.exists()


def _overdue(province) -> Dossier:
    return receive(province, at=long_ago(20))


def test_no_prompt_while_the_appointment_is_far_or_already_moved(client, province):
    far = running_due(province, working_day_after(province, today(), 5))
    as_user(client, province, Role.LEADER)
    assert PROMPT not in client.get(page_url(far)).content.decode()

    late = running_due(province, working_day_after(province, today()))
    new_day = working_day_after(province, today(), 5)
    response = post_act(
        client,
        late,
        Act.APOLOGISE,
        comment="Chờ kết quả xác minh",
        new_appointment=new_day.isoformat(),
        confirm="on",
    )
    assert response.status_code == 302
    page = client.get(page_url(late)).content.decode()
    assert PROMPT not in page
    assert "Ngày hẹn mới (phiếu xin lỗi, Mẫu 04)" in page
    assert f"{new_day:%d/%m/%Y} 17:00" in page
    assert "Mẫu 04" in page and "/phieu/apology.pdf" in page
    assert Apology.objects.get().reason == "Chờ kết quả xác minh"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"comment": "", "new_appointment": "later"}, "Lý do chậm trễ"),
        ({"comment": "Chậm", "new_appointment": ""}, "Ngày hẹn mới"),
        ({"comment": "Chậm", "new_appointment": "earlier"}, "phải là một ngày làm việc sau"),
        ({"comment": "Chậm", "new_appointment": "31/02/2027"}, "Ngày hẹn mới"),
    ],
)
def test_a_bad_apology_changes_nothing(client, province, fields, message):
    dossier = act(province, _overdue(province), Act.FORWARD, Role.RECEPTION_OFFICER)
    days = {
        "later": working_day_after(province, today(), 5),
        "earlier": long_ago(30).date(),  # before the (missed) appointment
    }
    if fields["new_appointment"] in days:
        fields["new_appointment"] = days[fields["new_appointment"]].isoformat()
    before = state(dossier)
    as_user(client, province, Role.LEADER)
    response = post_act(client, dossier, Act.APOLOGISE, confirm="on", **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(dossier) == before and not Apology.objects.exists()


def processed(province) -> Dossier:
    dossier = running_due(province, working_day_after(province, today(), 3))
    return act(province, dossier, Act.FINISH, Role.CLERK, result_number="15/GCN")


@pytest.mark.parametrize(
    ("fields", "saved"),
    [
        (
            {
                "return_method": "counter",
                "recipient_name": "Lê Văn Hùng",
                "recipient_id_number": "022090009876",
                "originals_collected": "Giấy chứng nhận cũ số AB 123456",
            },
            ("Lê Văn Hùng", "022090009876", "Giấy chứng nhận cũ số AB 123456", ""),
        ),
        (
            {"return_method": "post", "tracking_number": "EL123456789VN"},
            ("", "", "", "EL123456789VN"),
        ),
    ],
)
def test_returning_the_result_records_who_took_it_or_the_postal_item(
    client, province, fields, saved
):
    dossier = processed(province)
    as_user(client, province, Role.RECEPTION_OFFICER)
    response = post_act(client, dossier, Act.RETURN_RESULT, confirm="on", **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == DossierStatus.RESULT_RETURNED
    assert (
        fresh.result_recipient_name,
        fresh.result_recipient_id_number,
        fresh.originals_collected,
        fresh.post_tracking_number,
    ) == saved
    page = client.get(page_url(dossier)).content.decode()
    for value in saved:
        assert value in page


def test_the_recipient_is_prefilled_with_the_applicant(client, province):
    dossier = processed(province)
    page = as_user(client, province, Role.RECEPTION_OFFICER).get(page_url(dossier))
    assert 'value="Nguyễn Văn An"' in page.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"return_method": "counter", "recipient_name": ""}, "Ghi người nhận kết quả."),
        ({"return_method": "post"}, "Ghi số hiệu bưu gửi."),
        ({"return_method": "online"}, "Tải lên kết quả điện tử trước khi trả kết quả trực tuyến."),
    ],
)
def test_a_return_without_its_details_changes_nothing(client, province, fields, message):
    dossier = processed(province)
    before = state(dossier)
    as_user(client, province, Role.RECEPTION_OFFICER)
    response = post_act(client, dossier, Act.RETURN_RESULT, confirm="on", **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(dossier) == before
