"""The authorisation matrix: every back-office URL and every dossier API endpoint × every kind
of user × a dossier of their own agency or of another. Officials of the agency get the page;
everyone else gets "not found" for a dossier (its existence is not revealed), "forbidden" for
desk pages that are not theirs, and anonymous users are sent to log in (401 on the API)."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.deadlines.calendar import local
from motcua.documents.tests import samples
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import build_province, receive

pytestmark = pytest.mark.django_db

OFFICIALS = [r for r in Role.values if r not in {Role.PROVINCE_ADMIN, Role.SUPERVISOR}]
PROVINCE_WIDE = [Role.PROVINCE_ADMIN, Role.SUPERVISOR]
STRANGERS = ["outsider", "tax_specialist", "citizen_b"]


@pytest.fixture
def province(db):
    province = build_province()
    province.users["citizen_b"] = User.objects.create_user(username="citizen_b", password="x")
    return province


def dossier_urls(dossier: Dossier) -> list[tuple[str, str]]:
    key = dossier.code
    scan = dossier.files.get()
    return [
        ("get", reverse("backoffice:dossier", args=[key])),
        ("get", reverse("backoffice:slip", args=[key, "receipt"])),
        ("get", reverse("backoffice:slip", args=[key, "control"])),
        ("get", reverse("backoffice:dossier-file", args=[key, scan.pk])),
        ("post", reverse("backoffice:dossier-file-upload", args=[key])),
        ("post", reverse("backoffice:dossier-act", args=[key])),
    ]


def received(province) -> Dossier:
    """A dossier accepted at the commune's counter, with a scan of its application form."""
    dossier = receive(province)
    dossier_file_add(
        dossier=dossier,
        actor=province.users[Role.RECEPTION_OFFICER],
        upload=samples.upload("don.pdf", samples.pdf()),
        purpose=FilePurpose.COMPONENT,
        component=dossier.components.get(),
    )
    return dossier


def api_urls(dossier: Dossier) -> list[tuple[str, str]]:
    key = dossier.code
    return [
        ("get", f"/api/v1/dossiers/{key}"),
        ("get", f"/api/v1/dossiers/{key}/events"),
        ("post", f"/api/v1/dossiers/{key}/acts"),
    ]


def _call(client, method: str, url: str, version: int):
    if method == "get":
        return client.get(url)
    if url.endswith("/tep/"):
        return client.post(
            url, {"purpose": "result", "file": samples.upload("kq.pdf", samples.pdf())}
        )
    return client.post(url, {"act": "stop", "comment": "Kiểm tra quyền", "version": version})


@pytest.mark.parametrize("who", OFFICIALS + PROVINCE_WIDE)
def test_officials_who_may_see_it_are_never_told_not_found(client, province, who):
    dossier = received(province)
    client.force_login(province.users[who])
    for method, url in dossier_urls(dossier):
        response = _call(client, method, url, dossier.version)
        # 200 (page, PDF), 302 (act done), 400/403/409 (the act is not theirs or not now).
        assert response.status_code in {200, 302, 400, 403, 409}, (who, url)
        assert response.status_code != 404


@pytest.mark.parametrize("who", [*STRANGERS, "citizen"])
def test_everyone_else_gets_not_found_and_nothing_changes(client, province, who):
    dossier = received(province)
    client.force_login(province.users[who])
    for method, url in dossier_urls(dossier):
        response = _call(client, method, url, dossier.version)
        if who == "citizen" and "/phieu/" in url:
            assert response.status_code == 200  # the applicant may download their own slips
            continue
        assert response.status_code == 404, (who, url)
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version


def test_anonymous_users_are_sent_to_log_in(client, province):
    dossier = received(province)
    login = reverse("backoffice:login")
    pages = [*dossier_urls(dossier), ("get", reverse("backoffice:worklist"))]
    pages += [
        ("get", reverse("backoffice:reception")),
        ("get", reverse("backoffice:reception-queue")),
        ("get", reverse("backoffice:register")),
        ("get", reverse("backoffice:register-pdf")),
        ("get", reverse("backoffice:register-xlsx")),
    ]
    for method, url in pages:
        response = _call(client, method, url, dossier.version)
        assert response.status_code == 302 and login in response["Location"], url


@pytest.mark.parametrize("who", [*Role.values, "outsider", "tax_specialist", "citizen"])
def test_desk_pages_belong_to_reception_officers(client, province, who):
    client.force_login(province.users[who])
    intake = reverse("backoffice:intake", args=[province.procedure.national_code])
    expected = 200 if who in {Role.RECEPTION_OFFICER, "outsider"} else 403
    for url in (reverse("backoffice:reception"), reverse("backoffice:reception-queue"), intake):
        assert client.get(url).status_code == expected, (who, url)


@pytest.mark.parametrize("who", [*Role.values, *STRANGERS, "citizen"])
def test_worklists_show_only_what_the_user_may_see(client, province, who):
    dossier = receive(province)
    client.force_login(province.users[who])
    response = client.get(reverse("backoffice:worklist"), {"list": "agency"})
    if who in {"citizen", "citizen_b"}:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    visible = who in OFFICIALS + PROVINCE_WIDE
    assert (dossier.code in response.content.decode()) == visible, who


@pytest.mark.parametrize("who", [*Role.values, *STRANGERS, "citizen"])
def test_the_api_answers_the_same(province, who):
    dossier = receive(province)
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=province.users[who])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for method, url in api_urls(dossier):
        if method == "get":
            response = client.get(url)
        else:
            body = {"act": "stop", "comment": "Kiểm tra quyền", "version": dossier.version}
            response = client.post(url, body, format="json")
        if who in STRANGERS:
            assert response.status_code == 404, (who, url)
        else:
            assert response.status_code in {200, 403, 409}, (who, url)
    anonymous = APIClient().get(api_urls(dossier)[0][1])
    assert anonymous.status_code == 401


@pytest.mark.parametrize("who", [*Role.values, *STRANGERS, "citizen"])
def test_the_register_shows_only_the_users_own_agencies(client, province, who):
    """Mẫu 06 of the commune: its officials get it; nobody else learns it exists (404)."""
    dossier = received(province)
    client.force_login(province.users[who])
    day = local(dossier.accepted_at).date().isoformat()
    period = {"agency": province.commune.slug, "date_from": day, "date_to": day}
    officials = set(OFFICIALS) | set(PROVINCE_WIDE)
    for name in ("backoffice:register", "backoffice:register-pdf", "backoffice:register-xlsx"):
        response = client.get(reverse(name), period)
        if who in officials:
            assert response.status_code == 200, (who, name)
        else:
            assert response.status_code == 404, (who, name)
