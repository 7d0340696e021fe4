"""URL wiring: portal at /, back office at /can-bo/, accounts at /tai-khoan/, admin at /admin/,
API at /api/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from motcua.accounts.views import admin_login
from motcua.catalogue.views import form_template_download
from motcua.portal.payment_views import vnpay_ipn

# The admin logs in through allauth too, so its password-only form cannot skip MFA.
admin.site.login = admin_login  # type: ignore[method-assign]


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and the benchmark's trivial-view reference: no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("motcua.api.urls")),
    path("media/forms/<path:path>", form_template_download, name="form-template-file"),
    # The payment gateway's server notification: one fixed address registered with VNPAY
    # (settings.MOTCUA_PAYMENT_GATEWAYS["vnpay"]["ipn_url"]), in no language.
    path("thanh-toan/vnpay/ipn/", vnpay_ipn, name="vnpay-ipn"),
]
if settings.MOTCUA_PAYMENT_SIMULATOR:  # development and the demo: a local stand-in for VNPAY
    urlpatterns.append(path("mo-phong/vnpay/", include("motcua.payments.simulator_urls")))
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("tai-khoan/", include("allauth.urls")),
    path("", include("motcua.portal.urls")),
    prefix_default_language=False,
)
