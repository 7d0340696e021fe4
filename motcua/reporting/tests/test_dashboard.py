"""The leaders' dashboard (reporting.dashboard): who sees which agencies, the backlog by step,
overdue dossiers by the agency holding them, the slowest procedures and the trend, on the March
dossiers of tests/outcomes.py seen on 31 March."""

from datetime import date

import pytest
from freezegun import freeze_time

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.dossiers.constants import Act
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.conftest import build_province, publish_process, receive, vn
from motcua.reporting.dashboard import dashboard_agencies, dashboard_backlog, dashboard_data
from motcua.reporting.tests.conftest import build_tree

from .outcomes import build_march

pytestmark = pytest.mark.django_db


def slugs(user) -> set[str]:
    return set(dashboard_agencies(user=user).values_list("slug", flat=True))


def official(username: str, agency, role: str) -> User:
    user = User.objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


def test_who_sees_which_agencies():
    tree = build_tree()
    users = tree.province.users
    assert slugs(users[Role.LEADER]) == {"xa-a"}
    assert slugs(users[Role.DEPARTMENT_HEAD]) == {"xa-a"}
    province_leader = official("chutich", tree.top, Role.LEADER)
    assert slugs(province_leader) == {"tinh", "huyen", "xa-a", "xa-b"}
    assert slugs(users[Role.SUPERVISOR]) == {"tinh", "huyen", "xa-a", "xa-b", "thue"}
    for who in (Role.SPECIALIST, Role.RECEPTION_OFFICER, Role.CLERK, "citizen", "outsider"):
        assert slugs(users[who]) == set(), who


def test_the_dashboard_of_the_commune_at_the_end_of_march():
    march = build_march(build_province())
    commune = march.province.commune
    with freeze_time(vn(2026, 3, 31, 12)):
        data = dashboard_data(
            agency=commune, start=date(2026, 3, 1), end=date(2026, 3, 31), today=date(2026, 3, 31)
        )
    # D and E in processing (E past its appointment of 10 March), G waiting for a supplement
    assert [(b.label, b.open, b.overdue) for b in data.backlog] == [
        ("Đang xử lý", 2, 1),
        ("Yêu cầu bổ sung giấy tờ", 1, 0),
    ]
    assert (data.open_total, data.overdue_total) == (3, 1)
    assert [(o.agency, o.count) for o in data.overdue] == [("Cơ quan xa-a", 1)]
    (slow,) = data.slow
    assert slow.row.label.startswith("1.004227")
    assert (slow.row.resolved, slow.row.resolved_late, slow.late_rate) == (
        3,
        1,
        pytest.approx(1 / 3),
    )
    assert data.total.received == 7
    assert len(data.trend) == 12
    assert data.trend[-1].row.on_time_rate == pytest.approx(2 / 3)


def test_the_backlog_follows_the_steps_of_the_process():
    province = build_province()
    publish_process(province)
    at = vn(2026, 3, 2, 8)
    receive(province, at=at)
    second = receive(province, at=at)
    dossier_act(
        dossier=second, act=Act.FORWARD, actor=province.users[Role.RECEPTION_OFFICER], at=at
    )
    backlog = dashboard_backlog(agency=province.commune, now=vn(2026, 3, 3, 8))
    assert [(b.label, b.open, b.overdue) for b in backlog] == [
        ("Tiếp nhận, chuyển hồ sơ", 1, 0),
        ("Thẩm định hồ sơ", 1, 0),
    ]
    # another agency's dashboard does not see them
    assert dashboard_backlog(agency=province.other_commune, now=vn(2026, 3, 3, 8)) == ()
