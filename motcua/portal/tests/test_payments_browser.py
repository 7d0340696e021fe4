"""Paying a submission fee in a real headless chromium, through the local VNPAY simulator: the
pay page's VietQR code decodes (zbarimg) to the request's payload, the gateway button leads to
the simulator, "Thanh toán thành công" there notifies the server (IPN) and brings the citizen
back to the pay page showing the payment done and its e-receipt, whose PDF names the amount and
the payer (pdftotext). Also without JavaScript. Screenshots at 360 and 1280 px go to
/tmp/shots/portal-pay-*.png and test-artifacts/screenshots (with axe-core and the phone width
checked by the shared page check)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import SCREENSHOTS, check_page
from motcua.dossiers.payments import payment_vietqr
from motcua.dossiers.tests.conftest import build_province
from motcua.payments.constants import PaymentStatus
from motcua.payments.models import PaymentRequest

from . import dossier_scenes as scenes
from .test_payments_pages import AMOUNT, gateway_settings, owing

pytestmark = pytest.mark.browser

#: Where copies of the screenshots go as well (MOTCUA_SHOTS=/tmp/shots to look at them).
SHOTS = Path(os.environ.get("MOTCUA_SHOTS") or SCREENSHOTS)
MONEY = "1.250.000\xa0đ"  # as the portal writes an amount (portal/_money.html)


@pytest.fixture
def province(transactional_db, settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    gateway_settings(settings, live_server.url + "/mo-phong/vnpay", ipn_base=live_server.url)
    settings.MOTCUA_PAYMENT_SIMULATOR_IPN = "before"
    cache.clear()
    return build_province()


def shots(page, name: str) -> None:
    """The shared page check (full-page screenshots at 360 and 1280 px, axe-core, the phone's
    width), the screenshots also copied to SHOTS."""
    check_page(page, f"portal-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    if SHOTS.resolve() != SCREENSHOTS.resolve():
        for width in (360, 1280):
            shutil.copy(SCREENSHOTS / f"portal-{name}-{width}.png", SHOTS)


def decode_qr(path: Path) -> str:
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is needed to read the QR code"
    out = subprocess.run(
        [zbarimg, "--raw", "-q", str(path)], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "bien-lai.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            str(source),
            str(SHOTS / "portal-pay-receipt"),
        ],
        check=True,
    )
    out = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_a_citizen_pays_the_submission_fee_online_and_gets_the_receipt(
    page, live_server, province, tmp_path
):
    dossier, request = owing(province)
    base = live_server.url
    page.context.add_cookies([{**scenes.session_cookie(province.users["citizen"]), "url": base}])

    # The confirmation of the submission and the dossier page lead to the pay page.
    page.goto(base + reverse("portal:apply-submitted", args=[dossier.uid]))
    assert MONEY in page.locator(".mc-apply__pay").inner_text()
    shots(page, "pay-submitted")
    page.goto(base + reverse("portal:my-dossier", args=[dossier.key]))
    assert MONEY in page.locator("#payments").inner_text()
    shots(page, "pay-dossier-owing")
    page.locator("#payments a.mc-dossier-payments__pay").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.key}/thanh-toan/")

    # The pay page: the amount, the bank, and a QR code that is the request's VietQR payload.
    section = page.locator(f"#payment-{request.reference}")
    assert section.get_attribute("data-status") == PaymentStatus.PENDING
    text = section.inner_text()
    assert MONEY in text and "Ngân hàng TMCP Ngoại thương Việt Nam" in text
    assert "0011004455667" in text
    shots(page, "pay-owing")
    page.set_viewport_size({"width": 360, "height": 740})
    qr = tmp_path / "vietqr.png"
    page.locator(f"#vietqr-{request.reference} svg").screenshot(path=str(qr))
    shutil.copy(qr, SHOTS / "portal-pay-qr.png")
    assert decode_qr(qr) == payment_vietqr(request)

    # The gateway (the simulator): pay, and come back.
    section.locator("form button[type=submit]").click()
    page.wait_for_url("**/mo-phong/vnpay/paymentv2/vpcpay.html?**")
    assert "1.250.000 VND" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "portal-pay-simulator-360.png"), full_page=True)
    page.get_by_role("button", name="Thanh toán thành công").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.key}/thanh-toan/")

    section = page.locator(f"#payment-{request.reference}")
    assert section.get_attribute("data-status") == PaymentStatus.PAID
    request.refresh_from_db()
    assert request.status == PaymentStatus.PAID and request.gateway == "vnpay"
    receipt_link = section.locator("a.mc-payment__receipt")
    receipt_link.wait_for()
    assert page.locator(".mc-messages .usa-alert--success").count() == 1
    assert page.locator("[hx-trigger]").count() == 0  # nothing left to wait for
    shots(page, "pay-paid")

    # The receipt: a PDF naming the amount and the payer.
    href = receipt_link.get_attribute("href")
    answer = page.request.get(base + href)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.body(), tmp_path)
    assert "1.250.000" in text and "Nguyễn Văn An" in text, text

    # "My dossiers" links the receipt.
    page.goto(base + reverse("portal:my-dossiers"))
    assert page.locator(f'.mc-my-dossiers a[href="{href}"]').count() == 1
    shots(page, "pay-my-dossiers")


def test_the_pay_page_updates_itself_when_the_payment_arrives(page, live_server, province):
    """The transfer is confirmed while the page is open: it shows it without a reload."""
    dossier, request = owing(province)
    base = live_server.url
    page.context.add_cookies([{**scenes.session_cookie(province.users["citizen"]), "url": base}])
    page.goto(base + reverse("portal:my-dossier-pay", args=[dossier.key]))
    section = page.locator(f"#payment-{request.reference}")
    assert section.get_attribute("data-status") == PaymentStatus.PENDING
    PaymentRequest.objects.filter(pk=request.pk).update(status=PaymentStatus.CANCELLED)
    page.locator(f'#payment-{request.reference}[data-status="cancelled"]').wait_for(timeout=15_000)


def test_paying_works_without_javascript(browser, live_server, province, static_dirs):
    dossier, request = owing(province)
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    context.add_cookies([{**scenes.session_cookie(province.users["citizen"]), "url": base}])
    page = context.new_page()
    page.goto(base + reverse("portal:my-dossier-pay", args=[dossier.key]))
    page.locator(f"#payment-{request.reference} form button[type=submit]").click()
    page.wait_for_url("**/mo-phong/vnpay/paymentv2/vpcpay.html?**")
    assert f"vnp_Amount={AMOUNT * 100}" in page.url
    page.get_by_role("button", name="Hủy giao dịch").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.key}/thanh-toan/")
    section = page.locator(f"#payment-{request.reference}")
    assert section.get_attribute("data-status") == PaymentStatus.FAILED
    page.screenshot(path=str(SHOTS / "portal-pay-cancelled-nojs-360.png"), full_page=True)
    assert section.locator("form button[type=submit]").count() == 1  # pay again
    request.refresh_from_db()
    assert request.status == PaymentStatus.FAILED
    context.close()
    assert request.amount == AMOUNT
