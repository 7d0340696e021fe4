"""A procedure with a legal time of 5 working days (40 h), its home agency and another one."""

from decimal import Decimal

import pytest

from motcua.accounts.constants import AgencyKind, Level, Role
from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel, ProcedureLevel, TimeUnit
from motcua.catalogue.models import Field, Procedure, ProcedureChannel
from motcua.workflow import services


def make_agency(slug: str, short_name: str, kind: str = AgencyKind.DEPARTMENT) -> Agency:
    return Agency.objects.create(
        slug=slug,
        name=f"Cơ quan {short_name}",
        short_name=short_name,
        kind=kind,
        level=Level.PROVINCE,
    )


@pytest.fixture
def home(db):
    return make_agency("so-tu-phap", "STP")


@pytest.fixture
def other(db):
    return make_agency("cuc-thue", "Thuế", AgencyKind.OTHER)


@pytest.fixture
def procedure(db):
    field = Field.objects.create(slug="judicial", name="Lý lịch tư pháp")
    procedure = Procedure.objects.create(
        national_code="1.001193",
        name="Cấp Phiếu lý lịch tư pháp",
        field=field,
        level=ProcedureLevel.PROVINCE,
        agency_kind=AgencyKind.DEPARTMENT,
    )
    ProcedureChannel.objects.create(
        procedure=procedure,
        channel=Channel.DIRECT,
        time_value=Decimal(5),
        time_unit=TimeUnit.WORKING_DAY,
    )
    return procedure


def line(*hours):
    """Steps of the home agency with these hours."""
    roles = [Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.LEADER]
    return [
        {
            "position": position,
            "name": f"Bước {position}",
            "role": roles[(position - 1) % len(roles)],
            "agency": None,
            "hours": value,
        }
        for position, value in enumerate(hours, start=1)
    ]


VALID = (4, 24, 8, 4)  # 40 h


@pytest.fixture
def draft(procedure, home, admin_user):
    return services.process_create(
        procedure=procedure, agency=home, actor=admin_user, name="Quy trình", steps=line(*VALID)
    )
