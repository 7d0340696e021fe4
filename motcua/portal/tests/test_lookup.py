"""The public lookup (/tra-cuu/): by code, the public facts; with the applicant's phone number
or ID number also their name and the history; the same neutral answer for an unknown code and a
wrong second factor; rate limits per client address and per code."""

import re

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.core.ratelimit import RateLimit, client_ip
from motcua.deadlines.calendar import local
from motcua.dossiers import slips
from motcua.dossiers.public import normalise_phone, second_factor_matches
from motcua.dossiers.tests.conftest import build_province, publish_process
from motcua.portal import lookup_views

from . import dossier_scenes as scenes

pytestmark = pytest.mark.django_db

URL = "/tra-cuu/"  # the Vietnamese (default) address, as printed in the QR code
NEUTRAL = "Không tìm thấy hồ sơ khớp với thông tin đã nhập"
NAME = "Nguyễn Văn An"


@pytest.fixture
def province(db):
    cache.clear()
    return build_province()


@pytest.fixture
def dossier(province):
    return scenes.accepted(
        province,
        phone="0912 345 678",
        id_number="022090001234",
        representative_name="Trần Văn Đại",
        representative_id_number="022090009999",
        representative_phone="0987.654.321",
        authorisation="Giấy ủy quyền số 5/UQ",
    )


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def text(response) -> str:
    return response.content.decode()


def test_the_qr_code_of_the_receipt_opens_this_page():
    with translation.override("vi"):
        assert reverse("portal:lookup") == slips.LOOKUP_PATH == URL


def test_without_a_code_the_page_is_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="ma"' in text(response) and NEUTRAL not in text(response)


@pytest.mark.parametrize(
    "typed",
    ["{code}", "  {code}  ", "{lower}", "\t{lower}\n"],
    ids=["exact", "spaces", "lowercase", "tab-newline"],
)
def test_a_code_shows_the_public_facts_only(client, dossier, typed):
    code = dossier.code
    response = client.get(URL, {"ma": typed.format(code=code, lower=code.lower())})
    assert response.status_code == 200
    page = text(response)
    assert code in page and dossier.procedure.name in page
    assert "Được tiếp nhận" in page and dossier.receiving_agency.name in page
    assert dossier.appointment_at is not None
    assert local(dossier.appointment_at).strftime("%d/%m/%Y") in page
    assert "ngày làm việc" in page  # the countdown
    # Nothing personal without the second factor.
    assert NAME not in page and "0912" not in page and "Hồ sơ được tiếp nhận" not in page
    assert 'name="xac_minh"' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "typed",
    [
        "000.00.01.H49-260101-9999",  # well formed, does not exist
        "KHONG-CO",
        "'; DROP TABLE dossiers_dossier; --",
        "<script>alert(1)</script>",
        "%",
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_an_unknown_code_gets_the_neutral_answer(client, dossier, typed):
    response = client.get(URL, {"ma": typed})
    assert response.status_code == 200
    assert NEUTRAL in text(response)
    assert dossier.code not in text(response) and 'name="xac_minh"' not in text(response)
    assert "<script>alert" not in text(response)


def test_a_dossier_not_accepted_is_not_found_by_its_reference(client, province):
    dossier = scenes.registered_online(province)
    for typed in (str(dossier.uid), str(dossier.uid).upper()):
        assert NEUTRAL in text(client.get(URL, {"ma": typed}))


def test_an_empty_or_too_long_code_is_bad_input(client, dossier):
    for typed in ("", "   ", "A" * 61):
        response = client.get(URL, {"ma": typed})
        assert response.status_code == 400, typed
        assert "Hãy nhập mã hồ sơ" in text(response) or "60" in text(response)


@pytest.mark.parametrize(
    ("factor", "verified"),
    [
        ("0912345678", True),
        ("0912 345 678", True),
        ("0912.345.678", True),
        ("+84 912 345 678", True),
        ("+84912345678", True),
        ("84912345678", True),
        ("022090001234", True),
        (" 022 090 001 234 ", True),
        ("0987654321", True),  # the representative's phone
        ("022090009999", True),  # the representative's ID number
        ("0912345679", False),
        ("912345678", False),
        ("022090001235", False),
        ("5678", False),
        ("000000000000", False),
        ("Nguyễn Văn An", False),
        ("x" * 30, False),
    ],
)
def test_the_second_factor_shows_the_name_and_the_history(client, dossier, factor, verified):
    response = client.post(URL, {"ma": dossier.code.lower(), "xac_minh": factor})
    assert response.status_code == 200
    page = text(response)
    assert (NAME in page) is verified
    assert ("Hồ sơ được tiếp nhận" in page) is verified  # the public history
    assert (NEUTRAL in page) is not verified
    assert "no-store" in response["Cache-Control"]


def test_the_history_has_no_internal_comment(client, province):
    publish_process(province)
    dossier = scenes.supplement_requested(province)
    page = text(client.post(URL, {"ma": dossier.code, "xac_minh": "0912345678"}))
    assert NAME in page and scenes.SUPPLEMENT_REASON in page
    assert scenes.INTERNAL_COMMENT not in page
    assert province.users[Role.SPECIALIST].full_name not in page
    assert "Thẩm định hồ sơ" not in page


def _main(response, code: str) -> str:
    """The page without what differs by construction: the CSRF token and the code typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text(response))
    return page.replace(code, "<code>").replace(code.upper(), "<code>")


def test_an_unknown_code_and_a_wrong_factor_get_the_same_answer(client, dossier):
    unknown = "000.00.01.H49-260101-9999"
    wrong_factor = client.post(URL, {"ma": dossier.code, "xac_minh": "0900000000"})
    unknown_code = client.post(URL, {"ma": unknown, "xac_minh": "0912345678"})
    assert wrong_factor.status_code == unknown_code.status_code == 200
    assert _main(wrong_factor, dossier.code) == _main(unknown_code, unknown)
    assert NEUTRAL in text(wrong_factor)


def test_a_missing_second_factor_is_bad_input(client, dossier):
    response = client.post(URL, {"ma": dossier.code, "xac_minh": " "})
    assert response.status_code == 400
    assert "Hãy nhập số điện thoại hoặc số định danh" in text(response)
    assert NAME not in text(response)


# --- rate limits ------------------------------------------------------------------------------


class FakeClock:
    def __init__(self, at: float = 1_000_000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_lookups_are_limited_per_address_then_allowed_after_the_window(
    client, dossier, settings, monkeypatch
):
    settings.MOTCUA_LOOKUP_RATE = (3, 600)
    clock = FakeClock()
    monkeypatch.setattr(lookup_views, "_clock", clock)
    for _ in range(3):
        assert client.get(URL, {"ma": dossier.code}).status_code == 200
    refused = client.get(URL, {"ma": dossier.code})
    assert refused.status_code == 429
    assert "Ông/Bà đã tra cứu quá nhiều lần" in text(refused)
    assert 0 < int(refused["Retry-After"]) <= 600
    assert dossier.procedure.name not in text(refused)
    # Another address is not affected; this one is again after the window.
    assert client.get(URL, {"ma": dossier.code}, REMOTE_ADDR="10.0.0.9").status_code == 200
    clock.at += int(refused["Retry-After"])
    assert client.get(URL, {"ma": dossier.code}).status_code == 200
    # The bare form does not count.
    for _ in range(5):
        assert client.get(URL).status_code == 200


def test_failed_second_factors_are_limited_per_code(client, dossier, settings, monkeypatch):
    settings.MOTCUA_LOOKUP_FAILURE_RATE = (2, 3600)
    clock = FakeClock()
    monkeypatch.setattr(lookup_views, "_clock", clock)
    right = {"ma": dossier.code, "xac_minh": "0912345678"}
    wrong = {"ma": dossier.code, "xac_minh": "0900000000"}
    assert client.post(URL, right).status_code == 200  # successes do not count
    for _ in range(2):
        assert NEUTRAL in text(client.post(URL, wrong))
    # The code is blocked for everyone, even with the right answer, from another address.
    refused = client.post(URL, right, REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 429 and NAME not in text(refused)
    assert int(refused["Retry-After"]) <= 3600
    # Public facts by code are still there; another code is not blocked.
    assert client.get(URL, {"ma": dossier.code}).status_code == 200
    clock.at += 3600
    assert NAME in text(client.post(URL, right))


def test_the_limiter_counts_in_fixed_windows():
    clock = FakeClock(600.0 * 1000 + 100)
    limit = RateLimit("t", 2, 600, clock=clock, cache=LocMemCache("rl-test", {}))
    assert limit.peek("a").allowed
    first, second, third = limit.hit("a"), limit.hit("a"), limit.hit("a")
    assert (first.allowed, second.allowed, third.allowed) == (True, True, False)
    assert (first.remaining, second.remaining, third.remaining) == (1, 0, 0)
    assert third.retry_after == 500
    assert not limit.peek("a").allowed and limit.peek("b").allowed
    clock.at += 500
    assert limit.hit("a").allowed
    limit.reset("a")
    assert limit.peek("a").count == 0


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, "203.0.113.5"),
        (
            1,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5"},
            "203.0.113.5",
        ),
        (
            2,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5, 10.0.0.2"},
            "203.0.113.5",
        ),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, proxies, meta, expected):
    settings.MOTCUA_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(0203) 3.835.123", "02033835123"),
        ("0912-345-678", "0912345678"),
        ("abc", ""),
        ("", ""),
    ],
)
def test_phone_numbers_are_compared_as_digits(typed, digits):
    assert normalise_phone(typed) == digits


def test_empty_details_never_match(province):
    dossier = scenes.accepted(province, phone="", id_number="")
    assert not second_factor_matches(dossier, "")
    assert not second_factor_matches(dossier, " ")
