"""Every portal URL of a dossier × the owner, another citizen, every official of the agency
(and the province's administrator and supervisor), an official elsewhere, and an anonymous
visitor: the owner gets the page, everyone else "not found" (never "forbidden", never a hint)
and nothing changes; anonymous visitors are sent to log in."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.core.models import AuditEvent
from motcua.documents.tests import samples
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier, DossierFile, Rating
from motcua.dossiers.tests.conftest import build_province

from . import dossier_scenes as scenes

pytestmark = pytest.mark.django_db

OTHERS = ["citizen_b", *Role.values, "outsider", "tax_specialist"]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    province = build_province()
    province.users["citizen_b"] = User.objects.create_user(username="citizen_b", password="x")
    asked = scenes.supplement_requested(province)
    scan = dossier_file_add(
        dossier=asked,
        actor=province.users["citizen"],
        upload=samples.upload("don.pdf", samples.pdf()),
        purpose=FilePurpose.COMPONENT,
        component=asked.components.get(),
    )
    done = scenes.returned(province)
    return province, asked, scan, done


def urls(asked: Dossier, scan: DossierFile, done: Dossier) -> list[tuple[str, str, dict]]:
    """(method, URL, data) of every portal URL about one dossier, each on a dossier where the
    owner may use it."""
    key, done_key = asked.code, done.code
    pdf = samples.upload("ban-ve.pdf", samples.pdf())
    return [
        ("get", reverse("portal:my-dossier", args=[key]), {}),
        ("get", reverse("portal:my-dossier-slip", args=[key, "receipt"]), {}),
        ("get", reverse("portal:my-dossier-slip", args=[key, "supplement"]), {}),
        ("get", reverse("portal:my-dossier-file", args=[key, scan.pk]), {}),
        ("get", reverse("portal:my-dossier-supplement", args=[key]), {}),
        ("get", reverse("portal:my-dossier-withdraw", args=[key]), {}),
        ("get", reverse("portal:my-dossier-rate", args=[done_key]), {}),
        ("get", reverse("portal:my-dossier", args=[str(asked.uid)]), {}),
        (
            "post",
            reverse("portal:my-dossier-supplement", args=[key]),
            {"version": asked.version, "missing-0": pdf},
        ),
        (
            "post",
            reverse("portal:my-dossier-withdraw", args=[key]),
            {"version": asked.version, "confirm": "on", "reason": "Thử quyền"},
        ),
        ("post", reverse("portal:my-dossier-rate", args=[done_key]), {"overall": "satisfied"}),
    ]


def state() -> tuple:
    return (
        list(Dossier.objects.order_by("pk").values_list("status", "version")),
        DossierFile.objects.count(),
        Rating.objects.count(),
        AuditEvent.objects.count(),
    )


def _call(client, method: str, url: str, data: dict):
    return client.get(url) if method == "get" else client.post(url, data)


def test_the_owner_gets_every_page(client, world):
    province, asked, scan, done = world
    client.force_login(province.users["citizen"])
    for method, url, _data in urls(asked, scan, done):
        if method == "get":
            assert _call(client, method, url, {}).status_code == 200, url


@pytest.mark.parametrize("who", OTHERS)
def test_everyone_else_is_told_not_found_and_nothing_changes(client, world, who):
    province, asked, scan, done = world
    client.force_login(province.users[who])
    before = state()
    for method, url, data in urls(asked, scan, done):
        response = _call(client, method, url, data)
        assert response.status_code == 404, (who, method, url, response.status_code)
    assert state() == before
    listing = client.get(reverse("portal:my-dossiers")).content.decode()
    assert asked.code not in listing and done.code not in listing


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    _province, asked, scan, done = world
    before = state()
    login = reverse("account_login")  # the citizens' sign-in page, not the officials' one
    for method, url, data in [*urls(asked, scan, done), ("get", reverse("portal:my-dossiers"), {})]:
        response = _call(client, method, url, data)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path.endswith(login.lstrip("/")), url
        assert "next=" in response["Location"]
    assert state() == before


def test_an_official_sees_their_own_application_only(client, world):
    """An official who applies for themselves sees that dossier as its applicant, and still not
    the agency's other dossiers."""
    province, asked, _scan, _done = world
    official = province.users[Role.RECEPTION_OFFICER]
    own = scenes.accepted(province, name="Cán bộ tự nộp", user=official)
    client.force_login(official)
    assert client.get(reverse("portal:my-dossier", args=[own.code])).status_code == 200
    assert client.get(reverse("portal:my-dossier", args=[asked.code])).status_code == 404
    listing = client.get(reverse("portal:my-dossiers")).content.decode()
    assert own.code in listing and asked.code not in listing
