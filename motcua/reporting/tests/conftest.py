"""A small province for the statistics: the dossier tests' commune, tax office and second
commune, put under a district and a province (for the roll-up), and a second procedure in
another field (for the grouping by field and procedure)."""

from dataclasses import dataclass
from datetime import datetime

import pytest

from motcua.accounts.constants import AgencyKind, Level
from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel, ProcedureLevel, PublicationStatus, TimeUnit
from motcua.catalogue.models import Field, Procedure, ProcedureChannel
from motcua.dossiers.constants import Act
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, ComponentReceived, dossier_act, dossier_receive
from motcua.dossiers.tests.conftest import Province, build_province


@dataclass
class Tree:
    province: Province
    top: Agency  # the province
    district: Agency  # holds the commune
    civil: Procedure  # the second procedure, civil status (hộ tịch), 5 working days


def build_tree() -> Tree:
    p = build_province()
    top = Agency.objects.create(
        slug="tinh", name="UBND tỉnh", kind=AgencyKind.PROVINCE_PC, level=Level.PROVINCE
    )
    district = Agency.objects.create(
        slug="huyen",
        name="Khu vực A",
        kind=AgencyKind.DISTRICT_PC,
        level=Level.DISTRICT,
        parent=top,
    )
    Agency.objects.filter(pk=p.commune.pk).update(parent=district)
    Agency.objects.filter(pk=p.other_commune.pk).update(parent=top)
    for agency in (p.commune, p.other_commune):
        agency.refresh_from_db()
    field = Field.objects.create(slug="ho-tich", name="Hộ tịch")
    civil = Procedure.objects.create(
        national_code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=field,
        level=ProcedureLevel.COMMUNE,
        agency_kind=AgencyKind.COMMUNE_PC,
        status=PublicationStatus.PUBLISHED,
    )
    ProcedureChannel.objects.create(
        procedure=civil, channel=Channel.DIRECT, time_value=5, time_unit=TimeUnit.WORKING_DAY
    )
    return Tree(p, top, district, civil)


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


def act(tree: Tree, dossier: Dossier, what: Act, who: str, at: datetime, **data) -> Dossier:
    return dossier_act(
        dossier=dossier,
        act=what,
        actor=tree.province.users[who],
        data=ActInput(**data),
        at=at,
    )


def counter(
    tree: Tree,
    at: datetime,
    *,
    agency: Agency | None = None,
    procedure: Procedure | None = None,
    who: str = "reception_officer",
) -> Dossier:
    """A dossier received and accepted at the counter at `at`."""
    return dossier_receive(
        procedure=procedure or tree.province.procedure,
        agency=agency or tree.province.commune,
        channel=Channel.DIRECT,
        applicant=tree.province.applicant(),
        actor=tree.province.users[who],
        components=[ComponentReceived(name="Đơn", originals=1)],
        at=at,
    )
