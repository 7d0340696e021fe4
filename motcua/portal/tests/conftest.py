"""Portal test data (two real procedures and obviously-test ones); the Playwright fixtures
(browser, page, static_dirs) are in the root conftest.py."""

import pytest

from motcua.catalogue.services import catalogue_import

BIRTH_NOTE = "Trong ngày; sau 15 giờ thì trả trong ngày làm việc tiếp theo"


def _channel(channel, fees, *, time_value="1", unit="working_day", note=""):
    return {
        "channel": channel,
        "time_value": time_value,
        "time_unit": unit,
        "time_note": note,
        "fees": fees,
    }


def _procedure(code, name, field, **extra):
    entry = {
        "national_code": code,
        "name": name,
        "field": field,
        "level": "commune",
        "agency_kind": "commune_pc",
        "implementing_agency": "UBND cấp xã",
        "online_type": "full",
        "status": "published",
        "valid_from": "2025-07-01",
    }
    return entry | extra


BIRTH = _procedure(
    "1.001193",
    "Đăng ký khai sinh",
    "civil-status",
    applicants=["Công dân Việt Nam"],
    legal_bases=[{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued_on": "2014-11-20"}],
    channels=[
        _channel(
            "direct",
            [{"kind": "fee", "amount": 8000, "description": "Miễn nếu đăng ký đúng hạn"}],
            note=BIRTH_NOTE,
        ),
        _channel("online", [{"kind": "fee", "amount": 0, "description": "Đăng ký đúng hạn"}]),
        _channel("post", [{"kind": "charge", "amount": None, "description": "Cước bưu chính"}]),
    ],
    components=[
        {
            "name": "Tờ khai đăng ký khai sinh theo mẫu",
            "originals": 1,
            "copies": 0,
            "form": {"name": "Tờ khai đăng ký khai sinh", "file": "forms/to-khai-khai-sinh.pdf"},
        },
        {"name": "Giấy chứng sinh", "case": "Trẻ sinh tại cơ sở y tế", "originals": 1, "copies": 2},
    ],
    conditions="Người đi đăng ký là cha, mẹ hoặc người thân thích của trẻ.",
    results=["Giấy khai sinh"],
    steps=[
        "Nộp tờ khai và giấy chứng sinh",
        "Công chức tư pháp kiểm tra hồ sơ",
        "Nhận Giấy khai sinh",
    ],
    source="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
)
MARRIAGE = _procedure(
    "1.000894",
    "Đăng ký kết hôn",
    "civil-status",
    online_type="partial",
    channels=[_channel("direct", [])],
)
CATALOGUE = {
    "format": "motcua.catalogue",
    "version": 1,
    "fields": [
        {"slug": "civil-status", "national_code": "", "name": "Hộ tịch", "name_en": "Civil status"},
        {"slug": "testing", "national_code": "", "name": "Lĩnh vực thử nghiệm", "name_en": ""},
    ],
    "procedures": [
        BIRTH,
        MARRIAGE,
        _procedure("9.900001", "Thủ tục thử nghiệm cấp tỉnh", "testing", level="province"),
        _procedure("9.900002", "Thủ tục thử nghiệm chưa công bố", "testing", status="draft"),
        _procedure("9.900003", "Thủ tục thử nghiệm một phần", "testing", online_type="partial"),
    ],
}


@pytest.fixture
def catalogue(db):
    catalogue_import(document=CATALOGUE, actor=None)
    return CATALOGUE
