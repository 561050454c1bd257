from __future__ import annotations

from typing import Any, cast

import django_filters
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.drf import SelectorViewSet
from accounts.models import User
from reports import selectors, services
from reports.models import Report, ReportStatus
from reports.registry import all_kinds

JSON = "application/json"


class ReportSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        source="display_title",
        read_only=True,
        help_text=(
            "What the report is about, named when it was asked for: the kind, and for a "
            "report about one plan or strategy its title (“Plan brief: Northern Valeria "
            "integrated plan”)."
        ),
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "title",
            "params",
            "status",
            "progress",
            "error",
            "created",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, report: Report) -> str | None:
        if report.status != ReportStatus.DONE:
            return None
        return f"/api/v1/reports/{report.pk}/download/"


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.CharField()
    params = serializers.DictField(required=False, default=dict)


def _request_schema() -> PolymorphicProxySerializer:
    """One request shape per report kind, so the schema lists the kinds and their params."""
    shapes = {
        kind.name: type(
            f"{''.join(part.title() for part in kind.name.split('_'))}ReportRequest",
            (serializers.Serializer,),
            {
                "kind": serializers.ChoiceField(choices=[kind.name], help_text=kind.description),
                "params": kind.params_serializer(required=False),
            },
        )()
        for kind in all_kinds()
    }
    return PolymorphicProxySerializer(
        component_name="ReportRequest", serializers=shapes, resource_type_field_name="kind"
    )


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind.name, str(kind.label)) for kind in all_kinds()]


class ReportFilter(django_filters.FilterSet):
    # Choices from a callable: kinds registered after this module was imported count too.
    kind = django_filters.ChoiceFilter(choices=_kind_choices)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = Report
        fields = ["kind", "status"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=sorted(kind.name for kind in all_kinds()),
                description="Only reports of this kind.",
            )
        ]
    )
)
class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    SelectorViewSet,
):
    """Report jobs. Only the requester (and administrators) can see a report; others get 404."""

    queryset = Report.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = ReportSerializer
    object_permissions = {"retry": None}  # seeing your report is enough; the service checks
    filterset_class = ReportFilter

    selector = staticmethod(selectors.report_list)

    def get_parsers(self) -> list[BaseParser]:
        # A report request's `params` is an object, which a form cannot carry: JSON only.
        return [parser for parser in super().get_parsers() if parser.media_type == JSON]

    @extend_schema(request=_request_schema(), responses={202: ReportSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ReportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report = services.report_request(
            by=cast(User, request.user),
            kind=incoming.validated_data["kind"],
            params=incoming.validated_data["params"],
        )
        report.refresh_from_db()
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The report file.")
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        report = self.get_object()
        if report.status != ReportStatus.DONE or not report.file:
            raise Http404(_("This report is not ready yet."))
        services.report_downloaded(report=report, by=cast(User, request.user))
        return FileResponse(
            report.file.open("rb"), as_attachment=True, filename=services.download_name(report)
        )

    @extend_schema(request=None, responses={202: ReportSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        report = services.report_retry(report=self.get_object(), by=cast(User, request.user))
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)
