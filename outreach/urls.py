from __future__ import annotations

from django.urls import path

from outreach import views

urlpatterns = [
    path("plans/<int:pk>/communication/", views.plan_section, name="outreach-plan-section"),
    path("plans/<int:pk>/communication/new/", views.item_create, name="outreach-item-create"),
    path(
        "plans/<int:pk>/perception/new/", views.perception_create, name="outreach-perception-create"
    ),
    path("communication/<int:pk>/", views.item_detail, name="outreach-item"),
    path("communication/<int:pk>/edit/", views.item_edit, name="outreach-item-edit"),
    path("communication/<int:pk>/decide/", views.item_decide, name="outreach-item-decide"),
    path("communication/<int:pk>/publish/", views.item_publish, name="outreach-item-publish"),
    path("communication/<int:pk>/cancel/", views.item_cancel, name="outreach-item-cancel"),
]
