"""Secondment API under /api/v1/: secondments with their decisions, posts, joint training."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from secondments.api.viewsets import PostViewSet, SecondmentViewSet, TrainingViewSet

router = SimpleRouter()
router.register("secondments", SecondmentViewSet, basename="api-secondment")
router.register("posts", PostViewSet, basename="api-post")
router.register("trainings", TrainingViewSet, basename="api-training")
api_urls = router.urls
