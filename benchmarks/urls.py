"""The project's URLs plus the floor the measurements compare the plans list with; used only
by `bench_measure` (through ROOT_URLCONF), never served."""

from __future__ import annotations

from django.urls import path

from benchmarks.floor import plans_bare
from config.urls import urlpatterns as project_urlpatterns

BARE_PLANS_PATH = "/bench/plans-bare/"

urlpatterns = [
    path(BARE_PLANS_PATH.strip("/") + "/", plans_bare, name="bench-plans-bare"),
    *project_urlpatterns,
]
