"""A procedure as the other apps' tests need one (the land-change procedure of a commune, five
working days, one paper, a counter fee), built from the catalogue alone."""

from decimal import Decimal

from motcua.accounts.constants import AgencyKind
from motcua.catalogue.constants import Channel, ProcedureLevel, PublicationStatus, TimeUnit
from motcua.catalogue.models import Component, Fee, Field, Procedure, ProcedureChannel


def make_procedure(
    days: Decimal | None = Decimal(5), unit: str = TimeUnit.WORKING_DAY
) -> Procedure:
    field, _ = Field.objects.get_or_create(slug="dat-dai", defaults={"name": "Đất đai"})
    procedure = Procedure.objects.create(
        national_code="1.004227",
        name="Đăng ký biến động quyền sử dụng đất",
        field=field,
        level=ProcedureLevel.COMMUNE,
        agency_kind=AgencyKind.COMMUNE_PC,
        status=PublicationStatus.PUBLISHED,
    )
    counter = ProcedureChannel.objects.create(
        procedure=procedure, channel=Channel.DIRECT, time_value=days, time_unit=unit
    )
    ProcedureChannel.objects.create(
        procedure=procedure, channel=Channel.ONLINE, time_value=days, time_unit=unit
    )
    Fee.objects.create(channel=counter, amount=30000, description="Lệ phí đăng ký")
    Component.objects.create(procedure=procedure, position=1, name="Đơn đăng ký", originals=1)
    return procedure
