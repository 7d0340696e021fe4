"""Signing the result on the back office's dossier page: the leader's "Sign digitally" form
with the PIN, the clerk's "Number and seal" form with its confirmation, the signatures listed
under each result document, and the wrong user, bad input and a wrong PIN refused with the
reason and nothing stored."""

import pytest
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.dossiers.models import Dossier, DossierFile, ResultSignature
from motcua.dossiers.tests.conftest import Province, build_province
from motcua.dossiers.tests.results_scenes import (
    PIN,
    add_result,
    organisation_credential,
    personal_credential,
    processed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def province(db) -> Province:
    return build_province()


@pytest.fixture
def pki(trust_store, province):
    personal_credential(trust_store, province.users[Role.LEADER])
    organisation_credential(trust_store, province.commune)
    return trust_store


@pytest.fixture
def scene(province, pki) -> tuple[Dossier, DossierFile]:
    dossier = processed(province)
    return dossier, add_result(province, dossier, name="Quyết định.pdf")


def page_url(dossier: Dossier) -> str:
    return reverse("backoffice:dossier", args=[dossier.key])


def sign_url(dossier: Dossier, row: DossierFile) -> str:
    return reverse("backoffice:result-sign", args=[dossier.key, row.pk])


def seal_url(dossier: Dossier, row: DossierFile) -> str:
    return reverse("backoffice:result-seal", args=[dossier.key, row.pk])


def as_user(client, province, who):
    client.force_login(province.users[who])
    return client


def test_the_leader_sees_the_sign_form_and_signs(client, province, scene):
    dossier, row = scene
    as_user(client, province, Role.LEADER)
    page = client.get(page_url(dossier)).content.decode()
    assert "Digital signatures of the result" in page
    assert sign_url(dossier, row) in page and 'type="password"' in page
    assert seal_url(dossier, row) not in page
    assert "Signing… this takes a few seconds" in page  # the progress text

    response = client.post(sign_url(dossier, row), {"pin": PIN}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#result-files")
    text = response.content.decode()
    assert "You signed “Quyết định.pdf” digitally." in text
    assert "Competent person&#x27;s signature" in text and "leader" in text
    assert ResultSignature.objects.filter(file=row, purpose="personal").count() == 1


def test_the_clerk_numbers_and_seals_after_the_leader(client, province, scene):
    dossier, row = scene
    as_user(client, province, Role.CLERK)
    page = client.get(page_url(dossier)).content.decode()
    assert seal_url(dossier, row) not in page
    assert "comes after the competent person" in page

    as_user(client, province, Role.LEADER).post(sign_url(dossier, row), {"pin": PIN})
    as_user(client, province, Role.CLERK)
    page = client.get(page_url(dossier)).content.decode()
    assert seal_url(dossier, row) in page and 'name="confirm"' in page

    response = client.post(
        seal_url(dossier, row), {"number_notation": "15/QĐ-UBND", "confirm": "on"}, follow=True
    )
    text = response.content.decode()
    assert "was given the number 15/QĐ-UBND" in text
    assert "number 15/QĐ-UBND" in text  # listed with the seal
    dossier.refresh_from_db()
    assert dossier.result_number == "15/QĐ-UBND"


@pytest.mark.parametrize("who", [Role.CLERK, Role.SPECIALIST, Role.RECEPTION_OFFICER])
def test_the_wrong_official_may_not_sign(client, province, pki, scene, who):
    dossier, row = scene
    personal_credential(pki, province.users[who], "leader2")
    as_user(client, province, who)
    assert sign_url(dossier, row) not in client.get(page_url(dossier)).content.decode()
    response = client.post(sign_url(dossier, row), {"pin": PIN})
    assert response.status_code == 403
    assert "Only a leader of" in response.content.decode()
    assert not ResultSignature.objects.exists()


def test_a_wrong_pin_and_bad_input_are_told(client, province, scene):
    dossier, row = scene
    as_user(client, province, Role.LEADER)
    response = client.post(sign_url(dossier, row), {"pin": ""})
    assert response.status_code == 400 and 'id="act-errors"' in response.content.decode()
    response = client.post(sign_url(dossier, row), {"pin": "0000"})
    assert response.status_code == 409
    assert 'id="act-errors"' in response.content.decode()
    assert not ResultSignature.objects.exists()

    as_user(client, province, Role.CLERK)
    response = client.post(seal_url(dossier, row), {"number_notation": "15/QĐ-UBND"})
    assert response.status_code == 400  # not confirmed
    response = client.post(seal_url(dossier, row), {"number_notation": "abc", "confirm": "on"})
    assert response.status_code == 400
    assert "e.g. 125/QĐ-STP" in response.content.decode()


def test_strangers_get_404(client, province, scene):
    dossier, row = scene
    other = processed(province)
    as_user(client, province, "outsider")
    assert client.post(sign_url(dossier, row), {"pin": PIN}).status_code == 404
    as_user(client, province, "citizen")
    assert client.post(sign_url(dossier, row), {"pin": PIN}).status_code == 404
    as_user(client, province, Role.LEADER)
    # a result of another dossier through this dossier's URL
    assert client.post(sign_url(other, row), {"pin": PIN}).status_code == 404
    assert client.get(sign_url(dossier, row)).status_code == 405
    assert not ResultSignature.objects.exists()
