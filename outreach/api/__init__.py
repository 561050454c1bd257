"""Public diplomacy API under /api/v1/: communication items with their clearance, and
perception readings."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from outreach.api.viewsets import CommunicationItemViewSet, PerceptionReadingViewSet

router = SimpleRouter()
router.register("communications", CommunicationItemViewSet, basename="api-communication")
router.register("perception-readings", PerceptionReadingViewSet, basename="api-perception-reading")
api_urls = router.urls
