from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .v1.deadlines import DeadlineApi
from .v1.dossiers import DossierActApi, DossierDetailApi, DossierEventsApi, DossierListApi
from .v1.payments import BankNotificationApi, DossierPaymentsApi
from .v1.procedures import ProcedureDetailApi, ProcedureListApi
from .v1.results import (
    ResultCompleteApi,
    ResultFileApi,
    ResultPrepareApi,
    ResultSealApi,
    ResultSignApi,
)
from .v1.statistics import StatisticsApi
from .v1.verify import VerifyApi

app_name = "api"

urlpatterns = [
    path("v1/procedures", ProcedureListApi.as_view(), name="procedure-list"),
    path("v1/procedures/<str:code>", ProcedureDetailApi.as_view(), name="procedure-detail"),
    path("v1/deadlines", DeadlineApi.as_view(), name="deadlines"),
    path("v1/dossiers", DossierListApi.as_view(), name="dossier-list"),
    path("v1/dossiers/<str:key>", DossierDetailApi.as_view(), name="dossier-detail"),
    path("v1/dossiers/<str:key>/events", DossierEventsApi.as_view(), name="dossier-events"),
    path("v1/dossiers/<str:key>/acts", DossierActApi.as_view(), name="dossier-acts"),
    path("v1/dossiers/<str:key>/payments", DossierPaymentsApi.as_view(), name="dossier-payments"),
    path(
        "v1/dossiers/<str:key>/results/<str:file_id>/sign",
        ResultSignApi.as_view(),
        name="dossier-result-sign",
    ),
    path(
        "v1/dossiers/<str:key>/results/<str:file_id>/seal",
        ResultSealApi.as_view(),
        name="dossier-result-seal",
    ),
    path(
        "v1/dossiers/<str:key>/results/<str:file_id>/prepare",
        ResultPrepareApi.as_view(),
        name="dossier-result-prepare",
    ),
    path(
        "v1/dossiers/<str:key>/results/<str:file_id>/complete",
        ResultCompleteApi.as_view(),
        name="dossier-result-complete",
    ),
    path(
        "v1/dossiers/<str:key>/results/<str:file_id>/file",
        ResultFileApi.as_view(),
        name="dossier-result-file",
    ),
    path(
        "v1/payments/bank-notifications",
        BankNotificationApi.as_view(),
        name="payment-bank-notifications",
    ),
    path("v1/statistics", StatisticsApi.as_view(), name="statistics"),
    path("v1/verify", VerifyApi.as_view(), name="verify"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
