"""Capabilities API viewsets: reads through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any, cast

import django_filters
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
    decision_action,
)
from accounts.models import User
from capabilities import selectors, services
from capabilities.api.serializers import (
    CapabilityGapsSerializer,
    CapabilityOfferSerializer,
    PledgeDecideSerializer,
    PledgeSerializer,
    PledgeWithdrawSerializer,
    RequirementSerializer,
    gaps_data,
)
from capabilities.gaps import plan_gaps
from capabilities.models import (
    CapabilityKind,
    CapabilityOffer,
    OfferVisibility,
    Pledge,
    PledgeStatus,
    Requirement,
)
from missions.models import Domain, Plan
from missions.selectors import visible_plans


def _user(request: Request) -> User:
    return cast(User, request.user)


class OfferFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation", label="Offering organisation id")
    kind = django_filters.ChoiceFilter(choices=CapabilityKind.choices)
    domain = django_filters.ChoiceFilter(choices=Domain.choices)
    visibility = django_filters.ChoiceFilter(choices=OfferVisibility.choices)

    class Meta:
        model = CapabilityOffer
        fields = ["organisation", "kind", "domain", "visibility"]


class CapabilityOfferViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Capability offers you see: your organisations' own, those shared with them, and those
    shared with all members. Planners and administrators of the offering organisation make
    and change them."""

    queryset = CapabilityOffer.objects.none()
    serializer_class = CapabilityOfferSerializer
    filterset_class = OfferFilter
    object_permissions = dict.fromkeys(["update", "partial_update"])  # the service says why
    selector = staticmethod(selectors.offer_list)

    def select(self, queryset: Any) -> Any:
        return queryset.order_by("organisation__name", "available_from", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        offer = services.offer_create(by=_user(request), **data)
        return self.represent(offer, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: CapabilityOffer, data: dict[str, Any], version: int
    ) -> CapabilityOffer:
        shared = data.pop("shared_with", None)
        offer = services.offer_update(
            offer=instance, by=_user(self.request), version=version, data=data, shared_with=shared
        )
        return self.fresh(offer)


class RequirementFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan", label="Plan id")
    kind = django_filters.ChoiceFilter(choices=CapabilityKind.choices)
    domain = django_filters.ChoiceFilter(choices=Domain.choices)

    class Meta:
        model = Requirement
        fields = ["plan", "kind", "domain"]


class RequirementViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """The needs of the plans you see. The plan's lead planners state and change them."""

    queryset = Requirement.objects.none()
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilter
    object_permissions = dict.fromkeys(["update", "partial_update"])  # the service says why
    selector = staticmethod(selectors.requirement_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        data.pop("version", None)
        requirement = services.requirement_create(by=_user(request), plan=plan, data=data)
        return self.represent(requirement, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: Requirement, data: dict[str, Any], version: int
    ) -> Requirement:
        requirement = services.requirement_update(
            requirement=instance, by=_user(self.request), version=version, data=data
        )
        return self.fresh(requirement)


class PledgeFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="requirement__plan", label="Plan id")
    requirement = IdFilter(field_name="requirement", label="Requirement id")
    offer = IdFilter(field_name="offer", label="Offer id")
    status = django_filters.ChoiceFilter(choices=PledgeStatus.choices)

    class Meta:
        model = Pledge
        fields = ["plan", "requirement", "offer", "status"]


class PledgeViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Pledges you see: from your organisations' offers, or to the plans you take part in.
    Either side proposes; the other side's approvers decide (`decide`); a change of the
    quantity is a new proposal by the side that makes it."""

    queryset = Pledge.objects.none()
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    object_permissions = dict.fromkeys(["update", "partial_update", "decide", "withdraw"])
    selector = staticmethod(selectors.pledge_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pledge = services.pledge_propose(
            by=_user(request),
            offer=data["offer"],
            requirement=data["requirement"],
            quantity=data["quantity"],
            side=data.get("side"),
            comment=data.get("comment", ""),
        )
        return self.represent(pledge, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: Pledge, data: dict[str, Any], version: int
    ) -> Pledge:
        pledge = services.pledge_change(
            pledge=instance,
            by=_user(self.request),
            version=version,
            quantity=data.get("quantity", instance.quantity),
        )
        return self.fresh(pledge)

    @decision_action(PledgeDecideSerializer, PledgeSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Accept or decline (with a reason) the proposal (`round`) you read, for the side
        that did not propose it."""
        pledge = self.get_object()
        incoming = PledgeDecideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.pledge_decide(
            pledge=pledge,
            by=_user(request),
            round=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data.get("organisation"),
        )
        return self.represent(pledge)

    @extend_schema(
        request=PledgeWithdrawSerializer, responses={200: PledgeSerializer, 409: STALE_RESPONSE}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Take a proposed or accepted pledge back (planners of either side)."""
        pledge = self.get_object()
        incoming = PledgeWithdrawSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.pledge_withdraw(
            pledge=pledge, by=_user(request), version=incoming.validated_data.get("version")
        )
        return self.represent(pledge)


class CapabilityGapsViewSet(mixins.RetrieveModelMixin, SelectorViewSet):
    """`plans/{id}/capability-gaps/`: the plan's gap view."""

    queryset = Plan.objects.none()
    serializer_class = CapabilityGapsSerializer
    selector = staticmethod(visible_plans)
    pagination_class = None  # type: ignore[assignment]

    @extend_schema(responses={200: CapabilityGapsSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every requirement of the plan with what is pledged (accepted) and proposed, per
        organisation, over its window: a pledge counts for the share of the window its offer
        is available in; units never mix. With the unmet requirements, the overlaps (two or
        more organisations pledging beyond the need) and the offers of the same kind no one
        coordinated."""
        plan = self.get_object()
        data = gaps_data(plan_gaps(plan, user=_user(request)))
        # Through the serializer: quantities go out as decimal strings, never floats.
        return Response(CapabilityGapsSerializer(data).data)
