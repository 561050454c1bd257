"""Strategy API viewsets: querysets from the selectors, writes through the services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.audit import audit_stale
from accounts.concurrency import StaleVersion
from accounts.drf import (
    STALE_RESPONSE,
    IdFilter,
    PartViewSet,
    SelectorViewSet,
    VersionedUpdateMixin,
    YesNoFilter,
    decision_action,
)
from strategy import selectors, services
from strategy.api.serializers import (
    DriverSerializer,
    EndorseSerializer,
    GlossaryDecisionSerializer,
    GlossaryDeclineSerializer,
    GlossaryMergeSerializer,
    GlossaryTermSerializer,
    GoalSerializer,
    IndicatorSerializer,
    ReadingSerializer,
    StrategyListSerializer,
    StrategySerializer,
    _user,
)
from strategy.models import (
    Approach,
    ConflictDriver,
    DriverKind,
    GlossaryTerm,
    Goal,
    Indicator,
    Strategy,
    StrategyStatus,
)
from strategy.permissions import can_curate_glossary
from strategy.services.glossary import NOT_A_CURATOR


class StrategyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=StrategyStatus.choices)
    approach = django_filters.ChoiceFilter(choices=Approach.choices)
    theatre = django_filters.CharFilter(lookup_expr="icontains")
    # A plain number, not a choice of organisations: no query, and no existence check.
    partner = IdFilter(field_name="partnerships__organisation", label="Partner organisation id")

    class Meta:
        model = Strategy
        fields = ["status", "approach", "theatre", "partner"]


class StrategyViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Shared strategies you are a partner in. Planners of the lead organisation edit them;
    approvers of each partner endorse the current edition for their organisation."""

    queryset = Strategy.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = StrategySerializer
    filterset_class = StrategyFilter
    # The services check these and say why they refuse (not an approver, not for that
    # organisation, not a planner of the lead): a clearer answer than a bare 403.
    object_permissions = {"submit": None, "endorse": None, "archive": None}

    selector = staticmethod(selectors.strategy_list)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return StrategyListSerializer if self.action == "list" else StrategySerializer

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The list carries the counts `strategy_list` adds, not the partners' panel the
        # pages read: none of the prefetched rows.
        return queryset.prefetch_related(None) if self.action == "list" else queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        strategy = services.strategy_create(
            by=_user(request),
            title=data["title"],
            theatre=data["theatre"],
            approach=data["approach"],
            lead_organisation=data["lead_organisation"],
            partners=data.get("partnerships", []),
            summary=data.get("summary", ""),
            processes=data.get("processes", []),
            predecessor=data.get("predecessor"),
        )
        return self.represent(strategy, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: Strategy, data: dict[str, Any], version: int
    ) -> Strategy:
        if "partnerships" in data:
            data["partners"] = data.pop("partnerships")
        strategy = services.strategy_update(
            strategy=instance, by=_user(self.request), version=version, data=data
        )
        return self.fresh(strategy)

    @extend_schema(request=None, responses=StrategySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Put the draft to the partners: every partner's approvers are asked to endorse."""
        strategy = services.strategy_submit(strategy=self.get_object(), by=_user(request))
        return self.represent(strategy)

    @decision_action(EndorseSerializer, StrategySerializer)
    @action(detail=True, methods=["post"])
    def endorse(self, request: Request, pk: str | None = None) -> Response:
        """Endorse or reject the edition you read for your organisation (reject says why)."""
        strategy = self.get_object()
        incoming = EndorseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.strategy_endorse(
            strategy=strategy,
            by=_user(request),
            edition=incoming.validated_data["edition"],
            decision=incoming.validated_data["decision"],
            comment=incoming.validated_data["comment"],
            organisation=incoming.validated_data.get("organisation"),
        )
        return self.represent(strategy)

    @extend_schema(request=None, responses=StrategySerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        strategy = services.strategy_archive(strategy=self.get_object(), by=_user(request))
        return self.represent(strategy)


class StrategyPartViewSet(PartViewSet):
    """Goals, drivers and indicators: seen by the strategy's partners, changed by the lead's
    planners. Their permissions are the strategy's (`permission_target`)."""

    change_permission = "change_strategy"


class DriverFilter(django_filters.FilterSet):
    strategy = IdFilter(label="Strategy id")
    kind = django_filters.ChoiceFilter(choices=DriverKind.choices)

    class Meta:
        model = ConflictDriver
        fields = ["strategy", "kind"]


class DriverViewSet(StrategyPartViewSet):
    """Conflict drivers of a strategy's theatre: root causes and mitigating factors."""

    queryset = ConflictDriver.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = DriverSerializer
    filterset_class = DriverFilter

    selector = staticmethod(selectors.driver_list)

    def permission_target(self, obj: ConflictDriver) -> Strategy:
        return obj.strategy

    def perform_service_create(self, data: dict[str, Any]) -> ConflictDriver:
        strategy = data.pop("strategy")
        return services.driver_create(strategy=strategy, by=_user(self.request), data=data)

    def perform_versioned_update(
        self, instance: ConflictDriver, data: dict[str, Any], version: int
    ) -> ConflictDriver:
        return services.driver_update(
            driver=instance, by=_user(self.request), version=version, data=data
        )

    def perform_destroy(self, instance: ConflictDriver) -> None:
        services.driver_delete(driver=instance, by=_user(self.request))


class GoalFilter(django_filters.FilterSet):
    strategy = IdFilter(label="Strategy id")

    class Meta:
        model = Goal
        fields = ["strategy"]


class GoalViewSet(StrategyPartViewSet):
    """Common goals of a strategy, in order, each naming the drivers it addresses."""

    queryset = Goal.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = GoalSerializer
    filterset_class = GoalFilter

    selector = staticmethod(selectors.goal_list)

    def permission_target(self, obj: Goal) -> Strategy:
        return obj.strategy

    def perform_service_create(self, data: dict[str, Any]) -> Goal:
        strategy = data.pop("strategy")
        return services.goal_create(strategy=strategy, by=_user(self.request), data=data)

    def perform_versioned_update(self, instance: Goal, data: dict[str, Any], version: int) -> Goal:
        return services.goal_update(
            goal=instance, by=_user(self.request), version=version, data=data
        )

    def perform_destroy(self, instance: Goal) -> None:
        services.goal_delete(goal=instance, by=_user(self.request))


class IndicatorFilter(django_filters.FilterSet):
    goal = IdFilter(label="Goal id")
    strategy = IdFilter(field_name="goal__strategy", label="Strategy id")
    in_warning = YesNoFilter()

    class Meta:
        model = Indicator
        fields = ["goal", "strategy", "in_warning"]


class IndicatorViewSet(StrategyPartViewSet):
    """Indicators of a goal, with an optional early-warning threshold, and their readings."""

    queryset = Indicator.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    object_permissions = {
        **StrategyPartViewSet.object_permissions,
        # Seeing the indicator is enough to read its readings; reading_record checks who
        # may record one and says why not.
        "readings": None,
    }

    selector = staticmethod(selectors.indicator_list)

    def permission_target(self, obj: Indicator) -> Strategy:
        return obj.goal.strategy

    def perform_service_create(self, data: dict[str, Any]) -> Indicator:
        goal = data.pop("goal")
        return services.indicator_create(goal=goal, by=_user(self.request), data=data)

    def perform_versioned_update(
        self, instance: Indicator, data: dict[str, Any], version: int
    ) -> Indicator:
        return services.indicator_update(
            indicator=instance, by=_user(self.request), version=version, data=data
        )

    def perform_destroy(self, instance: Indicator) -> None:
        services.indicator_delete(indicator=instance, by=_user(self.request))

    # The indicator list's filters do not apply to one indicator's readings.
    @extend_schema(methods=["GET"], responses=ReadingSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=ReadingSerializer, responses={201: ReadingSerializer})
    @action(detail=True, methods=["get", "post"])
    def readings(self, request: Request, pk: str | None = None) -> Response:
        """The indicator's readings, oldest first; POST records one (and may raise an early
        warning to every partner)."""
        indicator = self.get_object()
        if request.method == "POST":
            incoming = ReadingSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            reading = services.reading_record(
                indicator=indicator,
                by=_user(request),
                date=incoming.validated_data["date"],
                value=incoming.validated_data["value"],
                note=incoming.validated_data.get("note", ""),
            )
            return Response(ReadingSerializer(reading).data, status=status.HTTP_201_CREATED)
        readings = indicator.readings.select_related("recorded_by").order_by("date", "id")
        page = self.paginate_queryset(readings)
        return self.get_paginated_response(ReadingSerializer(page, many=True).data)


class GlossaryFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="search_terms",
        label="Words to find in the term, its definition or any process's equivalent",
    )

    class Meta:
        model = GlossaryTerm
        fields = ["search", "status"]

    def search_terms(
        self, queryset: QuerySet[GlossaryTerm], name: str, value: str
    ) -> QuerySet[GlossaryTerm]:
        # Every word must appear somewhere: "civil military" finds "civil-military cooperation".
        for word in value.split():
            anywhere = Q()
            for field in services.GLOSSARY_FIELDS:
                anywhere |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(anywhere)
        return queryset


GLOSSARY_DECISION_ERRORS = {
    400: OpenApiResponse(
        description="Bad input (messages per field), or the term is no longer a proposal."
    ),
    403: OpenApiResponse(description="You see the term but do not curate the glossary."),
    404: OpenApiResponse(description="No term you can see has this id."),
    409: STALE_RESPONSE,
}


class GlossaryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    SelectorViewSet,
):
    """Shared terms and what each parallel planning process calls them. Planners propose
    terms; curators (administrators of the steward organisation, and staff) approve, merge
    or decline proposals. Terms are not edited through the API."""

    queryset = GlossaryTerm.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = GlossaryTermSerializer
    filterset_class = GlossaryFilter
    # Curation is not an object grant: the actions ask strategy.permissions themselves,
    # after the visibility check (404) and before reading the body (so 403 before 400).
    object_permissions = {"approve": None, "decline": None, "merge": None}

    selector = staticmethod(selectors.glossary_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        term = services.glossary_term_propose(
            by=_user(request), data=dict(serializer.validated_data)
        )
        return Response(self.get_serializer(term).data, status=status.HTTP_201_CREATED)

    def _decide(
        self, request: Request, incoming: type[GlossaryDecisionSerializer], decide: Any
    ) -> Response:
        term = self.get_object()
        if not can_curate_glossary(_user(request)):
            raise PermissionDenied(NOT_A_CURATOR)
        serializer = incoming(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            decided = decide(term, dict(serializer.validated_data))
        except StaleVersion as stale:
            audit_stale(request, stale, status_code=status.HTTP_409_CONFLICT)
            return Response(
                {"detail": str(stale), "current": self.get_serializer(stale.current).data},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(decided).data)

    @extend_schema(
        request=GlossaryDecisionSerializer,
        responses={200: GlossaryTermSerializer, **GLOSSARY_DECISION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Put a proposal in the glossary. Its proposer is told."""
        return self._decide(
            request,
            GlossaryDecisionSerializer,
            lambda term, data: services.glossary_term_approve(
                term=term, by=_user(request), version=data["version"]
            ),
        )

    @extend_schema(
        request=GlossaryDeclineSerializer,
        responses={200: GlossaryTermSerializer, **GLOSSARY_DECISION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Turn a proposal down, saying why. Its proposer is told, with the reason."""
        return self._decide(
            request,
            GlossaryDeclineSerializer,
            lambda term, data: services.glossary_term_decline(
                term=term, by=_user(request), reason=data["reason"], version=data["version"]
            ),
        )

    @extend_schema(
        request=GlossaryMergeSerializer,
        responses={200: GlossaryTermSerializer, **GLOSSARY_DECISION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Merge a proposal into an approved term (`into`) that means the same: the
        proposal's equivalents fill that term's blanks, and the proposal points to it. Its
        proposer is told. Answers with the merged proposal."""
        return self._decide(
            request,
            GlossaryMergeSerializer,
            lambda term, data: services.glossary_term_merge(
                term=term, into=data["into"], by=_user(request), version=data["version"]
            ),
        )
