"""Re-importing the catalogue replaces a procedure's channels, fees and components; dossiers
that referred to the old rows keep their own copies (name, counts, description, amount) and
only lose the link, so the import is never blocked by the dossiers already received."""

import pytest

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.catalogue.selectors import catalogue_export
from motcua.catalogue.services import catalogue_import
from motcua.dossiers.models import Dossier, DossierComponent, DossierFee
from motcua.dossiers.services import ComponentReceived, dossier_receive

pytestmark = pytest.mark.django_db


def receive(province) -> Dossier:
    """A counter dossier whose component is the catalogue's (linked by id)."""
    return dossier_receive(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.DIRECT,
        applicant=province.applicant(),
        actor=province.users[Role.RECEPTION_OFFICER],
        components=[
            ComponentReceived(component_id=province.procedure.components.get().pk, originals=1)
        ],
    )


def test_a_reimport_keeps_the_dossiers_received(province):
    dossier = receive(province)
    assert dossier.components.get().component is not None
    assert dossier.fees.get().fee is not None

    report = catalogue_import(
        document=catalogue_export(), actor=province.users[Role.PROVINCE_ADMIN]
    )

    assert report.procedures_updated == 1
    component = DossierComponent.objects.get(dossier=dossier)
    fee = DossierFee.objects.get(dossier=dossier)
    assert (component.component, component.name, component.originals) == (
        None,
        "Đơn đăng ký",
        1,
    )
    assert (fee.fee, fee.description, fee.amount) == (None, "Lệ phí đăng ký", 30000)
    # A dossier received afterwards links to the new rows.
    later = receive(province)
    assert later.components.get().component == province.procedure.components.get()
