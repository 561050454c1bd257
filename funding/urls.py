from __future__ import annotations

from django.urls import path

from funding import views

urlpatterns = [
    path("plans/<int:pk>/funding/", views.plan_section, name="funding-plan-section"),
    path("plans/<int:pk>/funding/allocate/", views.plan_allocate, name="funding-allocate"),
    path("plans/<int:pk>/funding/request/", views.plan_request, name="funding-request"),
    path("funding/instruments/", views.instrument_list, name="funding-instrument-list"),
    path(
        "funding/instruments/<int:pk>/",
        views.instrument_detail,
        name="funding-instrument-detail",
    ),
    path(
        "funding/disbursements/<int:pk>/",
        views.disbursement_detail,
        name="disbursement-detail",
    ),
    path(
        "funding/disbursements/<int:pk>/decide/",
        views.disbursement_decide,
        name="disbursement-decide",
    ),
    path(
        "funding/disbursements/<int:pk>/disbursed/",
        views.disbursement_disbursed,
        name="disbursement-disbursed",
    ),
]
