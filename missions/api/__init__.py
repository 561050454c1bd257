"""Plan API under /api/v1/: plans and their review workflow, lines of effort, activities,
milestones, consultations and field reports with their attachments."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from missions.api.viewsets import (
    ActivityViewSet,
    ConsultationViewSet,
    FieldReportViewSet,
    LineOfEffortViewSet,
    MilestoneViewSet,
    PlanViewSet,
)

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="api-plan")
router.register("lines-of-effort", LineOfEffortViewSet, basename="api-line-of-effort")
router.register("activities", ActivityViewSet, basename="api-activity")
router.register("milestones", MilestoneViewSet, basename="api-milestone")
router.register("consultations", ConsultationViewSet, basename="api-consultation")
router.register("field-reports", FieldReportViewSet, basename="api-field-report")
api_urls = router.urls
