"""Plan API: thin serializers and viewsets over missions.services and missions.selectors."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

api_urls = router.urls
