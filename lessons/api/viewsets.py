"""Lessons API viewsets: reads through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.drf import STALE_RESPONSE, IdFilter, SelectorViewSet, VersionedUpdateMixin
from accounts.files import attachment_among, attachment_response
from accounts.idempotency import KEY_PARAMETER as IDEMPOTENCY_KEY
from accounts.idempotency import KEY_REUSED_RESPONSE, idempotent
from accounts.models import Organisation, User
from lessons import selectors, services
from lessons.api.serializers import (
    LessonDetailSerializer,
    LessonRecordSerializer,
    LessonReleaseDecideSerializer,
    LessonReleaseSerializer,
    LessonSerializer,
    LessonSubscriptionSerializer,
    LessonTransitionSerializer,
    RemedialActionSerializer,
)
from lessons.models import (
    ActionStatus,
    Classification,
    Lesson,
    LessonDomain,
    LessonStatus,
    LessonSubscription,
    RemedialAction,
)
from lessons.permissions import recording_organisations
from lessons.search import lessons_matching, snippets
from missions.models import Domain
from missions.selectors import visible_plans


def _user(request: Request) -> User:
    return cast(User, request.user)


class LessonFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Words to find in the title and the ODCR text; best match first",
    )
    status = django_filters.ChoiceFilter(choices=LessonStatus.choices)
    domain = django_filters.ChoiceFilter(choices=Domain.choices, method="filter_domain")
    theatre = django_filters.CharFilter(field_name="theatre", lookup_expr="iexact")
    source_organisation = IdFilter(field_name="source_organisation")
    classification = django_filters.ChoiceFilter(choices=Classification.choices)
    observed_after = django_filters.DateFilter(
        field_name="observed_on", lookup_expr="gte", label="Observed on or after (YYYY-MM-DD)"
    )
    observed_before = django_filters.DateFilter(
        field_name="observed_on", lookup_expr="lte", label="Observed on or before (YYYY-MM-DD)"
    )

    class Meta:
        model = Lesson
        fields = [
            "search",
            "status",
            "domain",
            "theatre",
            "source_organisation",
            "classification",
            "observed_after",
            "observed_before",
        ]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return lessons_matching(queryset, value)

    def filter_domain(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Exists(LessonDomain.objects.filter(lesson=OuterRef("pk"), domain=value))
        )


class LessonViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Lessons learned you may read, as far as each one's marking allows. Any current member
    of an organisation records one (it starts as `submitted`, read by that organisation
    only); its analysts and approvers move it through the process; widening its release is
    an approver's act, at once or on request."""

    queryset = Lesson.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = LessonSerializer
    filterset_class = LessonFilter
    # The services check these and say why they refuse.
    object_permissions = dict.fromkeys(
        ["update", "partial_update", "transition", "release", "decide"]
    )
    selector = staticmethod(selectors.lesson_detail)

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return LessonSerializer
        if self.action == "create":
            return LessonRecordSerializer
        return LessonDetailSerializer

    def select(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action == "list":
            return selectors.lesson_list(user=_user(self.request))
        return queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """With `?search=`, each lesson comes with its matching passage (`snippet`), computed
        for the page shown only."""
        lessons = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(lessons)
        rows = list(page if page is not None else lessons)
        context = {
            **self.get_serializer_context(),
            "snippets": snippets(rows, request.query_params.get("search", "")),
        }
        data = LessonSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def represent(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        obj = self.fresh(obj)
        data = LessonDetailSerializer(obj, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": f'"{obj.version}"'})

    def represent_current(self, obj: Any) -> Any:
        return LessonDetailSerializer(self.fresh(obj), context=self.get_serializer_context()).data

    @extend_schema(
        request={
            "application/json": LessonRecordSerializer,
            "multipart/form-data": LessonRecordSerializer,
        },
        parameters=[IDEMPOTENCY_KEY],
        responses={201: LessonDetailSerializer, 422: KEY_REUSED_RESPONSE},
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = LessonRecordSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        lesson = services.lesson_record(
            by=_user(request),
            source_organisation=_recording_for(_user(request), data.get("source_organisation")),
            title=data["title"],
            observation=data["observation"],
            observed_on=data["observed_on"],
            theatre=data.get("theatre", ""),
            source_plan=data.get("source_plan"),
            discussion=data.get("discussion", ""),
            conclusion=data.get("conclusion", ""),
            recommendation=data.get("recommendation", ""),
            domains=data.get("domains", []),
            classification=data.get("classification", Classification.UNCLASSIFIED),
            attachments=data["attachments"],
        )
        return self.represent(lesson, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: Lesson, data: dict[str, Any], version: int
    ) -> Lesson:
        data.pop("source_organisation", None)  # a lesson stays with its organisation
        lesson = services.lesson_update(
            lesson=instance, by=_user(self.request), version=version, data=data
        )
        return cast(Lesson, self.fresh(lesson))

    @extend_schema(
        request=LessonTransitionSerializer,
        responses={200: LessonDetailSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the lesson one step in the lessons process (analysts and approvers of the
        source organisation); rejecting needs a `comment`."""
        lesson = self.get_object()
        incoming = LessonTransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.lesson_transition(
            lesson=lesson,
            by=_user(request),
            to=data["to"],
            version=data["version"],
            comment=data["comment"],
        )
        return self.represent(lesson)

    @extend_schema(
        request=LessonReleaseSerializer,
        responses={
            200: OpenApiResponse(LessonDetailSerializer, description="The marking is in force."),
            202: OpenApiResponse(
                LessonDetailSerializer,
                description="Wider than you may release: it waits for an approver "
                "(`pending_release`).",
            ),
            409: STALE_RESPONSE,
        },
    )
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        """Set who may read the lesson. Narrower: at once. Wider: at once for an approver of
        the source organisation; otherwise a request waiting for one (202)."""
        lesson = self.get_object()
        incoming = LessonReleaseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        outcome = services.lesson_release(
            lesson=lesson,
            by=_user(request),
            version=data["version"],
            releasability=data["releasability"],
            organisations=data["organisations"],
            reason=data["reason"],
        )
        return self.represent(
            lesson, status.HTTP_200_OK if outcome.applied else status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        request=LessonReleaseDecideSerializer,
        responses={200: LessonDetailSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Release as asked, or decline with a reason, the release request you read (an
        approver of the source organisation)."""
        lesson = self.get_object()
        incoming = LessonReleaseDecideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.lesson_release_decide(
            lesson=lesson,
            by=_user(request),
            round=data["release_round"],
            decision=data["decision"],
            comment=data["comment"],
            organisation=data.get("organisation"),
        )
        return self.represent(lesson)

    @extend_schema(
        parameters=[OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
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
        """Download one attachment of the lesson or its actions; only its readers can."""
        lesson = self.get_object()
        return attachment_response(attachment_among(lesson.attachments.all(), attachment_id))


def _recording_for(user: User, chosen: Organisation | None) -> Organisation:
    """The organisation a lesson is recorded for: the one chosen, or the only one the person
    records for. The service refuses one they do not belong to."""
    if chosen is not None:
        return chosen
    mine = recording_organisations(user)
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise PermissionDenied(_("Only a current member of an organisation records lessons."))
    raise ValidationError(
        {"source_organisation": _("You belong to several organisations: say which one records it.")}
    )


class RemedialActionFilter(django_filters.FilterSet):
    lesson = IdFilter(field_name="lesson")
    action_body = IdFilter(field_name="action_body")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)

    class Meta:
        model = RemedialAction
        fields = ["lesson", "action_body", "status"]


class RemedialActionViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """Remedial actions of the lessons you may read. The source organisation's analysts and
    approvers task them to an organisation that may read the lesson; the action body reports
    on them (`status`, `evidence`, and a `reason` to decline)."""

    queryset = RemedialAction.objects.none()
    serializer_class = RemedialActionSerializer
    filterset_class = RemedialActionFilter
    object_permissions = dict.fromkeys(["update", "partial_update"])
    selector = staticmethod(selectors.remedial_action_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        created = services.remedial_action_task(
            lesson=data["lesson"],
            by=_user(request),
            action_body=data["action_body"],
            description=data["description"],
            due_on=data["due_on"],
        )
        return self.represent(created, status.HTTP_201_CREATED)

    def perform_versioned_update(
        self, instance: RemedialAction, data: dict[str, Any], version: int
    ) -> RemedialAction:
        updated = services.remedial_action_update(
            action=instance, by=_user(self.request), version=version, data=data
        )
        return cast(RemedialAction, self.fresh(updated))


class LessonSubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    SelectorViewSet,
):
    """The domains and theatres you follow; each day brings a digest of their new lessons
    you may read. Give `domain` or `theatre`, not both."""

    queryset = LessonSubscription.objects.none()
    serializer_class = LessonSubscriptionSerializer
    object_permissions = {"destroy": None}
    selector = staticmethod(selectors.subscription_list)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        subscription = services.lesson_subscription_add(
            by=_user(request), domain=data.get("domain", ""), theatre=data.get("theatre", "")
        )
        return Response(self.get_serializer(subscription).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: LessonSubscription) -> None:
        services.lesson_subscription_remove(subscription=instance, by=_user(self.request))


class RelatedLessonsView(APIView):
    """The lessons you may read that bear on a plan you see: its theatre, its domains and its
    words, best first (at most ten)."""

    @extend_schema(responses={200: LessonSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        plan = get_object_or_404(visible_plans(_user(request)), pk=pk)
        lessons = selectors.related_lessons(user=_user(request), plan=plan)
        return Response(LessonSerializer(lessons, many=True, context={"request": request}).data)
