from __future__ import annotations

from typing import Any, cast

import django_filters
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services, two_factor
from accounts.authentication import LockedOut, lockout_remaining
from accounts.drf import SelectorViewSet, VersionedUpdateMixin, VersionField, YesNoFilter
from accounts.models import Membership, Notification, Organisation, User
from accounts.notifications import notification_mark_read, notifications_mark_all_read
from accounts.work import ITEMS_PER_SECTION, SECTION_KEYS, my_work


class OrganisationSerializer(serializers.ModelSerializer):
    version = VersionField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "slug",
            "acronym",
            "kind",
            "country",
            "description",
            "website",
            "is_active",
            "version",
        ]
        read_only_fields = ["id", "slug", "kind", "is_active"]


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "username", "full_name", "role", "valid_from", "valid_until"]


class OwnMembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    organisation_slug = serializers.CharField(source="organisation.slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = [
            "organisation",
            "organisation_slug",
            "organisation_name",
            "role",
            "valid_from",
            "valid_until",
            "is_current",
        ]

    def get_is_current(self, membership: Membership) -> bool:
        return membership.is_valid_on(timezone.localdate())


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "memberships"]

    @extend_schema_field(OwnMembershipSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict[str, Any]]:
        return OwnMembershipSerializer(selectors.user_memberships(user=user), many=True).data  # type: ignore[return-value]


class OrganisationFilter(django_filters.FilterSet):
    is_active = YesNoFilter()

    class Meta:
        model = Organisation
        fields = ["kind", "is_active"]


class OrganisationViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    SelectorViewSet,
):
    """The organisation directory. Members see their organisation's member list; its
    organisation administrators edit its profile."""

    queryset = Organisation.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = OrganisationSerializer
    selector = staticmethod(selectors.organisation_list)
    filterset_class = OrganisationFilter
    object_permissions = {"members": "view_organisation_members"}

    def perform_versioned_update(
        self, instance: Organisation, data: dict[str, Any], version: int
    ) -> Organisation:
        return services.organisation_update(
            organisation=instance,
            by=cast(User, self.request.user),
            version=version,
            data=data,
        )

    # The directory's filters do not apply to an organisation's members.
    @extend_schema(responses=MemberSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def members(self, request: Request, pk: str | None = None) -> Response:
        organisation = self.get_object()
        page = self.paginate_queryset(selectors.organisation_members(organisation=organisation))
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


class TokenSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        write_only=True,
        max_length=32,
        help_text=(
            "For people with two-factor sign-in on: the 6-digit code their authenticator app "
            "shows now, or one of their recovery codes (each works once). Without it, or "
            "with a wrong one, the answer is 400 with a message on `otp`."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A NUL in the username is a wrong username like any other (see SignInForm).
        username = self.fields["username"]
        username.validators = [
            v for v in username.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        user = attrs["user"]
        owed = two_factor.second_factor_owed(user)
        if owed == "setup":
            raise serializers.ValidationError({"otp": two_factor.SET_UP_FIRST})
        if owed == "code":
            code = attrs.get("otp", "")
            if not code:
                raise serializers.ValidationError(
                    {
                        "otp": gettext(
                            "Two-factor sign-in is on for this account: send the code too."
                        )
                    }
                )
            check = two_factor.code_check(user=user, code=code)
            if check.device is None:
                two_factor.sign_in_failed(self.context["request"]._request, user)
                raise serializers.ValidationError(
                    {"otp": two_factor.WAIT_CODE if check.wait else two_factor.WRONG_CODE}
                )
        return attrs


class TokenView(ObtainAuthToken):
    """`POST {username, password}` gives `{"token": ...}`; throttled like the sign-in page.
    Someone with two-factor sign-in on also sends `otp`, a current code."""

    serializer_class = TokenSerializer
    # Open to anyone, and deaf to any credentials sent along: a stale token or session must
    # not stand in the way of getting a new token.
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        request=TokenSerializer,
        responses={
            200: TokenSerializer,
            400: inline_serializer(
                "TokenError",
                {
                    "non_field_errors": serializers.ListField(
                        child=serializers.CharField(), required=False
                    ),
                    "otp": serializers.ListField(child=serializers.CharField(), required=False),
                },
            ),
            429: OpenApiResponse(
                description="Too many failed sign-ins for this username: wait `Retry-After` "
                "seconds."
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        username = request.data.get("username", "") if isinstance(request.data, dict) else ""
        credentials = {"username": username}
        if AxesProxyHandler.is_locked(request._request, credentials):
            # 429 with Retry-After, written to the audit trail by the exception handler.
            raise LockedOut(
                wait=lockout_remaining(str(username)) or settings.AXES_COOLOFF_TIME,
                username=str(username),
            )
        return super().post(request, *args, **kwargs)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class WorkItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="What waits: `plan_review`, `strategy_endorsement`, ...")
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The page where the work is done.")
    since = serializers.DateTimeField(help_text="Waiting since (a late activity: its end date).")


class WorkSectionSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=SECTION_KEYS)
    title = serializers.CharField()
    count = serializers.IntegerField(help_text="Every waiting item of the section.")
    items = WorkItemSerializer(many=True, help_text=f"The oldest {ITEMS_PER_SECTION} at most.")


class MyWorkSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    sections = WorkSectionSerializer(many=True)


class MyWorkView(APIView):
    """What waits for you today, from the organisations and roles you hold: the same sections
    and counts as your home page. Every section is listed, empty ones with a count of 0."""

    @extend_schema(responses=MyWorkSerializer)
    def get(self, request: Request) -> Response:
        sections = my_work(cast(User, request.user))
        return Response(
            MyWorkSerializer(
                {"total": sum(section.count for section in sections), "sections": sections}
            ).data
        )


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created", "read_at"]
        read_only_fields = fields


class NotificationFilter(django_filters.FilterSet):
    unread = YesNoFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationViewSet(mixins.ListModelMixin, SelectorViewSet):
    """Your own notifications, newest first (`?unread=true` for the unread ones)."""

    queryset = Notification.objects.none()  # names the model for the schema; `selector` reads
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    object_permissions = {"read": None}  # your own notification is yours to mark read

    selector = staticmethod(selectors.notification_inbox)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        notification_mark_read(notification=notification, by=cast(User, request.user))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_all_read(by=cast(User, request.user))})

    @extend_schema(
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response(
            {"unread": selectors.notification_unread_count(user=cast(User, request.user))}
        )
