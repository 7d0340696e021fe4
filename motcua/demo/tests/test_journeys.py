"""The two journeys of the demo, from reception to result, by the demo users alone: birth
registration online at a commune, and a department's procedure at the service centre's
counter (the journeys the end-to-end browser test walks through). Both procedures are flagged
"result must be digitally signed" in the demo: finishing is refused until the leader has signed
the result and the clerk (at the ward, the leader) has numbered and sealed it."""

import pytest
from django.core.management import call_command

from motcua.accounts.models import Agency, User
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure
from motcua.core.errors import ValidationFailed
from motcua.demo.signing import issue_signed_result
from motcua.dossiers.codes import numbering_agency
from motcua.dossiers.constants import Act, DossierStatus, ReturnMethod
from motcua.dossiers.online import receiving_agencies
from motcua.dossiers.ratings import dossier_rate
from motcua.dossiers.satisfaction import Satisfaction
from motcua.dossiers.services import (
    ActInput,
    Applicant,
    ComponentReceived,
    dossier_act,
    dossier_receive,
    dossier_register,
)
from motcua.eforms.selectors import offered_online

pytestmark = pytest.mark.django_db
ONLINE_PROCEDURES = ("1.001193", "1.000656", "1.004873")


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", "--no-dossiers", stdout=None)


def user(username: str) -> User:
    return User.objects.get(username=username)


def act(dossier, name: str, username: str, **data):
    return dossier_act(dossier=dossier, act=name, actor=user(username), data=ActInput(**data))


def signed_and_finished(dossier, leader: str, sealer: str, number: str):
    """Finishing is refused without the signed result; with it, the dossier is processed and
    carries the number the seal gave."""
    with pytest.raises(ValidationFailed):
        act(dossier, Act.FINISH, sealer)
    issue_signed_result(
        dossier,
        title="Kết quả",
        sections=[("", [("Hồ sơ", dossier.code)])],
        leader=user(leader),
        sealer=user(sealer),
        number_notation=number,
    )
    dossier = act(dossier, Act.FINISH, sealer)
    assert dossier.status == DossierStatus.PROCESSED and dossier.result_number == number
    return dossier


def test_online_procedures_offer_every_commune_as_receiving_agency(demo, client):
    communes = Agency.objects.filter(kind="commune_pc", valid_to__isnull=True)
    for code in ONLINE_PROCEDURES:
        procedure = Procedure.objects.get(national_code=code)
        assert offered_online(procedure), code
        assert set(receiving_agencies(procedure)) == set(communes), code
    client.force_login(user("congdan"))
    page = client.get("/nop-ho-so/1.001193/")
    assert page.status_code == 200
    assert 'value="qn-phuonghalong"' in page.content.decode()


def test_birth_registration_online_at_the_commune_from_reception_to_rating(demo):
    citizen = user("congdan")
    commune = Agency.objects.get(slug="qn-phuonghalong")
    dossier = dossier_register(
        procedure=Procedure.objects.get(national_code="1.001193"),
        agency=commune,
        channel=Channel.ONLINE,
        applicant=Applicant(name=citizen.full_name, id_number="022090001234", user=citizen),
        actor=citizen,
    )
    dossier = act(dossier, Act.ACCEPT, "tiepnhanxa")
    assert dossier.code.startswith(f"{numbering_agency(commune).identifier}-")
    assert dossier.current_step.role == "reception_officer"
    dossier = act(dossier, Act.FORWARD, "tiepnhanxa")
    assert dossier.current_step.role == "specialist"
    dossier = act(dossier, Act.FORWARD, "chuyenvienxa")
    assert dossier.current_step.role == "leader"
    dossier = signed_and_finished(dossier, "lanhdaoxa", "lanhdaoxa", "01/TLKS-UBND")
    dossier = act(dossier, Act.RETURN_RESULT, "tiepnhanxa", return_method=ReturnMethod.ONLINE)
    assert dossier.status == DossierStatus.RESULT_RETURNED
    assert dossier_rate(dossier=dossier, actor=citizen, overall=Satisfaction.SATISFIED)


def test_department_procedure_at_the_service_centre_from_counter_to_result(demo):
    """The centre's demo officer receives for the Department of Justice; the department's
    specialist, head, leader and clerk process it; the centre returns the result."""
    procedure = Procedure.objects.get(national_code="2.000488")
    department = Agency.objects.get(slug="qn-stp")
    dossier = dossier_receive(
        procedure=procedure,
        agency=department,
        channel=Channel.DIRECT,
        applicant=Applicant(name="Phạm Văn Hùng", id_number="022185006789"),
        actor=user("tiepnhan"),
        components=[
            ComponentReceived(component_id=c.pk, originals=1) for c in procedure.components.all()
        ],
    )
    assert dossier.code.startswith(f"{numbering_agency(department).identifier}-")
    for username, role in (
        ("tiepnhan", "specialist"),
        ("chuyenvien", "department_head"),
        ("truongphong", "leader"),
        ("lanhdao", "clerk"),
    ):
        dossier = act(dossier, Act.FORWARD, username)
        assert dossier.current_step.role == role
    dossier = signed_and_finished(dossier, "lanhdao", "vanthu", "125/STP-LLTP")
    dossier = act(
        dossier,
        Act.RETURN_RESULT,
        "tiepnhan",
        return_method=ReturnMethod.COUNTER,
        recipient_name="Phạm Văn Hùng",
    )
    assert dossier.status == DossierStatus.RESULT_RETURNED
    assert dossier.judgement in {"early", "on_time"}
