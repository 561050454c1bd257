"""Strategy API under /api/v1/: strategies, goals, drivers, indicators and readings, glossary."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from strategy.api.viewsets import (
    DriverViewSet,
    GlossaryViewSet,
    GoalViewSet,
    IndicatorViewSet,
    StrategyViewSet,
)

router = SimpleRouter()
router.register("strategies", StrategyViewSet, basename="api-strategy")
router.register("goals", GoalViewSet, basename="api-goal")
router.register("drivers", DriverViewSet, basename="api-driver")
router.register("indicators", IndicatorViewSet, basename="api-indicator")
router.register("glossary", GlossaryViewSet, basename="api-glossary-term")
api_urls = router.urls
