"""Capabilities and requirements API under /api/v1/: offers, requirements, pledges (with
their decisions) and each plan's gap view."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from capabilities.api.viewsets import (
    CapabilityGapsViewSet,
    CapabilityOfferViewSet,
    PledgeViewSet,
    RequirementViewSet,
)

router = SimpleRouter()
router.register("capabilities", CapabilityOfferViewSet, basename="api-capability")
router.register("requirements", RequirementViewSet, basename="api-requirement")
router.register("pledges", PledgeViewSet, basename="api-pledge")
api_urls = [
    path(
        "plans/<int:pk>/capability-gaps/",
        CapabilityGapsViewSet.as_view({"get": "retrieve"}),
        name="api-plan-capability-gaps",
    ),
    *router.urls,
]
