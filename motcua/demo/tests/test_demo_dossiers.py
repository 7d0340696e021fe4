"""The demo database as `make run` leaves it: dossiers in every status, published processes,
apologies and ratings, and pages that show them."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import Agency, User
from motcua.core import audit
from motcua.demo.seed import DATA_DIR
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Apology, Dossier, Rating
from motcua.workflow.constants import ProcessStatus
from motcua.workflow.models import Process

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    return capsys.readouterr().out


def test_the_demo_holds_dossiers_in_every_status_with_processes_apologies_and_ratings(demo):
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert statuses == set(DossierStatus.values)
    assert 300 <= Dossier.objects.count() <= 400
    assert Dossier.objects.filter(receiving_agency__slug="qn-phuonghalong").count() > 200
    assert Dossier.objects.filter(receiving_agency__slug="qn-stp").count() > 50
    assert Dossier.objects.filter(applicant_user__username="congdan").count() >= 20
    assert Apology.objects.count() >= 2
    # The citizen's online birth registration waits at the desk with the e-form's answers.
    waiting = Dossier.objects.get(
        procedure__national_code="1.001193",
        status=DossierStatus.REGISTERED,
        applicant_user__username="congdan",
        form_data__has_key="child_name",
    )
    assert waiting.applicant_name == waiting.form_data["applicant_name"] == "Nguyễn Thị Lan"
    # Only at the agencies where the demo's officials sit, over the last four months, with
    # the procedures each of them settles; liên thông only to agencies that exist today.
    assert set(Dossier.objects.values_list("receiving_agency__slug", flat=True)) == {
        "qn-phuonghalong",
        "qn-stp",
    }
    assert not Dossier.objects.filter(submitted_at__lt=timezone.now() - timedelta(days=121))
    stp = Dossier.objects.filter(receiving_agency__slug="qn-stp")
    assert set(stp.values_list("procedure__national_code", flat=True)) == {"2.000488"}
    assert not Dossier.objects.filter(current_agency__valid_to__isnull=False).exists()
    assert Rating.objects.count() >= 10
    # Every process of the data file is published where it belongs.
    document = json.loads((DATA_DIR / "processes.json").read_text(encoding="utf-8"))
    for entry in document["processes"]:
        for key in entry["agencies"]:
            assert Process.objects.get(
                procedure__national_code=entry["procedure"],
                agency__slug=key,
                status=ProcessStatus.PUBLISHED,
            )
    # Generated and service-made dossiers alike: every dossier's audit chain verifies.
    for dossier in Dossier.objects.order_by("?")[:40]:
        assert audit.first_broken_link(audit.chain_of(dossier)) is None


def test_the_demo_fills_the_back_office_and_public_pages(demo, client):
    """Worklists, the register, statistics and the 766 index for officials, the transparency
    page for everyone: each shows the demo's dossiers."""
    client.force_login(User.objects.get(username="tiepnhanxa"))
    worklist = client.get(reverse("backoffice:worklist"))
    assert worklist.status_code == 200
    commune = Agency.objects.get(slug="qn-phuonghalong").identifier
    assert f"{commune}-" in worklist.content.decode()
    client.force_login(User.objects.get(username="lanhdao"))
    for name in ("backoffice:register", "backoffice:statistics", "backoffice:index-766"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    register = client.get(reverse("backoffice:register")).content.decode()
    assert f"{Agency.objects.get(slug='qn-stp').identifier}-" in register
    client.logout()
    transparency = client.get("/minh-bach/")
    assert transparency.status_code == 200
    assert "Sở Tư pháp" in transparency.content.decode()


def test_the_province_administrator_sees_every_status_through_the_api(demo, client):
    """`quantri`, with an API token as the README says, pages through the demo's dossiers and
    finds every status; a detail carries the e-form answers of an online dossier."""
    from rest_framework.authtoken.models import Token

    token, _created = Token.objects.get_or_create(user=User.objects.get(username="quantri"))
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    statuses, url = set(), "/api/v1/dossiers?page_size=100"
    while url:
        body = client.get(url, **headers).json()
        statuses |= {item["status"] for item in body["results"]}
        url = body["next"]
    assert statuses == set(DossierStatus.values)
    online = Dossier.objects.exclude(form_data=None).first()
    key = online.code or online.reference or online.uid
    detail = client.get(f"/api/v1/dossiers/{key}", **headers).json()
    assert detail["answers"] and all(answer["label"] for answer in detail["answers"])


def test_the_demo_citizen_has_a_signed_e_result_that_verifies(demo, client):
    from motcua.documents.models import SigningCredential, TrustedCertificate
    from motcua.dossiers.results_check import check_signed_result, result_state

    returned = Dossier.objects.get(
        applicant_user__username="congdan",
        status=DossierStatus.RESULT_RETURNED,
        return_method="online",
    )
    assert returned.procedure.result_must_be_signed
    assert check_signed_result(returned) == []
    (result,) = returned.files.filter(purpose="result")
    state = result_state(result)
    assert state.signed and state.personal and state.organisation
    assert result.verify_token and returned.result_number == "27/TLKS-UBND"
    # Demo certificates, clearly named, in the demo trust store.
    root = TrustedCertificate.objects.get(kind="root")
    assert root.is_demo and "DEMO" in root.subject
    assert SigningCredential.objects.filter(is_demo=True, purpose="personal").count() == 2
    # It is in the citizen's e-warehouse, and the public verification page finds it.
    assert returned.applicant_user.warehouse_documents.filter(kind="result").exists()
    page = client.get(f"/xac-thuc/{result.verify_token}/")
    assert page.status_code == 200 and returned.code in page.content.decode()
