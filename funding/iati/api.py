"""`GET /api/v1/plans/{id}/iati/`: the plan's development activities as an IATI 2.03 file."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from funding.iati.export import NothingToExport, export_filename, plan_export
from funding.iati.permissions import REFUSED, can_export_iati
from missions.models import Plan
from missions.selectors import visible_plans

XML = "application/xml"


class FileNegotiation(BaseContentNegotiation):
    """Whatever the client accepts (`application/xml`, `*/*`, anything), the file is XML and a
    refusal JSON (`Error`, `ValidationError`), as documented: nothing to negotiate, so no
    406 and no `?format=`."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


EXAMPLE = """<?xml version='1.0' encoding='UTF-8'?>
<iati-activities version="2.03" generated-datetime="2026-12-02T15:00:00+00:00">
  <iati-activity>
    <iati-identifier>XM-JF-MFA-12</iati-identifier>
    <reporting-org ref="XM-JF-MFA" type="10">
      <narrative xml:lang="en">Ministry of Foreign Affairs</narrative>
    </reporting-org>
    ...
  </iati-activity>
</iati-activities>
"""


class PlanIatiExportView(APIView):
    """The plan's development activities as an IATI 2.03 `iati-activities` document."""

    queryset = Plan.objects.none()  # names the model for the schema and the audit trail
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FileNegotiation

    @extend_schema(
        operation_id="plans_iati_retrieve",
        tags=["plans"],
        summary="Export the plan's development activities to IATI 2.03",
        description=(
            "An `iati-activities` document (IATI Standard 2.03, valid against its official "
            "schema) of the plan's development activities: those with a non-military task "
            "that carry a DAC purpose code (`sector`), are the responsibility of a development "
            "ministry, or belong to a development line of effort. The reporting organisation "
            "is the plan's lead; identifiers are `XM-JF-<ORGANISATION SLUG>-<activity id>`. "
            "Allocations are budgets; approved disbursement requests outgoing commitments (2), "
            "disbursed ones also disbursements (3). For the planners of the plan's lead and of "
            "its participating development ministries (and superusers, for support)."
        ),
        responses={
            (200, XML): OpenApiResponse(
                OpenApiTypes.STR,
                description="The IATI file, as an attachment.",
                examples=[OpenApiExample("IATI file", value=EXAMPLE, media_type=XML)],
            ),
            400: OpenApiResponse(description="The plan has no development activity to export."),
            403: OpenApiResponse(description=REFUSED),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        user = cast(User, request.user)
        plan = get_object_or_404(visible_plans(user).select_related("lead_organisation"), pk=pk)
        if not can_export_iati(user, plan):
            raise PermissionDenied(REFUSED)
        try:
            document = plan_export(plan)
        except NothingToExport as nothing:
            raise ValidationError(str(nothing)) from nothing
        response = HttpResponse(document, content_type=f"{XML}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(plan)}"'
        return response
