"""The citizen's inbox ("Hộp thư", /hop-thu/): the list (newest first, unread in bold), opening
a notice marks it read, "mark all read", the unread count in the header, and nobody sees
another user's notices (404). Also in a real headless chromium with the shared page check."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from conftest import check_page as shared_check_page
from motcua.notifications.models import InboxItem
from motcua.notifications.services import enqueue_inbox

from . import dossier_scenes as scenes

NOTICES = [
    (
        "Hồ sơ 000.00.01.H49-260615-0001 đã được tiếp nhận",
        "/ho-so-cua-toi/000.00.01.H49-260615-0001/",
    ),
    (
        "Yêu cầu bổ sung hồ sơ 000.00.01.H49-260615-0001",
        "/ho-so-cua-toi/000.00.01.H49-260615-0001/",
    ),
    ("Đã có kết quả giải quyết hồ sơ 000.00.01.H49-260615-0001", ""),
]


def deliver_notices(user) -> list[InboxItem]:
    """Three notices through the outbox (the immediate task backend delivers on commit)."""
    for number, (subject, link) in enumerate(NOTICES):
        with transaction.atomic():
            enqueue_inbox(
                key=f"notice-{user.pk}-{number}-inbox",
                user=user,
                subject=subject,
                body=f"{subject}.\nKính gửi ông/bà, vui lòng xem chi tiết hồ sơ.",
                link=link,
            )
    return list(InboxItem.objects.filter(user=user).order_by("pk"))


@pytest.fixture
def people(db):
    users = get_user_model().objects
    return users.create_user(username="an", password="x"), users.create_user(
        username="binh", password="x"
    )


@pytest.mark.django_db(transaction=True)
def test_the_list_the_item_and_mark_all_read(client, people):
    an, binh = people
    _, second, _ = deliver_notices(an)
    deliver_notices(binh)
    client.force_login(an)

    page = client.get("/hop-thu/")
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]
    text = page.content.decode()
    positions = [text.index(subject) for subject, _ in reversed(NOTICES)]
    assert positions == sorted(positions)  # newest first
    assert text.count("<strong>") >= 3  # all unread, in bold
    assert 'class="usa-tag mc-inbox-count">3<' in text  # the header's count
    assert page.context["page"].paginator.count == 3  # only An's

    opened = client.get(f"/hop-thu/{second.pk}/")
    assert opened.status_code == 200
    assert 'href="/ho-so-cua-toi/000.00.01.H49-260615-0001/"' in opened.content.decode()
    second.refresh_from_db()
    assert second.read_at is not None
    assert 'class="usa-tag mc-inbox-count">2<' in opened.content.decode()

    marked = client.post("/hop-thu/da-doc-het/")
    assert marked.status_code == 302
    assert InboxItem.objects.filter(user=an, read_at__isnull=True).count() == 0
    assert InboxItem.objects.filter(user=binh, read_at__isnull=True).count() == 3
    assert "mc-inbox-count" not in client.get("/hop-thu/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_another_users_notice_is_not_found(client, people):
    an, binh = people
    [theirs, *_] = deliver_notices(binh)
    client.force_login(an)
    assert client.get(f"/hop-thu/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get("/hop-thu/999999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_signed_out_visitors_are_sent_to_the_login_page(client, people):
    deliver_notices(people[0])
    page = client.get("/hop-thu/")
    assert page.status_code == 302
    assert "/tai-khoan/login/" in page["Location"]
    assert client.get(f"/hop-thu/{InboxItem.objects.first().pk}/").status_code == 302
    assert client.post("/hop-thu/da-doc-het/").status_code == 302
    assert InboxItem.objects.filter(read_at__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_mark_all_read_needs_a_post_with_the_csrf_token(people):
    from django.test import Client

    an, _ = people
    deliver_notices(an)
    client = Client(enforce_csrf_checks=True)
    client.force_login(an)
    assert client.get("/hop-thu/da-doc-het/").status_code == 405
    assert client.post("/hop-thu/da-doc-het/").status_code == 403
    assert InboxItem.objects.filter(read_at__isnull=False).count() == 0


@pytest.mark.browser
def test_the_inbox_in_a_browser(page, live_server, transactional_db):
    cache.clear()
    users = get_user_model().objects
    an = users.create_user(username="an", password="x", full_name="Nguyễn Văn An")
    binh = users.create_user(username="binh", password="x")
    *_, third = deliver_notices(an)
    [binhs, *_] = deliver_notices(binh)
    base = live_server.url
    page.context.add_cookies([{**scenes.session_cookie(an), "url": base}])

    page.goto(base + "/hop-thu/")
    assert page.locator(".mc-inbox-count").first.inner_text().startswith("3")
    assert page.locator(".mc-inbox tbody tr").count() == 3
    assert page.locator(".mc-inbox tbody strong").count() == 3
    shared_check_page(page, "portal-inbox")

    page.locator(".mc-inbox tbody a").first.click()  # the newest
    page.wait_for_url(f"**/hop-thu/{third.pk}/")
    assert NOTICES[2][0] in page.locator("h1").inner_text()
    shared_check_page(page, "portal-inbox-item")
    page.goto(base + "/hop-thu/")
    assert page.locator(".mc-inbox tbody strong").count() == 2
    assert page.locator(".mc-inbox-count").first.inner_text().startswith("2")

    page.locator("form[action='/hop-thu/da-doc-het/'] button").click()
    page.wait_for_url("**/hop-thu/")
    assert page.locator(".mc-inbox tbody strong").count() == 0
    assert page.locator(".mc-inbox-count").count() == 0

    response = page.goto(base + f"/hop-thu/{binhs.pk}/")
    assert response is not None and response.status == 404
