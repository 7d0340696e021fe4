"""The applicant sees the answers of their online declaration on their own dossier's page
("Hồ sơ của tôi"); nobody else does, and nobody may correct them there."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.dossiers.tests.answer_scenes import online_with_answers
from motcua.dossiers.tests.conftest import build_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    cache.clear()
    return build_province()


def url(dossier, prefix: str = "") -> str:
    return prefix + reverse("portal:my-dossier", args=[str(dossier.uid)])


def test_the_applicant_sees_their_declaration(client, province):
    dossier = online_with_answers(province)
    client.force_login(province.users["citizen"])
    response = client.get(url(dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tờ khai của Ông/Bà" in html
    for text in [
        "Họ và tên",
        "Nguyễn Văn An",
        "Ngày sinh",
        "09/07/1990",
        "Giới tính",
        "Bị mất",
        "15/01/2026",
        "Đã kết hôn",
        "Không",
        "Cha, mẹ",
        "Người thứ 2",
        "Lê Thị Mẹ",
    ]:
        assert text in html, text
    assert "Sửa nội dung này" not in html and "to-khai" not in html


def test_in_english(client, province):
    dossier = online_with_answers(province)
    client.force_login(province.users["citizen"])
    html = client.get(url(dossier, "/en")).content.decode()
    assert "Your declaration" in html and "Full name" in html and "Male" in html


@pytest.mark.parametrize("who", ["stranger", Role.RECEPTION_OFFICER])
def test_nobody_else_sees_it_here(client, province, who):
    if who == "stranger":
        province.users[who] = get_user_model().objects.create_user(
            username="stranger", password="x", full_name="Người lạ"
        )
    dossier = online_with_answers(province)
    client.force_login(province.users[who])
    response = client.get(url(dossier))
    assert response.status_code == 404
    assert "Nguyễn Văn Cha" not in response.content.decode()
