import re

import pytest
from django.core.management import CommandError, call_command

from motcua.accounts.constants import AgencyKind, Role
from motcua.accounts.models import Agency, Membership, User
from motcua.catalogue.models import Field, Procedure
from motcua.demo.seed import DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db
REQUIRED_PROCEDURES = {
    "1.001193": "khai sinh",
    "1.000656": "khai tử",
    "1.000894": "kết hôn",
    "1.001612": "hộ kinh doanh",
    "2.000720": "hộ kinh doanh",
    "1.013225": "giấy phép xây dựng",
    "1.013227": "gia hạn giấy phép xây dựng",
    "2.000815": "chứng thực",
    "1.004222": "thường trú",
    "1.013978": "đất đai",
}


@pytest.fixture
def seeded(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    return capsys.readouterr().out


def test_demo_holds_a_real_province_and_catalogue(seeded):
    assert Agency.objects.filter(kind=AgencyKind.DEPARTMENT).count() >= 8
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE_PC).count() >= 20
    assert Agency.objects.filter(kind=AgencyKind.SERVICE_CENTRE).exists()
    assert Procedure.objects.count() >= 40
    assert Field.objects.filter(procedures__isnull=False).distinct().count() >= 10
    for code, words in REQUIRED_PROCEDURES.items():
        assert words in Procedure.objects.get(national_code=code).name.lower()
    assert all(
        re.fullmatch(r"\d\.\d{6}", c)
        for c in Procedure.objects.values_list("national_code", flat=True)
    )
    assert all(Procedure.objects.values_list("source", flat=True)), "every fact names its source"


def test_demo_users_cover_every_role_and_passwords_are_printed(seeded):
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    assert DEMO_PASSWORD in seeded
    for demo in DEMO_USERS:
        assert demo.username in seeded
        assert User.objects.get(username=demo.username).check_password(DEMO_PASSWORD)
    assert not Membership.objects.filter(user__username="congdan").exists()
    assert User.objects.get(username="quantri").is_staff


def test_loading_twice_changes_nothing(seeded):
    counts = (Agency.objects.count(), Procedure.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert counts == (Agency.objects.count(), Procedure.objects.count(), Membership.objects.count())


def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.exists()
