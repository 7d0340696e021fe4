"""Error pages in production (DEBUG off): the site's own 400, 403 (and the CSRF failure), 404
and 500 pages in Vietnamese and under /en/ in English, not Django's bare English ones (issue 14,
item 11); the 500 page renders without the database."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from django.utils import translation

TEXTS = {
    "vi": {
        400: "Yêu cầu không hợp lệ",
        403: "Ông/Bà không được mở trang này",
        404: "Không tìm thấy trang",
        500: "Hệ thống đang gặp sự cố",
    },
    "en": {
        400: "The request is not valid",
        403: "You may not open this page",
        404: "Page not found",
        500: "The system has run into a problem",
    },
}
PREFIX = {"vi": "", "en": "/en"}


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def check(response, language: str, code: int) -> str:
    page = response.content.decode()
    assert response.status_code == code
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in page
    assert TEXTS[language][code] in page
    assert 'class="mc-header' in page and 'class="mc-footer' in page  # the site's layout
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_not_found(client, language):
    page = check(client.get(f"{PREFIX[language]}/khong-co-trang-nay/"), language, 404)
    assert "404" in page and "Not Found" not in page
    with translation.override(language):
        assert f'href="{reverse("portal:lookup")}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_bad_request(client, language):
    response = client.get(f"{PREFIX[language]}/", HTTP_HOST="not-this-site.example")
    page = check(response, language, 400)
    assert "Bad Request" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_forbidden(client, django_user_model, language):
    client.force_login(django_user_model.objects.create_user("khach", password="x"))
    with translation.override(language):
        url = reverse("backoffice:reception")
    check(client.get(url), language, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_form_sent_without_its_csrf_token(language):
    client = Client(enforce_csrf_checks=True)
    with translation.override(language):
        url = reverse("portal:lookup")
    response = client.post(url, {"ma": "X"})
    page = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in page
    expected = {"vi": "Không gửi được biểu mẫu", "en": "The form could not be sent"}
    assert expected[language] in page and "CSRF" not in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_server_error_renders_without_the_database(monkeypatch, language):
    def unreachable(self):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
    client = Client(raise_request_exception=False)
    with translation.override(language):
        url = reverse("portal:procedure-list")
    page = check(client.get(url), language, 500)
    assert "Server Error" not in page
    assert TEXTS[language][500] in page.split("<title>")[1].split("</title>")[0]
