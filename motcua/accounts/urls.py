"""The account overview under /tai-khoan/; sign-in pages themselves are allauth's (config/urls)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_overview, name="overview"),
    path("nguoi-nop/", views.account_kind, name="account-kind"),
]
