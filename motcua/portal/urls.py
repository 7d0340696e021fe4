from django.urls import path

from . import (
    apply_views,
    dossier_views,
    inbox_views,
    lookup_views,
    payment_views,
    preferences_views,
    transparency_views,
    verify_views,
    views,
    warehouse_views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:national_code>/", views.procedure_detail, name="procedure-detail"),
    # Applying online: the e-form and its files (a draft at every press), then the confirmation.
    path("nop-ho-so/da-nop/<uuid:uid>/", apply_views.submitted, name="apply-submitted"),
    path("nop-ho-so/<str:national_code>/", apply_views.apply, name="apply"),
    # The citizen's own dossiers and the public lookup (dossiers.slips.LOOKUP_PATH: the QR code
    # of the receipt opens /tra-cuu/?ma=<code>).
    path("tra-cuu/", lookup_views.lookup, name="lookup"),
    path("minh-bach/", transparency_views.transparency, name="transparency"),
    # Verifying signed documents; /xac-thuc/<token>/ is the QR code printed on every e-result.
    path("xac-thuc/", verify_views.verify, name="verify"),
    path("xac-thuc/<str:token>/", verify_views.verify_issued, name="verify-issued"),
    path("ho-so-cua-toi/", dossier_views.my_dossiers, name="my-dossiers"),
    # The citizen's e-warehouse: their e-results and verified papers (dossiers.warehouse).
    path("kho-du-lieu/", warehouse_views.warehouse, name="warehouse"),
    path(
        "kho-du-lieu/<int:document_id>/",
        warehouse_views.warehouse_download,
        name="warehouse-document",
    ),
    path("tai-khoan/thong-bao/", preferences_views.preferences, name="preferences"),
    *inbox_views.urlpatterns,  # the inbox ("Hộp thư"): /hop-thu/
    path("ho-so-cua-toi/<str:key>/", dossier_views.my_dossier, name="my-dossier"),
    path(
        "ho-so-cua-toi/<str:key>/bo-sung/",
        dossier_views.supplement,
        name="my-dossier-supplement",
    ),
    path("ho-so-cua-toi/<str:key>/rut-ho-so/", dossier_views.withdraw, name="my-dossier-withdraw"),
    path("ho-so-cua-toi/<str:key>/danh-gia/", dossier_views.rate, name="my-dossier-rate"),
    path(
        "ho-so-cua-toi/<str:key>/phieu/<str:kind>.pdf",
        dossier_views.slip,
        name="my-dossier-slip",
    ),
    path(
        "ho-so-cua-toi/<str:key>/tep/<int:file_id>/",
        dossier_views.file_download,
        name="my-dossier-file",
    ),
    # Paying what a dossier owes (payment_views): the pay page, its polled status, the start of
    # an online payment, the browser's return from the gateway and the e-receipt by its token
    # (dossiers.payment_receipts.RECEIPT_PATH).
    path("ho-so-cua-toi/<str:key>/thanh-toan/", payment_views.pay, name="my-dossier-pay"),
    path(
        "ho-so-cua-toi/<str:key>/thanh-toan/trang-thai/",
        payment_views.pay_status,
        name="my-dossier-pay-status",
    ),
    path(
        "ho-so-cua-toi/<str:key>/thanh-toan/<str:reference>/vnpay/",
        payment_views.pay_online,
        name="my-dossier-pay-online",
    ),
    path("thanh-toan/vnpay/tro-ve/", payment_views.vnpay_return, name="vnpay-return"),
    path("bien-lai/<str:token>/", payment_views.receipt_pdf, name="receipt"),
]
