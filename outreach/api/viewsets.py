"""Communication API viewsets: reads through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.drf import (
    STALE_RESPONSE,
    IdFilter,
    SelectorViewSet,
    VersionedUpdateMixin,
    YesNoFilter,
    decision_action,
)
from accounts.models import User
from outreach import selectors, services
from outreach.api.serializers import (
    ClearanceDecideSerializer,
    CommunicationItemSerializer,
    PerceptionReadingSerializer,
    VersionSerializer,
)
from outreach.models import (
    Audience,
    Channel,
    CommunicationItem,
    CommunicationStatus,
    Measure,
    PerceptionReading,
)


def _user(request: Request) -> User:
    return cast(User, request.user)


class CommunicationItemFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan", label="Plan id")
    audience = django_filters.ChoiceFilter(choices=Audience.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    status = django_filters.ChoiceFilter(choices=CommunicationStatus.choices)
    public = YesNoFilter()

    class Meta:
        model = CommunicationItem
        fields = ["plan", "audience", "channel", "status", "public"]


class CommunicationItemViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Messages planned with the plans your organisation takes part in. The lead's planners
    add and change them; the approvers of each participant a message names clear its current
    wording; the spokesperson's planners publish it once every one has."""

    queryset = CommunicationItem.objects.none()  # names the model for the schema
    serializer_class = CommunicationItemSerializer
    filterset_class = CommunicationItemFilter
    # The services check these and say why they refuse.
    object_permissions = dict.fromkeys(["update", "partial_update", "decide", "publish", "cancel"])
    selector = staticmethod(selectors.item_list)

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("planned_date", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        item = services.communication_create(
            by=_user(request),
            plan=data.pop("plan"),
            named_participants=list(data.pop("named_participants", [])),
            **data,
        )
        return self.represent(item, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: CommunicationItem, data: dict[str, Any], version: int
    ) -> CommunicationItem:
        if "named_participants" in data:
            data["named_participants"] = list(data["named_participants"])
        item = services.communication_update(
            item=instance, by=_user(self.request), version=version, data=data
        )
        return self.fresh(item)

    @decision_action(ClearanceDecideSerializer, CommunicationItemSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Clear the clearance round you read for the named participant you approve for, or
        refuse it with a reason."""
        item = self.get_object()
        incoming = ClearanceDecideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.communication_clear(
            item=item,
            by=_user(request),
            clearance=data["clearance"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data.get("organisation"),
        )
        return self.represent(item)

    @extend_schema(
        request=VersionSerializer,
        responses={200: CommunicationItemSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish the version you read (the spokesperson's planners), once every named
        participant cleared its current round; else 400 naming who has not."""
        item = self.get_object()
        incoming = VersionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        item = services.communication_publish(
            item=item, by=_user(request), version=incoming.validated_data["version"]
        )
        return self.represent(item)

    @extend_schema(
        request=VersionSerializer,
        responses={200: CommunicationItemSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel a message not yet published (the lead's planners)."""
        item = self.get_object()
        incoming = VersionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        item = services.communication_cancel(
            item=item, by=_user(request), version=incoming.validated_data["version"]
        )
        return self.represent(item)


class PerceptionReadingFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan", label="Plan id")
    indicator = IdFilter(field_name="reading__indicator", label="Indicator id")
    measure = django_filters.ChoiceFilter(choices=Measure.choices)
    public = YesNoFilter()

    class Meta:
        model = PerceptionReading
        fields = ["plan", "indicator", "measure", "public"]


class PerceptionReadingViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Local perception figures of the plans you see, newest first. Planners, analysts and
    field advisors of the strategy's partners record them on an indicator of the plan's
    strategy; a fall past the indicator's threshold warns the partners."""

    queryset = PerceptionReading.objects.none()
    serializer_class = PerceptionReadingSerializer
    filterset_class = PerceptionReadingFilter
    object_permissions = dict.fromkeys(["update", "partial_update"])
    selector = staticmethod(selectors.perception_list)

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("-reading__date", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reading = data.pop("reading")
        data.pop("version", None)
        perception = services.perception_record(
            by=_user(request),
            indicator=reading["indicator"],
            date=reading["date"],
            value=reading["value"],
            note=reading.get("note", ""),
            **data,
        )
        return self.represent(perception, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: PerceptionReading, data: dict[str, Any], version: int
    ) -> PerceptionReading:
        data.pop("reading", None)
        perception = services.perception_update(
            perception=instance, by=_user(self.request), version=version, data=data
        )
        return self.fresh(perception)
