"""The portal pages through Django's test client (no JavaScript)."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
DEMO = Path(__file__).resolve().parents[2] / "demo" / "data" / "catalogue.json"


def names(response) -> list[str]:
    return [p.name for p in response.context["procedures"]]


def test_home_is_vietnamese_with_search_form_and_browse_links(client, catalogue):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert 'action="/thu-tuc/" method="get"' in html
    assert "Tra cứu thủ tục hành chính" in html
    assert 'href="/thu-tuc/?field=civil-status"' in html
    assert 'href="/thu-tuc/?level=province"' in html
    assert 'href="/thu-tuc/?online=full"' in html
    assert [(f.slug, f.procedure_count) for f in response.context["fields"]] == [
        ("civil-status", 2),
        ("testing", 2),
    ]


def test_skip_link_and_landmarks(client, catalogue):
    html = client.get("/").content.decode()
    assert 'href="#main-content"' in html
    assert '<main id="main-content"' in html
    for landmark in ("<header", "<nav", "<footer"):
        assert landmark in html


def test_search_without_javascript_is_diacritic_insensitive(client, catalogue):
    response = client.get("/thu-tuc/", {"q": "dang ky ket hon"})
    assert response.status_code == 200
    assert names(response)[0] == "Đăng ký kết hôn"
    assert "<!doctype html>" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {},
            {
                "Đăng ký khai sinh",
                "Đăng ký kết hôn",
                "Thủ tục thử nghiệm cấp tỉnh",
                "Thủ tục thử nghiệm một phần",
            },
        ),
        ({"field": "testing"}, {"Thủ tục thử nghiệm cấp tỉnh", "Thủ tục thử nghiệm một phần"}),
        ({"level": "province"}, {"Thủ tục thử nghiệm cấp tỉnh"}),
        ({"online": "partial"}, {"Đăng ký kết hôn", "Thủ tục thử nghiệm một phần"}),
        ({"online": "partial", "field": "civil-status"}, {"Đăng ký kết hôn"}),
        (
            {"level": "district", "online": "bogus"},
            {
                "Đăng ký khai sinh",
                "Đăng ký kết hôn",
                "Thủ tục thử nghiệm cấp tỉnh",
                "Thủ tục thử nghiệm một phần",
            },
        ),
    ],
)
def test_filters(client, catalogue, params, expected):
    response = client.get("/thu-tuc/", params)
    assert response.status_code == 200
    assert set(names(response)) == expected


def test_result_shows_code_field_level_and_online_type(client, catalogue):
    html = client.get("/thu-tuc/", {"q": "khai sinh"}).content.decode()
    assert "1 thủ tục" in html
    assert 'href="/thu-tuc/1.001193/"' in html
    for text in ("1.001193", "Hộ tịch", "Cấp xã", "Toàn trình"):
        assert text in html


def test_drafts_are_not_listed(client, catalogue):
    assert "Thủ tục thử nghiệm chưa công bố" not in names(client.get("/thu-tuc/", {"q": "thu tuc"}))


def test_no_results_message_with_hint(client, catalogue):
    response = client.get("/thu-tuc/", {"q": "xyzxyzxyz"})
    html = response.content.decode()
    assert names(response) == []
    assert "Không tìm thấy thủ tục nào phù hợp" in html
    assert "1.001193" in html


def test_htmx_request_gets_only_the_results_fragment(client, catalogue):
    response = client.get("/thu-tuc/", {"q": "ket hon"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<header" not in html
    assert "Đăng ký kết hôn" in html
    assert "HX-Request" in response["Vary"]


def test_home_live_search_fragment(client, catalogue):
    found = client.get("/", {"q": "khai sinh"}, headers=HTMX).content.decode()
    idle = client.get("/", {"q": "  "}, headers=HTMX).content.decode()
    assert "<html" not in found and "Đăng ký khai sinh" in found
    assert idle.strip() == ""


def test_procedure_page_shows_the_whole_record(client, catalogue):
    response = client.get("/thu-tuc/1.001193/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Đăng ký khai sinh",
        "1.001193",
        "Hộ tịch",
        "UBND cấp xã",
        "Cấp xã",
        "Toàn trình",
        "Công dân Việt Nam",
        "60/2014/QH13",
        "Luật Hộ tịch",
        "20/11/2014",
        "Trực tiếp",
        "Trực tuyến",
        "Qua bưu chính",
        "1 ngày làm việc",
        "sau 15 giờ",
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Trẻ sinh tại cơ sở y tế",
        "Người đi đăng ký là cha, mẹ",
        "Giấy khai sinh",
    ):
        assert text in html, text
    assert '<ol class="usa-process-list"' in html
    assert html.index("Nộp tờ khai") < html.index("Công chức tư pháp") < html.index("Nhận Giấy")
    assert 'href="/media/forms/to-khai-khai-sinh.pdf"' in html


def test_fee_amounts_free_and_unknown_are_distinct(client, catalogue):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "8.000&nbsp;đ" in html
    assert "Miễn phí" in html
    assert "Chưa có thông tin" in html  # amount null: unknown, not free
    marriage = client.get("/thu-tuc/1.000894/").content.decode()
    assert "Không thu" in marriage


def test_component_counts(client, catalogue):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert 'data-label="Bản sao">2</td>' in html
    assert 'data-label="Bản chính">1</td>' in html


@pytest.mark.parametrize("code", ["9.900002", "9.999999", "not-a-code"])
def test_unknown_or_draft_procedure_is_404(client, catalogue, code):
    assert client.get(f"/thu-tuc/{code}/").status_code == 404


def test_english_switch_without_javascript(client, catalogue):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/thu-tuc/1.001193/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/thu-tuc/1.001193/"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    assert "Legal basis" in html and "8,000&nbsp;đ" in html and "Civil status" in html
    assert "1 working day" in html and "1 working days" not in html
    assert 'value="vi" lang="vi">Tiếng Việt</button>' in html
    assert 'name="next" value="/thu-tuc/1.001193/"' in html


def test_english_page_switches_back_to_vietnamese(client, catalogue):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/en/thu-tuc/?q=khai+sinh").content.decode()
    assert 'name="next" value="/thu-tuc/?q=khai+sinh"' in html
    back = client.post(reverse("set_language"), {"language": "vi", "next": "/thu-tuc/?q=khai+sinh"})
    assert back["Location"] == "/thu-tuc/?q=khai+sinh"
    assert '<html lang="vi">' in client.get(back["Location"]).content.decode()


def test_english_home_page_has_english_strings(client, catalogue):
    with translation.override("en"):
        html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Find an administrative procedure" in html


def test_every_page_has_the_language_switch_form(client, catalogue):
    for url in ("/", "/thu-tuc/", "/thu-tuc/1.001193/"):
        html = client.get(url).content.decode()
        assert 'action="/i18n/setlang/" method="post"' in html
        assert 'name="language" value="en"' in html


@pytest.mark.skipif(not DEMO.exists(), reason="no demo catalogue yet")
def test_every_demo_procedure_page_renders(client, demo_catalogue):
    codes = [p["national_code"] for p in demo_catalogue["procedures"] if p["status"] == "published"]
    statuses = {code: client.get(f"/thu-tuc/{code}/").status_code for code in codes}
    assert set(statuses.values()) <= {200, 404}  # 404: not valid today
    assert list(statuses.values()).count(200) > len(codes) // 2
    found = names(client.get("/thu-tuc/", {"q": "dang ky ket hon"}))
    assert "kết hôn" in found[0].lower()


def test_long_lists_are_paged_and_keep_the_filters(client, demo_catalogue):
    total = len(demo_catalogue["procedures"])
    first = client.get("/thu-tuc/")
    assert first.content.decode().count('<h3><a href="/thu-tuc/') == 20
    assert f"Tìm thấy {total} thủ tục" in first.content.decode()
    assert 'href="/thu-tuc/?page=2"' in first.content.decode()
    last_number = -(-total // 20)
    last = client.get("/thu-tuc/", {"page": last_number})
    assert last.content.decode().count('<h3><a href="/thu-tuc/') == total - 20 * (last_number - 1)
    assert 'rel="next"' not in last.content.decode()
    for bad in ("999", "abc", "-1"):
        assert client.get("/thu-tuc/", {"page": bad}).status_code == 200
    filtered = client.get("/thu-tuc/", {"q": "dang ky", "level": "commune"}).content.decode()
    if 'rel="next"' in filtered:
        assert "q=dang+ky&amp;level=commune&amp;page=2" in filtered
