"""The catalogue import's preview compares the file with the current catalogue: procedures
added, changed (naming the changed fields), unchanged, and those the file does not hold; and
the procedure's lists of texts (applicants, results, steps) are edited one item per line, not
as JSON."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.catalogue import interchange, selectors, services
from motcua.catalogue.admin_forms import LinesField
from motcua.catalogue.import_diff import catalogue_diff, field_label
from motcua.catalogue.models import Procedure
from motcua.catalogue.tests.test_interchange import BIRTH, MINIMAL, full_document

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:catalogue_procedure_import")
OTHER = "1.000001"


def json_file(document: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("danh-muc.json", json.dumps(document, ensure_ascii=False).encode())


def changed_document() -> dict:
    """The full document with the birth registration renamed and given a longer online time,
    the minimal procedure left out and a new one added."""
    document = copy.deepcopy(full_document())
    birth = next(p for p in document["procedures"] if p["national_code"] == BIRTH)
    birth["name"] = "Đăng ký khai sinh (sửa đổi)"
    birth["channels"][1]["time_value"] = "16"
    other = copy.deepcopy(birth) | {"national_code": OTHER, "name": "Thủ tục mới"}
    document["procedures"] = [birth, other]
    return document


def clean(document: dict) -> dict:
    result, errors = interchange.clean_document(document)
    assert errors == []
    return result


def test_an_export_read_back_changes_nothing(db):
    services.catalogue_import(document=full_document(), actor=None)
    diff = catalogue_diff(clean(selectors.catalogue_export()))
    assert (diff.added, diff.changed, diff.not_in_file) == ((), (), ())
    assert diff.unchanged == 2


def test_added_changed_and_missing_procedures(db):
    services.catalogue_import(document=full_document(), actor=None)
    diff = catalogue_diff(clean(changed_document()))
    assert diff.added == ((OTHER, "Thủ tục mới"),)
    assert [(c.national_code, c.fields) for c in diff.changed] == [
        (BIRTH, (field_label("name"), field_label("channels")))
    ]
    assert diff.unchanged == 0
    assert [code for code, _name in diff.not_in_file] == [MINIMAL]


def test_the_preview_shows_the_diff(admin_client):
    services.catalogue_import(document=full_document(), actor=None)
    response = admin_client.post(IMPORT, {"file": json_file(changed_document())})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-diff"' in html
    added = html[html.index('id="import-added"') :]
    assert OTHER in added[: added.index("</ul>")]
    changed = html[html.index('id="import-changed"') :]
    row = changed[changed.index(BIRTH) : changed.index("</tr>", changed.index(BIRTH))]
    for field in response.context["diff"].changed[0].fields:
        assert field in row
    missing = html[html.index('id="import-not-in-file"') :]
    assert MINIMAL in missing[: missing.index("</ul>")]
    assert not Procedure.objects.filter(national_code=OTHER).exists()  # only a preview


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (
            "Giấy khai sinh\n\n  Bản sao giấy khai sinh  \n",
            ["Giấy khai sinh", "Bản sao giấy khai sinh"],
        ),
        ("", []),
        ("   \n", []),
    ],
)
def test_lines_become_a_list(typed, stored):
    assert LinesField(required=False).clean(typed) == stored


def test_the_procedure_page_edits_lists_one_per_line(admin_client):
    services.catalogue_import(document=full_document(), actor=None)
    procedure = Procedure.objects.get(national_code=BIRTH)
    url = reverse("admin:catalogue_procedure_change", args=[procedure.pk])
    form = admin_client.get(url).context["adminform"].form
    assert form["applicants"].value() in (procedure.applicants, "\n".join(procedure.applicants))
    html = admin_client.get(url).content.decode()
    assert "Công dân Việt Nam\nNgười nước ngoài</textarea>" in html
    assert '["Công dân' not in html  # no JSON to type
