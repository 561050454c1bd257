"""Secondment API viewsets: reads through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.drf import STALE_RESPONSE, SelectorViewSet, VersionedUpdateMixin, YesNoFilter
from accounts.models import Role, User
from secondments import selectors, services
from secondments.api.serializers import (
    PostSerializer,
    SecondmentCancelSerializer,
    SecondmentDateChangeSerializer,
    SecondmentDecideSerializer,
    SecondmentListSerializer,
    SecondmentSerializer,
    TrainingAttendanceSerializer,
    TrainingRegisterSerializer,
    TrainingRegistrationSerializer,
    TrainingSerializer,
)
from secondments.models import Post, Secondment, SecondmentKind, SecondmentStatus, Training


def _user(request: Request) -> User:
    return cast(User, request.user)


class _Id(django_filters.NumberFilter):
    """A whole number, else 400."""

    field_class = forms.IntegerField


class SecondmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=SecondmentStatus.choices, method="filter_status", label="Status on the day"
    )
    host = _Id(field_name="host_organisation", label="Host organisation id")
    home = _Id(field_name="home_organisation", label="Home organisation id")
    kind = django_filters.ChoiceFilter(choices=SecondmentKind.choices)
    person = _Id(field_name="person", label="Person (user) id")
    active_on = django_filters.DateFilter(
        method="filter_active_on", label="Active on this day (YYYY-MM-DD)"
    )
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Secondment
        fields = ["status", "host", "home", "kind", "person", "active_on", "role"]

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(selectors.status_condition(value))

    def filter_active_on(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(selectors.active_on(value))


class SecondmentViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Secondments from or to your organisations. Planners and administrators of either
    organisation request them and change them while requested; approvers of both decide
    each request round; approval gives the person the host membership for exactly the dates."""

    queryset = Secondment.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = SecondmentSerializer
    filterset_class = SecondmentFilter
    # The services check these and say why they refuse.
    object_permissions = dict.fromkeys(
        ["update", "partial_update", "decide", "extend", "end", "cancel"]
    )
    selector = staticmethod(selectors.secondment_list)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return SecondmentListSerializer if self.action == "list" else SecondmentSerializer

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The list leaves out the decision panel, so none of the decisions the pages read.
        return queryset.prefetch_related(None) if self.action == "list" else queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        secondment = services.secondment_request(
            by=_user(request),
            person=data["person"],
            home_organisation=data["home_organisation"],
            host_organisation=data["host_organisation"],
            role=data["role"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            kind=data.get("kind", SecondmentKind.SECONDMENT),
            post=data.get("post"),
            purpose=data.get("purpose", ""),
        )
        return self.represent(secondment, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: Secondment, data: dict[str, Any], version: int
    ) -> Secondment:
        secondment = services.secondment_update(
            secondment=instance, by=_user(self.request), version=version, data=data
        )
        return self.fresh(secondment)

    @extend_schema(
        request=SecondmentDecideSerializer,
        responses={200: SecondmentSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Approve or decline (with a reason) the request round you read, for your
        organisation. Approved once both organisations approved the same round."""
        secondment = self.get_object()
        incoming = SecondmentDecideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.secondment_decide(
            secondment=secondment,
            by=_user(request),
            request=data["version"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data.get("organisation"),
        )
        return self.represent(secondment)

    def _date_change(self, request: Request, service: Any) -> Response:
        secondment = self.get_object()
        incoming = SecondmentDateChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        secondment = service(
            secondment=secondment,
            by=_user(request),
            version=incoming.validated_data["version"],
            end_date=incoming.validated_data["end_date"],
        )
        return self.represent(secondment)

    @extend_schema(
        request=SecondmentDateChangeSerializer,
        responses={200: SecondmentSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        """Ask for a later end date: both organisations decide it again (a new request
        round); until then the current end stands."""
        return self._date_change(request, services.secondment_extend)

    @extend_schema(
        request=SecondmentDateChangeSerializer,
        responses={200: SecondmentSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End early, at once (an approver of either organisation): the new last day, from
        yesterday on; the host membership ends with it."""
        return self._date_change(request, services.secondment_end)

    @extend_schema(
        request=SecondmentCancelSerializer,
        responses={200: SecondmentSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw a request, or an approved secondment before its first day; the host
        membership is removed."""
        secondment = self.get_object()
        incoming = SecondmentCancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        secondment = services.secondment_cancel(
            secondment=secondment, by=_user(request), version=incoming.validated_data.get("version")
        )
        return self.represent(secondment)


class PostFilter(django_filters.FilterSet):
    host = _Id(field_name="host_organisation", label="Host organisation id")
    is_commander_post = YesNoFilter()

    class Meta:
        model = Post
        fields = ["host", "is_commander_post"]


class PostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorViewSet):
    """Posts in host organisations, kept across rotations, with who held them when."""

    queryset = Post.objects.none()
    serializer_class = PostSerializer
    filterset_class = PostFilter
    selector = staticmethod(selectors.post_list)


class TrainingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SelectorViewSet
):
    """The joint training calendar, open to every signed-in person. The organiser's planners
    and administrators announce trainings and record attendance; anyone who belongs to an
    organisation registers (a place while there is one, else the waiting list)."""

    queryset = Training.objects.none()
    serializer_class = TrainingSerializer
    # The services check these and say why they refuse.
    object_permissions = dict.fromkeys(["register", "attendance"])
    selector = staticmethod(selectors.training_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        training = services.training_create(
            by=_user(request),
            organiser=data["organiser"],
            title=data["title"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            capacity=data["capacity"],
            place=data.get("place", ""),
            online=data.get("online", False),
            topics=data.get("topics", ""),
        )
        return self.represent(training, status.HTTP_201_CREATED)

    @extend_schema(
        request=TrainingRegisterSerializer, responses={200: TrainingRegistrationSerializer}
    )
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str | None = None) -> Response:
        """Register yourself (or withdraw, with `withdraw: true`): a place frees for the
        first on the waiting list."""
        training = self.get_object()
        incoming = TrainingRegisterSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if incoming.validated_data["withdraw"]:
            registration = services.training_withdraw(training=training, by=_user(request))
        else:
            registration = services.training_register(
                training=training,
                by=_user(request),
                organisation=incoming.validated_data.get("organisation"),
            )
        return Response(TrainingRegistrationSerializer(registration).data)

    @extend_schema(
        request=TrainingAttendanceSerializer, responses={200: TrainingRegistrationSerializer}
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """Record whether a participant attended (the organiser's planners and
        administrators)."""
        training = self.get_object()
        incoming = TrainingAttendanceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        registration = services.training_attendance_record(
            training=training,
            by=_user(request),
            person=incoming.validated_data["person"],
            attended=incoming.validated_data["attended"],
        )
        return Response(TrainingRegistrationSerializer(registration).data)
