"""Plan API viewsets: querysets from the selectors, writes through the services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.drf import (
    STALE_RESPONSE,
    IdFilter,
    PartViewSet,
    SelectorViewSet,
    VersionedUpdateMixin,
    decision_action,
)
from accounts.files import attachment_among, attachment_response
from accounts.idempotency import KEY_PARAMETER as IDEMPOTENCY_KEY
from accounts.idempotency import KEY_REUSED_RESPONSE, idempotent
from missions import selectors, services
from missions.api.serializers import (
    ActivitySerializer,
    ConsultationSerializer,
    FieldReportFilingSerializer,
    FieldReportSerializer,
    LineOfEffortSerializer,
    MilestoneSerializer,
    PlanApproveSerializer,
    PlanListSerializer,
    PlanReviewSerializer,
    PlanSerializer,
    _user,
)
from missions.models import (
    Activity,
    ActivityStatus,
    ActorType,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    ParticipantRole,
    Phase,
    Plan,
    PlanStatus,
)
from strategy.selectors import visible_strategies

# --- plans --------------------------------------------------------------------------------------


PLAN_COLUMNS = {field.name for field in Plan._meta.concrete_fields}


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    strategy = IdFilter(label="Strategy id", method="filter_strategy")
    # A plain number, not a choice of organisations: no query, and no existence check.
    participant = IdFilter(
        field_name="participants__organisation", label="Participating organisation id"
    )
    theatre = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Plan
        fields = ["status", "phase", "strategy", "participant", "theatre"]

    def filter_strategy(self, queryset: QuerySet[Plan], name: str, value: int) -> QuerySet[Plan]:
        # Only strategies the user sees: filtering by another one must not tell which plans
        # serve it.
        shared = visible_strategies(self.request.user)
        return queryset.filter(strategy=value, strategy__in=shared)


class PlanViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Integrated plans your organisation takes part in. Planners of the lead organisation
    edit them and put them to review; approvers of each contributor review them; approvers
    of the lead approve them once every contributor has."""

    queryset = Plan.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    # The services check these and say why they refuse (not a lead planner, not an approver
    # of a contributor, not the lead's approver): a clearer answer than a bare 403.
    object_permissions = dict.fromkeys(["submit", "review", "approve", "activate", "close"])

    selector = staticmethod(selectors.plan_list)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return PlanListSerializer if self.action == "list" else PlanSerializer

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return selectors.with_plan_figures(queryset)
        # The list's columns only: no strategy row, and of the lead only its name.
        shown = [f for f in PlanListSerializer.Meta.fields if f in PLAN_COLUMNS]
        return (
            queryset.select_related(None)
            .select_related("lead_organisation")
            .only(*shown, "lead_organisation__name")
        )

    def _participants(self, rows: list[dict[str, Any]], lead_id: int) -> list[tuple[Any, str]]:
        # The lead's own row, as the representation shows it, may be sent back unchanged.
        return [
            (row["organisation"], row["role"])
            for row in rows
            if not (row["organisation"].pk == lead_id and row["role"] == ParticipantRole.LEAD)
        ]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lead = data["lead_organisation"]
        plan = services.plan_create(
            by=_user(request),
            title=data["title"],
            theatre=data["theatre"],
            lead_organisation=lead,
            start_date=data["start_date"],
            end_date=data["end_date"],
            participants=self._participants(data.get("participants", []), lead.pk),
            posts=data.get("posts", []),
            strategy=data.get("strategy"),
            summary=data.get("summary", ""),
            phase=data.get("phase", Phase.ASSESSMENT),
        )
        return self.represent(plan, status.HTTP_201_CREATED)

    def perform_versioned_update(self, instance: Plan, data: dict[str, Any], version: int) -> Plan:
        if "participants" in data:
            data["participants"] = self._participants(
                data["participants"], instance.lead_organisation_id
            )
        plan = services.plan_update(
            plan=instance, by=_user(self.request), version=version, data=data
        )
        return self.fresh(plan)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Put the draft to review: every contributor's approvers are asked to review it."""
        plan = services.plan_submit(plan=self.get_object(), by=_user(request))
        return self.represent(plan)

    @decision_action(PlanReviewSerializer, PlanSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Approve the submission you read for your organisation, or request changes (with a
        comment), which returns the plan to draft."""
        plan = self.get_object()
        incoming = PlanReviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.plan_review(
            plan=plan,
            by=_user(request),
            submission=incoming.validated_data["submission"],
            decision=incoming.validated_data["decision"],
            comment=incoming.validated_data["comment"],
            organisation=incoming.validated_data.get("organisation"),
        )
        return self.represent(plan)

    @decision_action(PlanApproveSerializer, PlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the submission you read for the lead organisation, once every contributor
        has approved it."""
        plan = self.get_object()
        incoming = PlanApproveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        plan = services.plan_approve(
            plan=plan,
            by=_user(request),
            submission=incoming.validated_data["submission"],
        )
        return self.represent(plan)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Start carrying out an approved plan."""
        plan = services.plan_activate(plan=self.get_object(), by=_user(request))
        return self.represent(plan)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close an active plan: it takes no more changes or field reports."""
        plan = services.plan_close(plan=self.get_object(), by=_user(request))
        return self.represent(plan)


# --- the parts of a plan ------------------------------------------------------------------------


class PlanPartViewSet(PartViewSet):
    """Lines of effort, activities, milestones and consultations: seen by the plan's
    participants, changed by the lead's planners. Their permissions are the plan's
    (`permission_target`)."""

    change_permission = "change_plan"

    def permission_target(self, obj: Any) -> Plan:
        return obj.plan


class LineOfEffortFilter(django_filters.FilterSet):
    plan = IdFilter(label="Plan id")

    class Meta:
        model = LineOfEffort
        fields = ["plan", "domain"]


class LineOfEffortViewSet(PlanPartViewSet):
    """Lines of effort of a plan, each in one domain, led by a participant and serving goals
    of the plan's strategy. Changing them once the plan is approved is an amendment: the plan
    goes back to review."""

    queryset = LineOfEffort.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = LineOfEffortSerializer
    filterset_class = LineOfEffortFilter

    selector = staticmethod(selectors.line_of_effort_list)

    def perform_service_create(self, data: dict[str, Any]) -> LineOfEffort:
        plan = data.pop("plan")
        return services.line_of_effort_create(plan=plan, by=_user(self.request), data=data)

    def perform_versioned_update(
        self, instance: LineOfEffort, data: dict[str, Any], version: int
    ) -> LineOfEffort:
        line = services.line_of_effort_update(
            line=instance, by=_user(self.request), version=version, data=data
        )
        return self.get_queryset().get(pk=line.pk)

    def perform_destroy(self, instance: LineOfEffort) -> None:
        services.line_of_effort_delete(line=instance, by=_user(self.request))


class ActivityFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="line_of_effort__plan", label="Plan id")
    line_of_effort = IdFilter(label="Line of effort id")
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices)
    responsible_organisation = IdFilter(label="Responsible organisation id")
    actor_type = django_filters.ChoiceFilter(choices=ActorType.choices)

    class Meta:
        model = Activity
        fields = ["plan", "line_of_effort", "status", "responsible_organisation", "actor_type"]


NEW_ACTIVITY = gettext_lazy("A new activity starts planned at 0 %; update it once it exists.")


class ActivityViewSet(PlanPartViewSet):
    """Activities under the lines of effort. The responsible organisation's planners update
    `status` and `progress` (no amendment); any other change is the lead planners' and,
    once the plan is approved, an amendment that sends it back to review."""

    queryset = Activity.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    object_permissions = {
        **PlanPartViewSet.object_permissions,
        # Progress updates are for the responsible organisation's planners too: the services
        # decide who may change what, per activity.
        "update": None,
        "partial_update": None,
    }

    selector = staticmethod(selectors.activity_list)

    def permission_target(self, obj: Activity) -> Plan:
        return obj.line_of_effort.plan

    def perform_service_create(self, data: dict[str, Any]) -> Activity:
        refused = {
            field: [NEW_ACTIVITY]
            for field, initial in (("status", ActivityStatus.PLANNED), ("progress", 0))
            if data.pop(field, initial) != initial
        }
        if refused:
            raise serializers.ValidationError(refused)
        line = data.pop("line_of_effort")
        return services.activity_create(line_of_effort=line, by=_user(self.request), data=data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        responses={200: ActivitySerializer, 422: KEY_REUSED_RESPONSE},
    )
    @idempotent
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A progress update sent again with its Idempotency-Key is applied once."""
        return super().update(request, *args, **kwargs)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        responses={200: ActivitySerializer, 422: KEY_REUSED_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)

    def perform_versioned_update(
        self, instance: Activity, data: dict[str, Any], version: int
    ) -> Activity:
        activity = services.activity_edit(
            activity=instance, by=_user(self.request), version=version, data=data
        )
        return self.get_queryset().get(pk=activity.pk)

    def perform_destroy(self, instance: Activity) -> None:
        services.activity_delete(activity=instance, by=_user(self.request))


class PlanChildFilter(django_filters.FilterSet):
    plan = IdFilter(label="Plan id")


class MilestoneFilter(PlanChildFilter):
    class Meta:
        model = Milestone
        fields = ["plan"]


class MilestoneViewSet(PlanPartViewSet):
    """Milestones of a plan: what is due when, and when it was achieved."""

    queryset = Milestone.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter

    selector = staticmethod(selectors.milestone_list)

    def perform_service_create(self, data: dict[str, Any]) -> Milestone:
        plan = data.pop("plan")
        return services.milestone_create(plan=plan, by=_user(self.request), data=data)

    def perform_versioned_update(
        self, instance: Milestone, data: dict[str, Any], version: int
    ) -> Milestone:
        return services.milestone_update(
            milestone=instance, by=_user(self.request), version=version, data=data
        )

    def perform_destroy(self, instance: Milestone) -> None:
        services.milestone_delete(milestone=instance, by=_user(self.request))


class ConsultationFilter(PlanChildFilter):
    stakeholder = IdFilter(label="Stakeholder organisation id")

    class Meta:
        model = Consultation
        fields = ["plan", "stakeholder"]


class ConsultationViewSet(PlanPartViewSet):
    """Consultations with the plan's stakeholders; the plan shows which civilian kinds
    (police, justice, NGO, international organisation) were never consulted."""

    queryset = Consultation.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter

    selector = staticmethod(selectors.consultation_list)

    def perform_service_create(self, data: dict[str, Any]) -> Consultation:
        plan = data.pop("plan")
        return services.consultation_create(plan=plan, by=_user(self.request), data=data)

    def perform_versioned_update(
        self, instance: Consultation, data: dict[str, Any], version: int
    ) -> Consultation:
        consultation = services.consultation_update(
            consultation=instance, by=_user(self.request), version=version, data=data
        )
        return self.get_queryset().get(pk=consultation.pk)

    def perform_destroy(self, instance: Consultation) -> None:
        services.consultation_delete(consultation=instance, by=_user(self.request))


# --- field reports ------------------------------------------------------------------------------


class FieldReportFilter(django_filters.FilterSet):
    plan = IdFilter(label="Plan id")
    activity = IdFilter(label="Activity id")

    class Meta:
        model = FieldReport
        fields = ["plan", "activity"]


class FieldReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    SelectorViewSet,
):
    """Situation reports from the field, filed by field advisors of participating
    organisations; seen by everyone who sees the plan. A report is a record: it is not
    edited or deleted."""

    queryset = FieldReport.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = FieldReportSerializer
    filterset_class = FieldReportFilter

    selector = staticmethod(selectors.field_report_list)

    @extend_schema(
        request={"multipart/form-data": FieldReportFilingSerializer},
        parameters=[IDEMPOTENCY_KEY],
        responses={201: FieldReportSerializer, 409: STALE_RESPONSE, 422: KEY_REUSED_RESPONSE},
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = FieldReportFilingSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        report = services.field_report_file(
            plan=data["plan"],
            by=_user(request),
            date=data["date"],
            situation=data["situation"],
            activity=data.get("activity"),
            place=data["place"],
            progress_update=data.get("progress_update"),
            activity_version=data.get("activity_version"),
            attachments=data["attachments"],
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=report.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def represent_current(self, activity: Activity) -> Any:
        """The activity now, for the 409 of a progress update based on an older version."""
        return ActivitySerializer(activity, context=self.get_serializer_context()).data

    @extend_schema(
        parameters=[
            OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The file, as an attachment."
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment",
    )
    def attachment(
        self, request: Request, pk: str | None = None, attachment_id: str | None = None
    ) -> FileResponse:
        """Download one attachment; only those who see the plan can."""
        report = self.get_object()
        return attachment_response(attachment_among(report.attachments.all(), attachment_id))
