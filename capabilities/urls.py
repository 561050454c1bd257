from __future__ import annotations

from django.urls import path

from capabilities import views

urlpatterns = [
    path("plans/<int:pk>/capabilities/", views.plan_section, name="capabilities-plan-section"),
    path(
        "plans/<int:pk>/requirements/new/",
        views.requirement_create,
        name="capabilities-requirement-create",
    ),
    path("plans/<int:pk>/pledges/new/", views.pledge_create, name="capabilities-pledge-create"),
    path("pledges/<int:pk>/decide/", views.pledge_decide, name="pledge-decide"),
    path("capabilities/new/", views.offer_create, name="capability-offer-create"),
    path("capabilities/<int:pk>/edit/", views.offer_edit, name="capability-offer-edit"),
    path(
        "organisations/<int:pk>/offers/",
        views.organisation_offers,
        name="capabilities-organisation-offers",
    ),
]
