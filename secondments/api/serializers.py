"""Secondment API serializers: the shape of input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.drf import CreateOnlyFieldsMixin, VersionField, decision_state_serializer
from accounts.inputs import IdField, ModelSerializer
from accounts.models import Organisation, User
from secondments import selectors
from secondments.models import Post, Secondment, SecondmentDecisionChoice, SecondmentStatus
from secondments.permissions import SECONDMENT_DECISION

SecondmentDecisionStateSerializer = decision_state_serializer(
    "SecondmentDecisionStateSerializer", SECONDMENT_DECISION
)


class SecondmentSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A person's secondment from their home organisation to a host, with each
    organisation's decision on the current request round. `status` is `active` from the
    first day to the last of an approved secondment and `completed` after, read from the
    dates on the day."""

    person = IdField(
        queryset=User.objects.filter(is_active=True),
        help_text="The person seconded (a user id); a member of the home on the start day.",
    )
    home_organisation = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="Where the person is a member on the start day. Chosen once.",
    )
    host_organisation = IdField(queryset=Organisation.objects.filter(is_active=True))
    post = IdField(queryset=Post.objects.all(), required=False, allow_null=True)
    status = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    version = VersionField()
    create_only_fields = ("person", "home_organisation")

    class Meta:
        model = Secondment
        fields = [
            "id",
            "person",
            "home_organisation",
            "host_organisation",
            "post",
            "kind",
            "role",
            "start_date",
            "end_date",
            "purpose",
            "status",
            "request",
            "proposed_end_date",
            "version",
            "decisions",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "request", "proposed_end_date", "created", "updated"]

    @extend_schema_field(serializers.ChoiceField(choices=SecondmentStatus.choices))
    def get_status(self, secondment: Secondment) -> str:
        return secondment.shown_status

    @extend_schema_field(SecondmentDecisionStateSerializer(many=True))
    def get_decisions(self, secondment: Secondment) -> Any:
        return [row.as_dict() for row in selectors.secondment_panel(secondment)]


class SecondmentDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=SecondmentDecisionChoice.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed when you decline."
    )
    organisation = IdField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation you decide for, when you approve for both.",
    )
    version = serializers.IntegerField(
        min_value=0,
        help_text=(
            "The request round you read (`request`). If it is no longer the current one, the "
            "answer is 409 with the current state."
        ),
    )


class SecondmentDateChangeSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    version = serializers.IntegerField(min_value=1, help_text="The `version` you read.")


class SecondmentCancelSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The `version` you read (optional)."
    )


class PostHolderSerializer(serializers.Serializer):
    secondment = serializers.IntegerField(source="pk")
    person = serializers.IntegerField(source="person_id")
    person_name = serializers.SerializerMethodField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()

    def get_person_name(self, secondment: Secondment) -> str:
        return secondment.person.get_full_name() or secondment.person.username


class PostSerializer(ModelSerializer):
    """A position in a host organisation, kept across rotations, with who held it when
    (the approved secondments to it you may see, oldest first)."""

    holders = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "title",
            "host_organisation",
            "description",
            "reports_to",
            "is_commander_post",
            "holders",
        ]
        read_only_fields = fields

    @extend_schema_field(PostHolderSerializer(many=True))
    def get_holders(self, post: Post) -> Any:
        return PostHolderSerializer(getattr(post, "holders", []), many=True).data
