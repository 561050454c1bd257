"""Flexible funding API under /api/v1/: instruments, allocations, disbursement requests."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from funding.api.viewsets import AllocationViewSet, DisbursementViewSet, FundingInstrumentViewSet

router = SimpleRouter()
router.register("funding-instruments", FundingInstrumentViewSet, basename="api-funding-instrument")
router.register("allocations", AllocationViewSet, basename="api-allocation")
router.register("disbursements", DisbursementViewSet, basename="api-disbursement")
api_urls = router.urls
