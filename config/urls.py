"""URL wiring: portal at /, back office at /can-bo/, admin at /admin/, API at /api/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("motcua.api.urls")),
    path(
        "media/forms/<path:path>",
        serve,
        {"document_root": settings.MEDIA_ROOT / "forms"},
        name="form-template-file",
    ),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
    prefix_default_language=False,
)
