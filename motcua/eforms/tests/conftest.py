"""A procedure offered online with two components, two citizens, and a definition that uses
every feature of the language (the example of docs/eforms.md)."""

import copy
import json
from pathlib import Path

import pytest
from django.utils import translation

from motcua.accounts.models import User
from motcua.catalogue.constants import OnlineType, ProcedureLevel, PublicationStatus
from motcua.catalogue.models import Component, Field, Procedure

DATA = Path(__file__).resolve().parents[1] / "data"

HOUSEHOLD = {
    "title": {"vi": "Tờ khai mẫu", "en": "Sample declaration"},
    "fields": [
        {
            "key": "applicant_name",
            "type": "text",
            "label": {"vi": "Họ và tên", "en": "Full name"},
            "required": True,
            "max_length": 100,
            "prefill": "full_name",
        },
        {
            "key": "applicant_id_number",
            "type": "citizen_id",
            "label": "Số định danh cá nhân",
            "required": True,
            "prefill": "citizen_id",
        },
        {"key": "applicant_phone", "type": "phone", "label": "Số điện thoại", "prefill": "phone"},
        {"key": "applicant_email", "type": "email", "label": "Thư điện tử", "prefill": "email"},
        {
            "key": "plot",
            "type": "text",
            "label": "Số thửa",
            "pattern": "[0-9]{1,5}",
            "pattern_message": {"vi": "Số thửa gồm 1 đến 5 chữ số.", "en": "1 to 5 digits."},
        },
        {"key": "area", "type": "number", "label": "Diện tích (m²)", "min": 1, "max": 100000,
         "decimal_places": 1},
        {
            "key": "reason",
            "type": "select",
            "label": "Lý do",
            "required": True,
            "options": [
                {"value": "new", "label": {"vi": "Cấp mới", "en": "New"}},
                {"value": "lost", "label": {"vi": "Bị mất", "en": "Lost"}},
                {"value": "other", "label": {"vi": "Khác", "en": "Other"}},
            ],
        },
        {
            "key": "reason_other",
            "type": "textarea",
            "label": "Lý do khác",
            "required": True,
            "show_if": {"field": "reason", "equals": "other"},
        },
        {
            "key": "lost_on",
            "type": "date",
            "label": "Ngày bị mất",
            "max": "today",
            "show_if": {"field": "reason", "in": ["lost"]},
        },
        {"key": "has_members", "type": "boolean", "label": "Có thành viên hộ gia đình"},
        {
            "key": "members",
            "type": "group",
            "label": "Thành viên hộ gia đình",
            "item_label": "Thành viên",
            "min": 1,
            "max": 3,
            "show_if": {"field": "has_members", "equals": True},
            "fields": [
                {"key": "member_name", "type": "text", "label": "Họ và tên", "required": True},
                {"key": "member_birth", "type": "date", "label": "Ngày sinh", "required": True,
                 "max": "today"},
                {
                    "key": "member_relation",
                    "type": "radio",
                    "label": "Quan hệ",
                    "required": True,
                    "options": ["Vợ/chồng", "Con", "Khác"],
                },
                {
                    "key": "member_relation_other",
                    "type": "text",
                    "label": "Quan hệ khác",
                    "required": True,
                    "show_if": {"field": "member_relation", "equals": "Khác"},
                },
                {"key": "member_id", "type": "citizen_id", "label": "Số định danh"},
            ],
        },
        {
            "key": "channels",
            "type": "checkbox",
            "label": "Nhận thông báo qua",
            "options": ["SMS", "Email"],
        },
        {"key": "agree", "type": "boolean", "label": "Tôi cam đoan", "required": True},
    ],
}  # fmt: skip


@pytest.fixture
def household():
    return copy.deepcopy(HOUSEHOLD)


@pytest.fixture
def birth_definition():
    return json.loads((DATA / "1.001193.json").read_text(encoding="utf-8"))["definition"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.fixture
def procedure(db):
    field = Field.objects.create(slug="civil-status", name="Hộ tịch")
    procedure = Procedure.objects.create(
        national_code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=field,
        level=ProcedureLevel.COMMUNE,
        agency_kind="commune_pc",
        online_type=OnlineType.FULL,
        status=PublicationStatus.PUBLISHED,
    )
    Component.objects.create(procedure=procedure, position=0, name="Tờ khai", originals=1, copies=0)
    Component.objects.create(
        procedure=procedure,
        position=1,
        name="Văn bản xác nhận mang thai hộ",
        case="Trẻ sinh ra do mang thai hộ",
        originals=1,
        copies=0,
    )
    return procedure


@pytest.fixture
def citizen(db):
    return User.objects.create_user(
        "citizen",
        password="x",
        full_name="Nguyễn Thị Lan",
        citizen_id="022190001234",
        phone="0912345678",
        email="lan@example.com",
    )


@pytest.fixture
def other_citizen(db):
    return User.objects.create_user("other", password="x", full_name="Trần Văn Bình")
