"""Fixtures shared by every app's tests."""

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from hypothesis import settings

# The test PKI (certomancer CA, OCSP, CRLs, TSA over local HTTP) and the SoftHSM2 token.
pytest_plugins = ["motcua.documents.tests.pki"]

# CI replays the same examples on every run, so a landing never hinges on a lucky draw;
# local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

DEMO_DATA = Path(__file__).resolve().parent / "motcua" / "demo" / "data"

# Browser tests (Playwright on Debian's chromium), shared by the portal and the back office:
# one Playwright per session, since its sync API runs one event loop in this thread.
BASE_DIR = Path(__file__).resolve().parent
STATIC = BASE_DIR / "motcua" / "static"
CSS = STATIC / "vendor" / "css" / "motcua.css"
AXE_JS = STATIC / "vendor" / "axe.min.js"
SCREENSHOTS = BASE_DIR / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = ((360, 740), (1280, 900))
# The body hides sideways overflow, so measure what it holds.
WIDEST = "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
# What sticks out, for the failure message (elements inside a scrolling box are fine).
WIDER_THAN_VIEWPORT = """Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.parentElement.closest('.usa-table-container--scrollable, pre'))
  .slice(0, 8)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The clock. Tests never read the real one: each test starts at TEST_NOW, an ordinary working
# day (Wednesday 11/03/2026 09:30 in Vietnam), and the clock ticks on from there. The variable
# MOTCUA_TEST_NOW moves it (`make test-dates` runs the suite on a Monday, a Saturday, a Tết day
# and 31 December), so no test may depend on the day of the week it happens to run.
TEST_NOW = datetime.fromisoformat(os.environ.get("MOTCUA_TEST_NOW") or "2026-03-11T09:30:00+07:00")


@pytest.fixture(autouse=True)
def frozen_now():
    """The moment the test starts (TEST_NOW); time moves on from it as it would."""
    with time_machine.travel(TEST_NOW, tick=True):
        yield TEST_NOW


@pytest.fixture
def demo_catalogue(db):
    """The real demo catalogue (65 procedures of Quảng Ninh's published list)."""
    from motcua.catalogue.services import catalogue_import

    document = json.loads((DEMO_DATA / "catalogue.json").read_text(encoding="utf-8"))
    catalogue_import(document=document, actor=None)
    return document


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's logged-in superuser client, with the user at hand as `client.user`."""
    client.force_login(admin_user)
    client.user = admin_user
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher's 1M PBKDF2 rounds would dominate."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings, tmp_path_factory):
    """Background tasks run when enqueued (once the act commits, as in production), so an
    outbox message is delivered to mail.outbox at once; motcua/notifications/tests drive the
    worker itself. Stored files (outbox attachments) go to a temporary media root."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _sign_in_without_guards(settings):
    """Tests log officials in without an authenticator app, and through the test client's
    login(), which axes refuses (it needs the request); motcua/accounts/tests turn both on.
    allauth's rate limits count in the cache, which is emptied so tests do not add up."""
    from django.core.cache import cache

    settings.MOTCUA_OFFICIAL_MFA_REQUIRED = False
    settings.AXES_ENABLED = False
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request to an /en/ page leaves English active in the thread; each test starts (and
    ends) in the site's language, so a Vietnamese assertion does not depend on test order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def built_static():
    """Built assets; the live server serves them through the static finders."""
    if not (AXE_JS.exists() and CSS.exists()):
        pytest.fail("front-end assets are not built: run `make assets`")


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
    # around it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def static_dirs(settings):
    """Serve motcua/static even where the settings do not list it in STATICFILES_DIRS."""
    if STATIC not in map(Path, settings.STATICFILES_DIRS):
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, STATIC]


@pytest.fixture
def page(browser, built_static, static_dirs, live_server, transactional_db):
    """A phone-sized page (360 x 740, Vietnamese locale)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def open_menu(page) -> None:
    """Open the header's menu where it is a button (a phone or a tablet); on a desktop the
    links are in the header already."""
    button = page.locator("header summary.mc-menu__button")
    if button.is_visible() and page.locator("header details.mc-menu[open]").count() == 0:
        button.click()


def check_page(page, name: str, *, open_details: bool = False) -> None:
    """At 360 and 1280 px: a full-page screenshot (test-artifacts/screenshots/<name>-<width>.png),
    no serious axe violation, and nothing wider than the phone. With `open_details`, every
    <details> is opened first so axe checks what it holds."""
    if open_details:
        page.evaluate(
            "document.querySelectorAll('details:not(.mc-menu)').forEach(d => { d.open = true; })"
        )
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("document.fonts.ready")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        violations = axe_violations(page)
        assert violations == [], [
            (name, width, v["id"], v["help"], [n["target"] for n in v["nodes"]][:5])
            for v in violations
        ]
        if width == 360:
            assert page.evaluate(WIDEST) <= 360, (name, page.evaluate(WIDER_THAN_VIEWPORT))
    page.set_viewport_size({"width": 360, "height": 740})


@pytest.fixture
def english_pages():
    """English active: URLs reversed get the /en/ prefix and the pages answer in English, for
    tests that match on English messages."""
    from django.utils import translation

    with translation.override("en"):
        yield
