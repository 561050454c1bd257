from django.urls import path

from offline import views

urlpatterns = [
    # At the root: a service worker controls only the pages under the path it is served from.
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    path("outbox/", views.outbox, name="outbox"),
    # The phrases of our scripts, one address per language (kept by the service worker).
    path("jsi18n/<str:language>/", views.Catalogue.as_view(), name="javascript-catalogue"),
]
