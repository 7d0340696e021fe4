"""A citizen's whole journey in a real headless chromium on a 360 px phone: register and
confirm the e-mail code, find the procedure, fill its e-form with a repeating group, upload a
paper, save the draft, resume it on another device (logging in by phone), submit it and read
the e-mailed receipt; then withdraw another dossier with confirmation and rate a returned one.
(Supplements and the public lookup have their own browser tests in test_browser_dossiers.)"""

import pytest
from django.core import mail

from motcua.accounts.constants import Role
from motcua.accounts.tests.conftest import PASSWORD, SIGNUP, last_code
from motcua.catalogue.constants import OnlineType, PublicationStatus
from motcua.catalogue.services import procedure_reindex
from motcua.documents.tests import samples
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier, Rating
from motcua.dossiers.services import ActInput, dossier_act
from motcua.dossiers.tests.conftest import build_province, receive
from motcua.eforms.services import eform_save

from .test_browser_dossiers import check_page

pytestmark = pytest.mark.browser

HOUSEHOLD = {
    "title": "Tờ khai",
    "fields": [
        {"key": "applicant_name", "type": "text", "label": "Họ và tên", "required": True,
         "prefill": "full_name"},
        {"key": "applicant_id_number", "type": "citizen_id", "label": "Số định danh cá nhân",
         "required": True, "prefill": "citizen_id"},
        {"key": "applicant_phone", "type": "phone", "label": "Số điện thoại", "required": True,
         "prefill": "phone"},
        {"key": "applicant_email", "type": "email", "label": "Thư điện tử", "prefill": "email"},
        {"key": "applicant_address", "type": "text", "label": "Nơi cư trú", "required": True},
        {"key": "members", "type": "group", "label": "Người có tên trên giấy chứng nhận",
         "min": 1, "max": 5, "fields": [
             {"key": "member_name", "type": "text", "label": "Họ và tên", "required": True},
             {"key": "member_birth", "type": "date", "label": "Ngày sinh", "required": True},
         ]},
    ],
}  # fmt: skip


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    province = build_province()
    procedure = province.procedure
    procedure.online_type = OnlineType.FULL
    procedure.save()
    procedure_reindex(procedure=procedure)
    eform_save(
        procedure=procedure,
        definition=HOUSEHOLD,
        status=PublicationStatus.PUBLISHED,
        actor=province.users[Role.PROVINCE_ADMIN],
    )
    return province


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_register_apply_save_resume_and_submit(page, browser, live_server, province):
    base = live_server.url
    # Register and confirm the e-mail with the code it carries.
    page.goto(base + "/tai-khoan/signup/")
    for name, value in SIGNUP.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("main form.usa-form button[type=submit]").first.click()
    page.wait_for_url("**/tai-khoan/confirm-email/")
    page.locator("#id_code").fill(last_code())
    page.locator("main form.usa-form button[type=submit]").first.click()
    page.wait_for_url(base + "/")

    # Find the procedure and start the application.
    page.get_by_role("searchbox").first.fill("bien dong dat")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=province.procedure.name).first.click()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url("**/nop-ho-so/1.004227/")
    assert page.locator("#f-applicant_name").input_value() == SIGNUP["full_name"]
    assert page.locator("#f-applicant_id_number").input_value() == SIGNUP["citizen_id"]
    page.locator("#f-applicant_address").fill("Tổ 3, khu 5, phường Hạ Long")
    page.locator("#f-members-0-member_name").fill("Trần Thị Bình")
    page.locator("#f-members-0-member_birth").fill("1990-01-15")
    press(page, "Thêm: Người có tên trên giấy chứng nhận")  # the group's "Add another"
    page.locator("#f-members-1-member_name").fill("Lê Văn Cường")
    page.locator("#f-members-1-member_birth").fill("1988-07-02")
    page.locator("#agency").select_option(province.commune.slug)
    component = province.procedure.components.get()
    page.locator(f"#component-{component.pk}").set_input_files(
        files=[{"name": "don-dang-ky.pdf", "mimeType": "application/pdf",
                "buffer": samples.pdf()}]
    )  # fmt: skip
    press(page, "Lưu bản nháp")
    assert "don-dang-ky.pdf" in page.locator(".mc-eform-uploads").inner_text()
    check_page(page, "apply-draft")

    # Another device: log in by phone, the draft is there with the file.
    other = browser.new_context(viewport={"width": 360, "height": 740})
    phone = other.new_page()
    phone.goto(base + "/tai-khoan/login/")
    phone.locator("#id_login").fill(SIGNUP["phone"])
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("main form.usa-form button[type=submit]").first.click()
    phone.wait_for_url(base + "/")
    phone.goto(base + "/nop-ho-so/1.004227/")
    assert phone.locator("#f-members-1-member_name").input_value() == "Lê Văn Cường"
    assert "don-dang-ky.pdf" in phone.locator(".mc-eform-uploads").inner_text()
    # Submitting with a required answer emptied, a file that is not what it claims, no choice of
    # delivery and no declaration: every error at once, in a summary that has the focus.
    phone.locator("#f-applicant_address").fill("")
    phone.locator(f"#component-{component.pk}").set_input_files(
        files=[{"name": "gia-mao.pdf", "mimeType": "application/pdf",
                "buffer": b"<html><script>alert(1)</script></html>"}]
    )  # fmt: skip
    press(phone, "Nộp hồ sơ")
    summary = phone.locator("#error-summary")
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    errors = summary.inner_text()
    for expected in ("Nơi cư trú", "gia-mao.pdf", "nhận kết quả", "cam đoan"):
        assert expected in errors, errors
    check_page(phone, "apply-errors")
    summary.get_by_role("link", name="Hãy chọn hình thức nhận kết quả.").click()
    assert phone.evaluate("document.activeElement.id") == "delivery-counter"
    phone.locator("#f-applicant_address").fill("Tổ 3, khu 5, phường Hạ Long")
    phone.locator("label[for=delivery-post]").click()
    phone.locator("#delivery-address").fill("Số 7 phố Lê Lợi, phường Hạ Long")
    phone.locator("label[for=declaration]").click()
    press(phone, "Nộp hồ sơ")
    assert "/nop-ho-so/da-nop/" in phone.url, phone.locator("main").inner_text()[:1500]
    check_page(phone, "apply-submitted")
    assert "Hồ sơ của Ông/Bà đã được nộp" in phone.locator("main").inner_text()
    other.close()

    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.channel) == (DossierStatus.REGISTERED, "online")
    assert [m["member_name"] for m in dossier.form_data["members"]] == [
        "Trần Thị Bình",
        "Lê Văn Cường",
    ]
    assert dossier.files.get().original_name == "don-dang-ky.pdf"
    assert (dossier.result_delivery, dossier.result_delivery_address) == (
        "post",
        "Số 7 phố Lê Lợi, phường Hạ Long",
    )
    assert mail.outbox[-1].to == [SIGNUP["email"]]
    assert dossier.reference in mail.outbox[-1].body


def log_in_citizen(page, base: str, province) -> None:
    citizen = province.users["citizen"]
    citizen.email = "an.nguyen@example.vn"
    citizen.set_password(PASSWORD)
    citizen.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    page.goto(base + "/tai-khoan/login/")
    page.locator("#id_login").fill(citizen.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form.usa-form button[type=submit]").first.click()
    page.wait_for_url(base + "/")


def test_withdraw_with_confirmation_and_rate_a_returned_dossier(page, live_server, province):
    base = live_server.url
    to_withdraw = receive(province)
    returned = receive(province)
    officials = province.users
    for act, who, data in (
        (Act.FORWARD, Role.RECEPTION_OFFICER, ActInput()),
        (Act.FINISH, Role.CLERK, ActInput(result_number="12/GCN")),
        (Act.RETURN_RESULT, Role.RECEPTION_OFFICER,
         ActInput(return_method="counter", recipient_name="Nguyễn Văn An")),
    ):  # fmt: skip
        returned = dossier_act(dossier=returned, act=act, actor=officials[who], data=data)
    log_in_citizen(page, base, province)

    page.goto(f"{base}/ho-so-cua-toi/{to_withdraw.code}/rut-ho-so/")
    page.locator("textarea").fill("Tôi không còn nhu cầu")
    press(page, "Rút hồ sơ")  # not confirmed: refused, nothing changes
    assert Dossier.objects.get(pk=to_withdraw.pk).status == DossierStatus.ACCEPTED
    page.locator("label[for$='confirm']").click()
    check_page(page, "withdraw")
    press(page, "Rút hồ sơ")
    assert Dossier.objects.get(pk=to_withdraw.pk).status == DossierStatus.WITHDRAWN

    page.goto(f"{base}/ho-so-cua-toi/{returned.code}/danh-gia/")
    for group in page.locator("main fieldset").all():
        group.locator("label.usa-radio__label").first.click()
    check_page(page, "rate")
    press(page, "Gửi đánh giá")
    rating = Rating.objects.get(dossier=returned)
    assert rating.overall and rating.rated_by == province.users["citizen"]
    page.goto(f"{base}/ho-so-cua-toi/{returned.code}/danh-gia/")
    assert Rating.objects.filter(dossier=returned).count() == 1
