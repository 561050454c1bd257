"""Strategy API: thin serializers and viewsets over strategy.services and strategy.selectors."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

api_urls = router.urls
