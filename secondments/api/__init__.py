"""Secondment API under /api/v1/: secondments with their decisions, and posts."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from secondments.api.viewsets import PostViewSet, SecondmentViewSet

router = SimpleRouter()
router.register("secondments", SecondmentViewSet, basename="api-secondment")
router.register("posts", PostViewSet, basename="api-post")
api_urls = router.urls
