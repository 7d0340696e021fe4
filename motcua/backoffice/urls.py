"""Back-office pages for officials, under /can-bo/ (Vietnamese) and /en/can-bo/."""

from allauth.account import views as account_views
from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    assignment_views,
    dashboard_views,
    dossier_views,
    file_views,
    inbox_views,
    index_views,
    payment_assess_views,
    payment_views,
    reception,
    register_views,
    result_views,
    slip_views,
    statistics_views,
    views,
    worklists,
)

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so/", worklists.worklist, name="worklist"),
    path("ho-so/chuyen-tiep/", worklists.bulk_forward, name="bulk-forward"),
    path("ho-so/<str:key>/", dossier_views.dossier_detail, name="dossier"),
    path("ho-so/<str:key>/thao-tac/", dossier_views.dossier_act_view, name="dossier-act"),
    path(
        "ho-so/<str:key>/phan-cong/",
        assignment_views.dossier_assign_view,
        name="dossier-assign",
    ),
    path(
        "ho-so/<str:key>/to-khai/",
        dossier_views.dossier_answer_correct_view,
        name="dossier-answer-correct",
    ),
    path("ho-so/<str:key>/phieu/<str:kind>.pdf", slip_views.slip_download, name="slip"),
    path("ho-so/<str:key>/tep/", file_views.dossier_file_upload, name="dossier-file-upload"),
    path(
        "ho-so/<str:key>/tep/<int:file_id>/",
        file_views.dossier_file_download,
        name="dossier-file",
    ),
    path(
        "ho-so/<str:key>/ket-qua/<int:file_id>/ky-so/",
        result_views.result_sign_view,
        name="result-sign",
    ),
    path(
        "ho-so/<str:key>/ket-qua/<int:file_id>/dong-dau/",
        result_views.result_seal_view,
        name="result-seal",
    ),
    path(
        "ho-so/<str:key>/thanh-toan/xac-dinh/",
        payment_assess_views.fee_assess_view,
        name="payment-assess",
    ),
    path(
        "ho-so/<str:key>/thanh-toan/cuoc-buu-chinh/",
        payment_assess_views.postage_bill_view,
        name="payment-postage",
    ),
    path(
        "ho-so/<str:key>/thanh-toan/<int:pk>/thu-tai-quay/",
        payment_views.payment_record_view,
        name="payment-record",
    ),
    path(
        "ho-so/<str:key>/thanh-toan/<int:pk>/huy/",
        payment_views.payment_cancel_view,
        name="payment-cancel",
    ),
    path(
        "ho-so/<str:key>/thanh-toan/<int:pk>/hoan-tien/",
        payment_views.payment_refund_view,
        name="payment-refund",
    ),
    path(
        "ho-so/<str:key>/thanh-toan/<int:pk>/bien-lai.pdf",
        payment_views.payment_receipt_view,
        name="payment-receipt",
    ),
    path("thanh-toan/", payment_views.payment_list, name="payments"),
    path("thanh-toan/sao-ke/", payment_views.statement_import_view, name="payment-statement"),
    path("thanh-toan/doi-soat/", payment_views.reconciliation_view, name="payment-queue"),
    path(
        "thanh-toan/doi-soat/<int:pk>/gan/",
        payment_views.entry_resolve_view,
        name="payment-entry-resolve",
    ),
    path(
        "thanh-toan/doi-soat/<int:pk>/bo-qua/",
        payment_views.entry_dismiss_view,
        name="payment-entry-dismiss",
    ),
    path("thanh-toan/bao-cao-ngay/", payment_views.daily_report_view, name="payment-report"),
    path("hop-thu/", inbox_views.inbox, name="inbox"),
    path("hop-thu/<int:pk>/", inbox_views.inbox_item, name="inbox-item"),
    path("hop-thu/da-doc-het/", inbox_views.inbox_read_all, name="inbox-read-all"),
    path("so-theo-doi/", register_views.register_page, name="register"),
    path(
        "so-theo-doi/tai-ve.pdf",
        register_views.register_download,
        {"kind": "pdf"},
        name="register-pdf",
    ),
    path(
        "so-theo-doi/tai-ve.xlsx",
        register_views.register_download,
        {"kind": "xlsx"},
        name="register-xlsx",
    ),
    path("thong-ke/", statistics_views.statistics_page, name="statistics"),
    path("thong-ke/tai-ve.xlsx", statistics_views.statistics_download, name="statistics-xlsx"),
    path("bang-dieu-khien/", dashboard_views.dashboard, name="dashboard"),
    path("chi-so-766/", index_views.index_page, name="index-766"),
    path("tiep-nhan/", reception.reception, name="reception"),
    path("tiep-nhan/cho-tiep-nhan/", reception.online_queue, name="reception-queue"),
    path("tiep-nhan/<str:national_code>/", reception.intake, name="intake"),
    path(
        "dang-nhap/",
        account_views.LoginView.as_view(template_name="backoffice/login.html"),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="backoffice:login"), name="logout"),
]
