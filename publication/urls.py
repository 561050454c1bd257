from __future__ import annotations

from django.urls import path

from publication import views

urlpatterns = [
    path("", views.public_index, name="public-index"),
    path("feed.atom", views.public_feed, name="public-feed"),
    path("plans/<slug:slug>/", views.public_plan, name="public-plan"),
    path("plans/<slug:slug>/feed.atom", views.public_plan_feed, name="public-plan-feed"),
    # For the plan's people (signed in): under /public/publish/, apart from the public pages.
    path("publish/<int:pk>/", views.publication_edit, name="public-publication"),
    path(
        "publish/<int:pk>/withdraw/", views.publication_withdraw, name="public-publication-withdraw"
    ),
    path("publish/<int:pk>/section/", views.plan_section, name="public-plan-section"),
]
