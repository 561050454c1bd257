"""Lessons API under /api/v1/: lessons with their process and marking, remedial actions,
subscriptions, and the lessons related to a plan."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from lessons.api.viewsets import (
    LessonSubscriptionViewSet,
    LessonViewSet,
    RelatedLessonsView,
    RemedialActionViewSet,
)

router = SimpleRouter()
router.register("lessons", LessonViewSet, basename="api-lesson")
router.register("remedial-actions", RemedialActionViewSet, basename="api-remedial-action")
router.register(
    "lesson-subscriptions", LessonSubscriptionViewSet, basename="api-lesson-subscription"
)
api_urls = [
    *router.urls,
    path(
        "plans/<int:pk>/related-lessons/",
        RelatedLessonsView.as_view(),
        name="api-plan-related-lessons",
    ),
]
