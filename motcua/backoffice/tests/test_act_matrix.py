"""Every act, through the back office's act URL and through the API, × every role of the
dossier's own agency, the same role at another agency, the applicant and another citizen.

For each status the act applies to, a user either performs it (the status machine's target),
is refused as not allowed (403: they may see the dossier, the act is not theirs), or is told
the dossier does not exist (404: it is not theirs to see). Nothing changes unless the act was
done. Province administrators and supervisors see every dossier of the province, wherever
their role is, and may do none of the acts (403). The back office answers 404 to the applicant
(it is for officials); the API lets the applicant do the acts the status machine gives them."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.core import audit
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import TRANSITIONS
from motcua.dossiers.tests.conftest import build_province, dossier_in_status

from .scenes import today, working_day_after

pytestmark = pytest.mark.django_db

OWN = [f"own:{role}" for role in Role.values]
OTHER = [f"other:{role}" for role in Role.values]
ACTORS = [*OWN, *OTHER, "applicant", "citizen_b"]
CASES = sorted(TRANSITIONS, key=lambda key: (key[0].value, key[1].value))


@pytest.fixture
def province(db):
    province = build_province()
    for role in Role.values:
        user = User.objects.create_user(username=f"other_{role}", password="x")
        Membership.objects.create(user=user, agency=province.other_commune, role=role)
        province.users[f"other:{role}"] = user
        province.users[f"own:{role}"] = province.users[role]
    province.users["applicant"] = province.users["citizen"]
    province.users["citizen_b"] = User.objects.create_user(username="citizen_b", password="x")
    return province


@dataclass(frozen=True)
class Expected:
    code: int  # what the interface answers
    done: bool  # whether the act happened


def expected(status: DossierStatus, act: Act, who: str, interface: str) -> Expected:
    transition = TRANSITIONS[(status, act)]
    success = Expected(302 if interface == "backoffice" else 200, True)
    if who.endswith((Role.PROVINCE_ADMIN, Role.SUPERVISOR)):
        return Expected(403, False)  # they see the whole province and act on nothing
    if who == "citizen_b" or who.startswith("other:"):
        return Expected(404, False)
    if who == "applicant":
        if interface == "backoffice":
            return Expected(404, False)
        return success if transition.applicant else Expected(403, False)
    role = who.removeprefix("own:")
    if role not in transition.roles:
        return Expected(403, False)
    if act == Act.TRANSFER:  # allowed, but without an internal process there is nowhere to go
        return Expected(409, False)
    return success


def fields(province, act: Act) -> dict:
    """Enough for any act (each reads what it needs)."""
    return {
        "comment": "Kiểm tra quyền",
        "missing": ["Bản sao giấy tờ"],
        "amount": 50000,
        "reference": "BL-001",
        "result_number": "01/KQ",
        "return_method": "counter",
        "recipient_name": "Nguyễn Văn An",
        "new_appointment": working_day_after(province, today(), 10).isoformat(),
    }


def backoffice_post(client, province, dossier: Dossier, act: Act):
    data = {"act": act.value, f"{act.value}-version": dossier.version, f"{act.value}-confirm": "on"}
    for name, value in fields(province, act).items():
        data[f"{act.value}-{name}"] = "\n".join(value) if isinstance(value, list) else value
    return client.post(reverse("backoffice:dossier-act", args=[dossier.key]), data)


def api_post(province, user: User, dossier: Dossier, act: Act):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"act": act.value, "version": dossier.version, **fields(province, act)}
    return client.post(f"/api/v1/dossiers/{dossier.key}/acts", body, format="json")


def snapshot(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    events = AuditEvent.objects.filter(chain=audit.chain_of(fresh)).count()
    return fresh.status, fresh.version, fresh.due_at, fresh.apology_due_at, events


@pytest.mark.parametrize("interface", ["backoffice", "api"])
@pytest.mark.parametrize(("status", "act"), CASES, ids=lambda value: str(value))
def test_every_act_for_every_user(client, province, status, act, interface):
    dossier = dossier_in_status(province, status)
    for who in ACTORS:
        want = expected(status, act, who, interface)
        before = snapshot(dossier)
        user = province.users[who]
        if interface == "backoffice":
            client.force_login(user)
            response = backoffice_post(client, province, dossier, act)
        else:
            response = api_post(province, user, dossier, act)
        assert response.status_code == want.code, (who, response.content.decode()[:500])
        if not want.done:
            assert snapshot(dossier) == before, who
            continue
        fresh = Dossier.objects.get(pk=dossier.pk)
        assert fresh.status == TRANSITIONS[(status, act)].target, who
        assert fresh.version == before[1] + 1, who
        dossier = dossier_in_status(province, status)  # a fresh one for the next user
