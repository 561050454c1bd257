"""Funding API viewsets: reads through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.drf import (
    IdFilter,
    SelectorViewSet,
    VersionedUpdateMixin,
    YesNoFilter,
    decision_action,
)
from accounts.models import User
from funding import selectors, services
from funding.api.serializers import (
    AllocationSerializer,
    DisbursementDecideSerializer,
    DisbursementListSerializer,
    DisbursementPaidSerializer,
    DisbursementSerializer,
    FundingInstrumentSerializer,
)
from funding.models import (
    Allocation,
    DisbursementRequest,
    DisbursementStatus,
    FundingInstrument,
    InstrumentKind,
)


def _user(request: Request) -> User:
    return cast(User, request.user)


class InstrumentFilter(django_filters.FilterSet):
    owner = IdFilter(field_name="owner", label="Owner organisation id")
    kind = django_filters.ChoiceFilter(choices=InstrumentKind.choices)

    class Meta:
        model = FundingInstrument
        fields = ["owner", "kind"]


class FundingInstrumentViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Funding instruments of your organisations. Their planners and administrators set
    them up and change them; the currency stays once money is allocated."""

    queryset = FundingInstrument.objects.none()
    serializer_class = FundingInstrumentSerializer
    filterset_class = InstrumentFilter
    object_permissions = dict.fromkeys(["update", "partial_update"])  # the services check
    selector = staticmethod(selectors.instrument_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        instrument = services.instrument_create(
            by=_user(request),
            owner=data["owner"],
            name=data["name"],
            kind=data["kind"],
            currency=data["currency"],
            target_days_to_disburse=data["target_days_to_disburse"],
            description=data.get("description", ""),
        )
        return self.represent(instrument, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: FundingInstrument, data: dict[str, Any], version: int
    ) -> FundingInstrument:
        return self.fresh(
            services.instrument_update(
                instrument=instance, by=_user(self.request), version=version, data=data
            )
        )


class AllocationFilter(django_filters.FilterSet):
    instrument = IdFilter(field_name="instrument", label="Instrument id")
    activity = IdFilter(field_name="activity", label="Activity id")
    plan = IdFilter(field_name="activity__line_of_effort__plan", label="Plan id")
    currency = django_filters.CharFilter(field_name="currency")

    class Meta:
        model = Allocation
        fields = ["instrument", "activity", "plan", "currency"]


class AllocationViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Allocations of instruments to plan activities: seen by the instrument owner's members
    and the plan's participants; made and changed by the owner's planners."""

    queryset = Allocation.objects.none()
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilter
    object_permissions = dict.fromkeys(["update", "partial_update"])
    selector = staticmethod(selectors.allocation_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        allocation = services.allocation_create(
            by=_user(request),
            instrument=data["instrument"],
            activity=data["activity"],
            amount=data["amount"],
            note=data.get("note", ""),
        )
        return self.represent(allocation, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: Allocation, data: dict[str, Any], version: int
    ) -> Allocation:
        return self.fresh(
            services.allocation_update(
                allocation=instance, by=_user(self.request), version=version, data=data
            )
        )


class DisbursementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DisbursementStatus.choices)
    allocation = IdFilter(field_name="allocation", label="Allocation id")
    instrument = IdFilter(field_name="allocation__instrument", label="Instrument id")
    plan = IdFilter(field_name="allocation__activity__line_of_effort__plan", label="Plan id")
    currency = django_filters.CharFilter(field_name="currency")
    disbursed = YesNoFilter(method="filter_disbursed", label="Money arrived")

    class Meta:
        model = DisbursementRequest
        fields = ["status", "allocation", "instrument", "plan", "currency", "disbursed"]

    def filter_disbursed(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        disbursed = {"status": DisbursementStatus.DISBURSED}
        return queryset.filter(**disbursed) if value else queryset.exclude(**disbursed)


class DisbursementViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Disbursement requests: made by the plan lead's or the activity's planners (never more
    than is left of the allocation), decided by the instrument owner's approvers on the
    current round, recorded as disbursed by the owner's planners or approvers."""

    queryset = DisbursementRequest.objects.none()
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilter
    object_permissions = dict.fromkeys(["update", "partial_update", "decide", "disbursed"])
    selector = staticmethod(selectors.disbursement_list)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return DisbursementListSerializer if self.action == "list" else DisbursementSerializer

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if self.action == "list" else selectors.with_decisions(queryset)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        disbursement = services.disbursement_request(
            by=_user(request),
            allocation=data["allocation"],
            amount=data["amount"],
            purpose=data.get("purpose", ""),
            requested_on=data.get("requested_on"),
        )
        return self.represent(disbursement, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: DisbursementRequest, data: dict[str, Any], version: int
    ) -> DisbursementRequest:
        return self.fresh(
            services.disbursement_update(
                request=instance, by=_user(self.request), version=version, data=data
            )
        )

    @decision_action(DisbursementDecideSerializer, DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Approve or reject (with a reason) the round you read, for the instrument's owner."""
        disbursement = self.get_object()
        incoming = DisbursementDecideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.disbursement_decide(
            request=disbursement,
            by=_user(request),
            round=data["round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data.get("organisation"),
        )
        return self.represent(disbursement)

    @decision_action(DisbursementPaidSerializer, DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def disbursed(self, request: Request, pk: str | None = None) -> Response:
        """Record that the money of an approved request arrived (today, or the day given)."""
        disbursement = self.get_object()
        incoming = DisbursementPaidSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.disbursement_record_paid(
            request=disbursement,
            by=_user(request),
            version=incoming.validated_data["version"],
            disbursed_on=incoming.validated_data.get("disbursed_on"),
        )
        return self.represent(disbursement)
