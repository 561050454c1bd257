"""`/api/v1/plans/{id}/publication/`: read, publish (PUT) and withdraw (DELETE)."""

from __future__ import annotations

from typing import Any, cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.drf import STALE_RESPONSE
from accounts.models import User
from missions.models import Plan
from missions.selectors import visible_plans
from publication import services
from publication.api.serializers import PublicationSerializer, PublishSerializer, WithdrawSerializer
from publication.models import PlanPublication


def _user(request: Request) -> User:
    return cast(User, request.user)


class PublicationView(APIView):
    """A plan's public page. Anyone who sees the plan reads its state; the lead's approvers
    publish it (PUT, also to change its words) and withdraw it (DELETE). A plan you do not
    see is 404; seen but not yours to publish, 403."""

    # Named for the audit trail of refusals (`accounts.drf`).
    queryset = Plan.objects.none()

    def _plan(self, request: Request, pk: int) -> Plan:
        return get_object_or_404(visible_plans(_user(request)), pk=pk)

    def _answer(self, request: Request, plan: Plan) -> Response:
        publication = PlanPublication.objects.filter(plan=plan).first()
        response = Response(PublicationSerializer.of(plan.pk, publication, request))
        if publication is not None:
            response["ETag"] = f'"{publication.version}"'
        return response

    @extend_schema(responses={200: PublicationSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return self._answer(request, self._plan(request, pk))

    @extend_schema(
        request=PublishSerializer,
        responses={200: PublicationSerializer, 409: STALE_RESPONSE},
    )
    def put(self, request: Request, pk: int) -> Response:
        plan = self._plan(request, pk)
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        services.plan_publish(
            plan=plan,
            by=_user(request),
            public_title=data["public_title"],
            public_summary=data["public_summary"],
            slug=data.get("slug", ""),
            version=data.get("version"),
        )
        return self._answer(request, plan)

    @extend_schema(
        request=WithdrawSerializer,
        responses={200: PublicationSerializer, 409: STALE_RESPONSE},
        description="Withdraw the public page: it answers 404 at once. Answers the publication "
        "now (`published: false`; its address and words are kept for publishing again).",
    )
    def delete(self, request: Request, pk: int) -> Response:
        plan = self._plan(request, pk)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.plan_unpublish(
            plan=plan, by=_user(request), version=serializer.validated_data.get("version")
        )
        return self._answer(request, plan)

    def represent_current(self, obj: Any) -> Any:
        """The publication now, for a 409 answer."""
        return PublicationSerializer.of(obj.plan_id, obj, self.request)
