"""Online dossiers with e-form answers, for the tests of answers (display, correction, pages,
API, receipt): the bundled birth registration e-form (1.001193) published on the test
procedure, and a small form with a repeating group and every kind of field."""

import json
from pathlib import Path
from typing import Any

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel, PublicationStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ComponentReceived, dossier_register
from motcua.eforms.services import eform_save

from .conftest import Province

BIRTH = json.loads(
    (Path(__file__).resolve().parents[2] / "eforms" / "data" / "1.001193.json").read_text(
        encoding="utf-8"
    )
)["definition"]

# Clean answers as eforms.answers.validate_answers stores them.
BIRTH_ANSWERS: dict[str, Any] = {
    "applicant_name": "Nguyễn Thị Lan",
    "applicant_address": "Thôn 1, xã A, tỉnh Quảng Ninh",
    "applicant_id_number": "022190001234",
    "relationship": "me",
    "applicant_phone": "0912345678",
    "applicant_email": "lan@example.org",
    "child_name": "Trần Minh Khôi",
    "child_birth_date": "2026-03-02",
    "child_sex": "nam",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
    "child_birth_place": "Bệnh viện Sản Nhi tỉnh Quảng Ninh",
    "child_hometown": "Xã Đông Hưng, tỉnh Thái Bình",
    "mother_name": "Nguyễn Thị Lan",
    "mother_birth_year": 1990,
    "mother_ethnicity": "Kinh",
    "mother_nationality": "Việt Nam",
    "mother_residence": "Thôn 1, xã A, tỉnh Quảng Ninh",
    "father_declared": True,
    "father_name": "Trần Văn Bình",
    "father_birth_year": 1988,
    "father_ethnicity": "Kinh",
    "father_nationality": "Việt Nam",
    "father_residence": "Thôn 1, xã A, tỉnh Quảng Ninh",
    "copies_requested": True,
    "copies": 2,
}

# Every kind of field, a repeating group (the parents) and a field shown only in a case.
FAMILY = {
    "title": {"vi": "Tờ khai thử", "en": "Test declaration"},
    "fields": [
        {"key": "applicant_name", "type": "text", "label": {"vi": "Họ và tên", "en": "Full name"},
         "required": True},
        {"key": "note", "type": "textarea", "label": "Ghi chú"},
        {"key": "area", "type": "number", "label": "Diện tích (m²)", "decimal_places": 1},
        {"key": "birth_date", "type": "date", "label": {"vi": "Ngày sinh", "en": "Date of birth"},
         "max": "today"},
        {"key": "applicant_email", "type": "email", "label": "Thư điện tử"},
        {"key": "applicant_phone", "type": "phone", "label": "Số điện thoại"},
        {"key": "applicant_id_number", "type": "citizen_id", "label": "Số định danh cá nhân"},
        {"key": "sex", "type": "select", "label": "Giới tính", "required": True,
         "options": [{"value": "nam", "label": {"vi": "Nam", "en": "Male"}},
                     {"value": "nu", "label": {"vi": "Nữ", "en": "Female"}}]},
        {"key": "reason", "type": "radio", "label": "Lý do",
         "options": [{"value": "new", "label": "Cấp mới"}, {"value": "lost", "label": "Bị mất"}]},
        {"key": "lost_on", "type": "date", "label": "Ngày bị mất", "required": True,
         "show_if": {"field": "reason", "equals": "lost"}},
        {"key": "channels", "type": "checkbox", "label": "Nhận thông báo qua",
         "options": ["SMS", "Thư điện tử"]},
        {"key": "married", "type": "boolean", "label": {"vi": "Đã kết hôn", "en": "Married"}},
        {"key": "parents", "type": "group", "label": "Cha, mẹ", "item_label": "Người thứ",
         "max": 2, "fields": [
             {"key": "parent_name", "type": "text", "label": "Họ, chữ đệm, tên", "required": True},
             {"key": "parent_birth", "type": "date", "label": "Ngày sinh"},
         ]},
    ],
}  # fmt: skip

FAMILY_ANSWERS: dict[str, Any] = {
    "applicant_name": "Nguyễn Văn An",
    "note": "Dòng một\nDòng hai",
    "area": "12.5",
    "birth_date": "1990-07-09",
    "applicant_email": "an@example.org",
    "applicant_phone": "0912345678",
    "applicant_id_number": "022090001234",
    "sex": "nam",
    "reason": "lost",
    "lost_on": "2026-01-15",
    "channels": ["SMS", "Thư điện tử"],
    "married": False,
    "parents": [
        {"parent_name": "Nguyễn Văn Cha", "parent_birth": "1960-01-02"},
        {"parent_name": "Lê Thị Mẹ"},
    ],
}


def online_with_answers(
    province: Province,
    definition: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    *,
    components: list[ComponentReceived] | None = None,
) -> Dossier:
    """A dossier the citizen submitted online with `answers` to `definition` (published on
    the test procedure), waiting at the one-stop desk of the commune."""
    definition = definition if definition is not None else FAMILY
    answers = answers if answers is not None else FAMILY_ANSWERS
    eform = eform_save(
        procedure=province.procedure,
        definition=definition,
        status=PublicationStatus.PUBLISHED,
        actor=province.users[Role.PROVINCE_ADMIN],
    )
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(
            name=str(answers.get("applicant_name", "Nguyễn Văn An")),
            email=str(answers.get("applicant_email", "")),
            address=str(answers.get("applicant_address", "")),
        ),
        actor=province.users["citizen"],
        components=components or [],
    )
    dossier.form_data = dict(answers)
    dossier.form_version = eform.version
    dossier.save(update_fields=["form_data", "form_version"])
    return dossier
