"""The 766 index page speaks plainly (issue 14, item 5): no research notes — other provinces'
names, section numbers of our reference documents, source codes, setting names — in either
language. The sources stay in the code comments and docs/."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.dossiers.tests.conftest import build_province
from motcua.reporting.tests.outcomes import build_march

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
RESEARCH_NOTES = re.compile(
    r"Thanh Hóa|§|domain-vn|MOTCUA_|\bS2[78]?\b|\bcode S\d|DVCQG|our sources|rule not found"
    r"|\[(memory|code|S\d+)\]|tài liệu chúng tôi|quy tắc\)"
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_index_page_has_no_research_notes(client, language):
    march = build_march(build_province())
    client.force_login(march.province.users[Role.LEADER])
    with translation.override(language):
        url = reverse("backoffice:index-766")
    response = client.get(url, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["index"].groups
    assert RESEARCH_NOTES.findall(html) == []
    assert "766/QĐ-TTg" in html  # the decision itself is still named
