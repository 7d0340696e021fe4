"""Submitting online, the parts issue 14 (items 7 and 8) added: every error reported at once in
a linked summary that takes the focus, how the result is wanted, the declaration, the short
reference (on the confirmation, in my dossiers, at /tra-cuu/), the drafts in my dossiers and the
legal time shown before acceptance."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.catalogue.constants import OnlineType
from motcua.core.errors import ValidationFailed
from motcua.documents.tests import samples
from motcua.dossiers import online, references
from motcua.dossiers.constants import Act
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_events
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.conftest import build_province
from motcua.eforms.models import Draft

from . import dossier_scenes as scenes
from .test_apply import component, post, url

pytestmark = pytest.mark.django_db

DECLARATION = (
    "Tôi xin cam đoan những thông tin khai trên là đúng sự thật và chịu trách nhiệm trước "
    "pháp luật về lời khai của mình."
)


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    province = build_province()
    province.procedure.online_type = OnlineType.FULL
    province.procedure.save()
    citizen = province.users["citizen"]
    citizen.full_name, citizen.citizen_id, citizen.email = "Nguyễn Văn An", "022090001234", ""
    citizen.save()
    return province


@pytest.fixture
def citizen(client, province):
    client.force_login(province.users["citizen"])
    return client


def slot(province) -> str:
    return f"component-{component(province).pk}"


def with_file(citizen, province):
    good = samples.upload("don.pdf", samples.pdf())
    assert post(citizen, province, files={slot(province): good}, save="1").status_code == 200


def summary(html: str) -> str:
    match = re.search(r'<div [^>]*id="error-summary".*?</ul>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def submitted(citizen, province, **extra) -> Dossier:
    with_file(citizen, province)
    response = post(citizen, province, submit="1", **extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.get()


# --- every error at once, in a summary ----------------------------------------------------------


def test_a_bad_file_does_not_hide_the_other_errors(citizen, province):
    liar = samples.upload("gia-mao.pdf", b"<html><script>alert(1)</script></html>")
    response = post(
        citizen,
        province,
        files={slot(province): liar},
        submit="1",
        agency="",
        declaration="",
        **{"f-applicant_name": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    box = summary(html)
    assert "gia-mao.pdf" in box  # the refused file
    assert "Họ, chữ đệm và tên" in box  # the missing answer
    assert "Chọn cơ quan tiếp nhận" in box  # no agency
    assert "cam đoan" in box  # no declaration
    assert f'href="#{slot(province)}"' in box and 'href="#agency"' in box
    assert 'href="#declaration"' in box
    assert not Dossier.objects.exists()


def test_the_summary_comes_first_takes_the_focus_and_links_every_field(citizen, province):
    response = post(citizen, province, submit="1", agency="", **{"f-applicant_name": ""})
    html = response.content.decode()
    box = summary(html)
    opening = box.split(">", 1)[0]
    assert 'tabindex="-1"' in opening and "autofocus" in opening and 'role="alert"' in opening
    assert html.index('id="error-summary"') < html.index("mc-apply__form")  # before the form
    for target in re.findall(r'href="#([^"]+)"', box):
        assert f'id="{target}"' in html, target  # every link has its field
    assert re.search(r"<title>\s*Lỗi:", html)
    assert "summary.focus()" in html  # the script for browsers that ignore autofocus
    assert 'id="eform-errors"' not in html  # one summary, not two


def test_the_papers_missing_are_linked_to_their_slot(citizen, province):
    response = post(citizen, province, submit="1")
    box = summary(response.content.decode())
    assert f'<a href="#{slot(province)}">Đính kèm “Đơn đăng ký”' in box


def test_a_page_without_errors_has_no_summary(citizen, province):
    html = citizen.get(url(province)).content.decode()
    assert 'id="error-summary"' not in html and DECLARATION in html


# --- the declaration and how the result is wanted ------------------------------------------------


def test_the_declaration_is_required(citizen, province):
    with_file(citizen, province)
    response = post(citizen, province, submit="1", declaration="")
    assert response.status_code == 400
    assert 'id="declaration-error"' in response.content.decode()
    assert not Dossier.objects.exists()
    assert post(citizen, province, submit="1").status_code == 302


@pytest.mark.parametrize(
    ("delivery", "address", "field"),
    [
        ("", "", "delivery-counter"),
        ("drone", "", "delivery-counter"),
        ("post", "", "delivery-address"),
        ("post", "   ", "delivery-address"),
    ],
)
def test_the_delivery_is_validated(citizen, province, delivery, address, field):
    with_file(citizen, province)
    response = post(citizen, province, submit="1", delivery=delivery, delivery_address=address)
    assert response.status_code == 400
    assert f'href="#{field}"' in summary(response.content.decode())
    assert not Dossier.objects.exists()


def test_the_result_by_post_keeps_its_address(citizen, province):
    dossier = submitted(
        citizen, province, delivery="post", delivery_address="Số 7 phố Lê Lợi, phường Hạ Long"
    )
    assert dossier.result_delivery == "post"
    assert dossier.result_delivery_address == "Số 7 phố Lê Lợi, phường Hạ Long"
    officer = Client()
    officer.force_login(province.users[Role.RECEPTION_OFFICER])
    page = officer.get(reverse("backoffice:dossier", args=[dossier.key])).content.decode()
    assert "Hình thức nhận kết quả" in page and "Số 7 phố Lê Lợi" in page
    mine = citizen.get(reverse("portal:my-dossier", args=[dossier.key])).content.decode()
    assert "Hình thức nhận kết quả" in mine and "Số 7 phố Lê Lợi" in mine


def test_an_address_is_dropped_when_the_result_is_collected(citizen, province):
    dossier = submitted(citizen, province, delivery="counter", delivery_address="Số 7")
    assert (dossier.result_delivery, dossier.result_delivery_address) == ("counter", "")


def test_online_delivery_only_for_fully_online_procedures(citizen, province):
    assert 'value="online"' in citizen.get(url(province)).content.decode()
    province.procedure.online_type = OnlineType.PARTIAL
    province.procedure.save()
    assert 'value="online"' not in citizen.get(url(province)).content.decode()
    with_file(citizen, province)
    response = post(citizen, province, submit="1", delivery="online")
    assert response.status_code == 400
    assert not Dossier.objects.exists()


# --- the reference ------------------------------------------------------------------------------


def test_a_submission_gets_a_short_reference_shown_on_the_confirmation(citizen, province):
    with_file(citizen, province)
    location = post(citizen, province, submit="1")["Location"]
    dossier = Dossier.objects.get()
    assert dossier.code is None
    assert len(dossier.reference) == 8 and set(dossier.reference) <= set(references.ALPHABET)
    assert not set(dossier.reference) & set("01ILOU")  # no look-alikes
    page = citizen.get(location).content.decode()
    assert f'id="submission-reference">{dossier.reference}</span>' in page
    assert "<svg" in page  # the QR code opening /tra-cuu/?ma=<reference>
    assert references.lookup_url(dossier).endswith(f"/tra-cuu/?ma={dossier.reference}")


def test_references_are_unique(province, monkeypatch):
    taken = scenes.registered_online(province)
    taken.reference = "K7MW2QXD"
    taken.save(update_fields=["reference"])
    candidates = iter(["K7MW2QXD", "K7MW2QXD", "ABCD2345"])
    monkeypatch.setattr(references, "random_reference", lambda: next(candidates))
    assert references.reference_new() == "ABCD2345"
    monkeypatch.setattr(references, "random_reference", lambda: "K7MW2QXD")
    with pytest.raises(RuntimeError):
        references.reference_new()


def test_my_dossiers_shows_the_reference_before_acceptance(citizen, province):
    dossier = submitted(citizen, province)
    html = citizen.get(reverse("portal:my-dossiers")).content.decode()
    assert f'<span class="mc-code">{dossier.reference}</span>' in html
    assert f">{dossier.uid}<" not in html  # the uid is only in the link


@pytest.mark.parametrize(
    "typed", ["{ref}", "{lower}", " {first}-{second} "], ids=["exact", "lower", "hyphen"]
)
def test_the_lookup_takes_the_reference_like_a_code(citizen, province, typed):
    dossier = submitted(citizen, province)
    ref = dossier.reference
    shown = typed.format(ref=ref, lower=ref.lower(), first=ref[:4], second=ref[4:])
    page = Client().get("/tra-cuu/", {"ma": shown}).content.decode()
    assert dossier.procedure.name in page and province.commune.name in page
    assert "Mới đăng ký" in page
    # Nothing personal without the second factor.
    assert "Nguyễn Văn An" not in page and "0912" not in page and "022090001234" not in page
    assert 'name="xac_minh"' in page


def test_the_reference_with_the_second_factor_shows_the_applicant(citizen, province):
    dossier = submitted(citizen, province)
    anyone = Client()
    wrong = anyone.post("/tra-cuu/", {"ma": dossier.reference, "xac_minh": "0999999999"})
    assert "Nguyễn Văn An" not in wrong.content.decode()
    right = anyone.post("/tra-cuu/", {"ma": dossier.reference, "xac_minh": "0912345678"})
    assert "Nguyễn Văn An" in right.content.decode()


def test_the_reference_still_works_after_acceptance(citizen, province):
    dossier = submitted(citizen, province)
    dossier = dossier_act(
        dossier=dossier, act=Act.ACCEPT, actor=province.users[Role.RECEPTION_OFFICER]
    )
    page = Client().get("/tra-cuu/", {"ma": dossier.reference}).content.decode()
    assert dossier.code in page and dossier.procedure.name in page


def test_the_uid_is_still_not_a_lookup_key(citizen, province):
    dossier = submitted(citizen, province)
    page = Client().get("/tra-cuu/", {"ma": str(dossier.uid)}).content.decode()
    assert "Không tìm thấy hồ sơ" in page


# --- drafts and the legal time ------------------------------------------------------------------


def test_drafts_are_listed_in_my_dossiers_with_a_link_and_when_saved(citizen, province):
    post(citizen, province, save="1")
    draft = Draft.objects.get()
    html = citizen.get(reverse("portal:my-dossiers")).content.decode()
    assert "Hồ sơ đang soạn, chưa nộp" in html
    assert f'href="{url(province)}"' in html and province.procedure.name in html
    saved = timezone.localtime(draft.updated_at)
    assert f"Lưu lần cuối lúc {saved:%d/%m/%Y %H:%M}" in html


def test_the_legal_time_is_shown_before_acceptance(citizen, province):
    dossier = submitted(citizen, province)
    assert dossier.legal_time is None and dossier.accepted_at is None
    mine = citizen.get(reverse("portal:my-dossier", args=[dossier.key])).content.decode()
    assert "5 ngày làm việc" in mine
    officer = Client()
    officer.force_login(province.users[Role.RECEPTION_OFFICER])
    page = officer.get(reverse("backoffice:dossier", args=[dossier.key])).content.decode()
    assert "5 ngày làm việc" in page and "không quy định" not in page


def test_my_dossier_opens_by_its_reference_for_its_applicant_only(citizen, province):
    dossier = submitted(citizen, province)
    page = citizen.get(reverse("portal:my-dossier", args=[dossier.reference]))
    assert page.status_code == 200 and dossier.reference in page.content.decode()
    other = Client()
    other.force_login(province.users["outsider"])
    assert other.get(reverse("portal:my-dossier", args=[dossier.reference])).status_code == 404


def test_the_declaration_and_the_choices_are_kept_in_the_audit_chain(citizen, province):
    dossier = submitted(citizen, province, delivery="post", delivery_address="Số 7 phố Lê Lợi")
    [event] = dossier_events(dossier=dossier).filter(action="dossier.declared")
    assert event.data["declaration"] == DECLARATION
    assert event.data["submission_reference"] == dossier.reference
    assert (event.data["result_delivery"], event.data["result_delivery_address"]) == (
        "post",
        "Số 7 phố Lê Lợi",
    )
    officer = Client()
    officer.force_login(province.users[Role.RECEPTION_OFFICER])
    page = officer.get(reverse("backoffice:dossier", args=[dossier.reference]))
    assert page.status_code == 200  # officials find it by the reference too
    assert "Người nộp hồ sơ đã cam đoan" in page.content.decode()


def test_the_service_refuses_a_submission_without_the_declaration(citizen, province):
    with_file(citizen, province)
    draft = Draft.objects.get()
    with pytest.raises(ValidationFailed) as refused:
        online.dossier_submit_online(
            draft=draft,
            agency=province.commune,
            answers={},
            form_version=0,
            actor=province.users["citizen"],
            delivery="counter",
            declared=False,
        )
    assert any("cam đoan" in str(message) for message in refused.value.errors)
    assert not Dossier.objects.exists()
