from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

from accounts.api import MeView, MyWorkView, NotificationViewSet, OrganisationViewSet, TokenView
from accounts.drf import api_not_found
from accounts.two_factor_views import SignInView
from capabilities.api import api_urls as capabilities_api_urls
from config.health import healthz
from funding.api import api_urls as funding_api_urls
from funding.iati.urls import api_urls as funding_iati_api_urls
from lessons.api import api_urls as lessons_api_urls
from missions.api import api_urls as missions_api_urls
from offline.views import SignOutView
from outreach.api import api_urls as outreach_api_urls
from publication.api import api_urls as public_api_urls
from reports.api import ReportViewSet
from secondments.api import api_urls as secondments_api_urls
from strategy.api import api_urls as strategy_api_urls

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="api-organisation")
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("reports", ReportViewSet, basename="api-report")

api_v1 = [
    # DRF's token view names its own parsers: ours refuse JSON nested too deep with a 400.
    path(
        "auth/token/",
        TokenView.as_view(parser_classes=api_settings.DEFAULT_PARSER_CLASSES),
        name="api-token",
    ),
    path("users/me/", MeView.as_view(), name="api-me"),
    path("users/me/work/", MyWorkView.as_view(), name="api-my-work"),
    *router.urls,
    *strategy_api_urls,
    *missions_api_urls,
    *secondments_api_urls,
    *lessons_api_urls,
    *capabilities_api_urls,
    *funding_api_urls,
    *funding_iati_api_urls,
    *outreach_api_urls,
    *public_api_urls,
]

urlpatterns = [
    # First: every API request would otherwise be tried against every page's route.
    path("api/v1/", include(api_v1)),
    path("", include("accounts.urls")),
    path("", include("reports.urls")),
    path("", include("strategy.urls")),
    path("", include("missions.urls")),
    path("", include("secondments.urls")),
    path("", include("lessons.urls")),
    path("", include("capabilities.urls")),
    path("", include("funding.urls")),
    path("", include("funding.iati.urls")),
    path("", include("outreach.urls")),
    path("public/", include("publication.urls")),
    path("", include("offline.urls")),
    path("login/", SignInView.as_view(), name="login"),
    # The login page's language switcher (Django's set_language: a cookie, then back).
    path("i18n/", include("django.conf.urls.i18n")),
    # Django's sign-out, answering `Clear-Site-Data`: the device forgets the pages it kept.
    path("logout/", SignOutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI styles its widgets inline; scripts stay restricted to our own origin.
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    # Last under api/: whatever no route above matched answers 404 in JSON.
    re_path(r"^api/(?P<rest>[\s\S]*)$", api_not_found, name="api-not-found"),
    path("healthz", healthz, name="healthz"),
]

# Django's own refusal pages, after the refusal is written to the audit trail.
handler403 = "accounts.errors.page_forbidden"
handler404 = "accounts.errors.page_not_found"
