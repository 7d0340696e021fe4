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
IDENTIFIER = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H49")


@pytest.fixture
def seeded(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo", "--no-dossiers")
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


def test_every_agency_that_receives_dossiers_can_number_them(seeded):
    """Departments and today's communes receive dossiers, so each has an identifier code in the
    official format (the province's is real, the others are placeholders, see SOURCES.md)."""
    receiving = Agency.objects.filter(
        kind__in=[AgencyKind.DEPARTMENT, AgencyKind.COMMUNE_PC], valid_to__isnull=True
    )
    assert receiving.count() == 64
    identifiers = list(receiving.values_list("identifier", flat=True))
    assert all(IDENTIFIER.fullmatch(code) for code in identifiers), identifiers
    assert len(set(identifiers)) == len(identifiers)
    assert Agency.objects.get(slug="qn").identifier == "000.00.00.H49"
    placeholders = receiving.exclude(source__contains="demo placeholder")
    assert not placeholders.exists(), "a placeholder code says so in its source"


def test_demo_users_cover_every_role_and_passwords_are_printed(seeded):
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    assert DEMO_PASSWORD in seeded
    for demo in DEMO_USERS:
        assert demo.username in seeded
        assert User.objects.get(username=demo.username).check_password(DEMO_PASSWORD)
    assert not Membership.objects.filter(user__username="congdan").exists()
    assert User.objects.get(username="quantri").is_staff


def test_the_banner_is_vietnamese_and_aligned(seeded):
    """Role names in Vietnamese (no English "citizen"), each column starting at one place."""
    lines = [line for line in seeded.splitlines() if line.startswith("  ")]
    assert len(lines) == len(DEMO_USERS) + 1
    assert "citizen" not in seeded
    assert "Công dân" in seeded and "Cán bộ tiếp nhận" in seeded
    role_column = lines[0].index("Vai trò")
    agency_column = lines[0].index("Cơ quan")
    for line, demo in zip(lines[1:], DEMO_USERS, strict=True):
        assert line[2:role_column].rstrip() == demo.username
        assert line[role_column - 1] == " " and line[role_column] != " "
        assert line[agency_column - 2 : agency_column] == "  "
    assert "Phường Hạ Long" in seeded or "phường Hạ Long" in seeded


def test_loading_twice_changes_nothing(seeded, capsys):
    counts = (Agency.objects.count(), Procedure.objects.count(), Membership.objects.count())
    call_command("load_demo", "--no-dossiers")
    assert counts == (Agency.objects.count(), Procedure.objects.count(), Membership.objects.count())
    assert "không thay đổi gì" in capsys.readouterr().out


def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.exists()
