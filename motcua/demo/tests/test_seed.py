import re

import pytest
from django.core.management import CommandError, call_command

from motcua.accounts.constants import AgencyKind, Role
from motcua.accounts.models import Agency, Membership, User
from motcua.catalogue.models import Field, Procedure
from motcua.catalogue.selectors import procedure_legal_period
from motcua.core.models import AuditEvent
from motcua.demo.seed import DEMO_PASSWORD, DEMO_USERS
from motcua.dossiers.codes import numbering_agency, numbering_filter

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
    """Departments, today's communes and the centre receive dossiers. Only the province's code
    is sourced (Decision 3739/QĐ-UBND 2016, SOURCES.md); the others have none and number with
    it (MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER), so no code is invented."""
    receiving = Agency.objects.filter(
        kind__in=[AgencyKind.DEPARTMENT, AgencyKind.COMMUNE_PC, AgencyKind.SERVICE_CENTRE],
        valid_to__isnull=True,
    )
    assert receiving.count() == 65
    assert Agency.objects.get(slug="qn").identifier == "000.00.00.H49"
    assert list(Agency.objects.exclude(identifier="").values_list("slug", flat=True)) == ["qn"]
    assert not Agency.objects.filter(source__contains="demo placeholder").exists()
    for agency in receiving:
        assert numbering_agency(agency).slug == "qn", agency.slug
    assert set(receiving) <= set(Agency.objects.filter(numbering_filter()))


def test_a_reload_clears_the_placeholder_codes_of_an_earlier_load(seeded, settings):
    """A database loaded before kept the placeholder codes (000.00.NN.H49, not Quảng Ninh's):
    the next load clears each one still as it was, and leaves a code an administrator set."""
    note = "Identifier {}: a demo placeholder in the official format (QCVN 102:2016)."
    old = {"qn-stp": "000.00.86.H49", "qn-phuonghalong": "000.00.17.H49"}
    for slug, code in old.items():
        Agency.objects.filter(slug=slug).update(identifier=code, source=note.format(code))
    Agency.objects.filter(slug="qn-stc").update(identifier="000.00.81.H49", source="Set by hand")
    call_command("load_demo", "--no-dossiers")
    assert not Agency.objects.filter(slug__in=old).exclude(identifier="").exists()
    assert "demo placeholder" not in Agency.objects.get(slug="qn-stp").source
    assert Agency.objects.get(slug="qn-stc").identifier == "000.00.81.H49"
    assert Agency.objects.get(slug="qn-phuonghalong").parent.slug == "qn"


def test_same_day_procedures_have_a_legal_time_of_0_working_days(seeded):
    """0 working days = within the day of receipt, the next working day after the cut-off."""
    same_day = {
        "1.001193": "Luật Hộ tịch 60/2014/QH13 Art. 16 (khai sinh)",
        "1.000656": "Luật Hộ tịch 60/2014/QH13 Art. 33 (khai tử)",
        "2.000815": "Decree 23/2015/NĐ-CP Art. 7 (chứng thực bản sao)",
        "2.000884": "Decree 23/2015/NĐ-CP Art. 7 (chứng thực chữ ký)",
    }
    for code, source in same_day.items():
        procedure = Procedure.objects.get(national_code=code)
        for channel in procedure.channels.all():
            assert channel.time_value == 0 and channel.time_unit == "working_day", source
            period = procedure_legal_period(procedure=procedure, channel=channel.channel)
            assert period is not None and period.working_days == 0, source


def test_a_reload_gives_same_day_procedures_stored_as_1_day_the_law_s_0(seeded):
    """A database loaded before stored them as 1 working day; the next load corrects each one
    still as it was (audited), and leaves a time an administrator changed."""
    birth, death = (Procedure.objects.get(national_code=c) for c in ("1.001193", "1.000656"))
    old_note = "Note of the earlier load."
    for procedure in (birth, death):
        procedure.channels.update(time_value=1)
        Procedure.objects.filter(pk=procedure.pk).update(source_note=old_note)
    death.channels.filter(channel="direct").update(time_value=2)  # set by hand
    call_command("load_demo", "--no-dossiers")
    assert set(birth.channels.values_list("time_value", flat=True)) == {0}
    assert "Luật Hộ tịch 60/2014/QH13 Art. 16" in Procedure.objects.get(pk=birth.pk).source_note
    assert AuditEvent.objects.filter(
        action="catalogue.procedure_changed", data__national_code="1.001193"
    ).exists()
    assert sorted(death.channels.values_list("time_value", flat=True)) == [1, 2]
    assert Procedure.objects.get(pk=death.pk).source_note == old_note


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
