"""Secondment API serializers: the shape of input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.drf import CreateOnlyFieldsMixin, VersionField, decision_state_serializer
from accounts.inputs import IdField, ModelSerializer
from accounts.models import Organisation, User
from secondments import selectors
from secondments.models import (
    Post,
    Secondment,
    SecondmentDecisionChoice,
    SecondmentStatus,
    Training,
    TrainingRegistration,
)
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


class SecondmentListSerializer(SecondmentSerializer):
    """A secondment as the list shows it: without each organisation's decision on the
    current request round, which is on the secondment itself (`/api/v1/secondments/{id}/`)."""

    class Meta(SecondmentSerializer.Meta):
        fields = [name for name in SecondmentSerializer.Meta.fields if name != "decisions"]
        read_only_fields = fields


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


# --- joint training -------------------------------------------------------------------------


class ParticipationSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    people = serializers.IntegerField()


class TrainingSerializer(ModelSerializer):
    """A joint training event: its places, the waiting list, how many of each organisation
    take part, and your own registration (`my_status`, null when none)."""

    organiser = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="An organisation where you are a planner or administrator.",
    )
    places_taken = serializers.IntegerField(read_only=True)
    waitlisted = serializers.IntegerField(read_only=True)
    my_status = serializers.CharField(read_only=True, allow_null=True)
    participation = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "organiser",
            "start_date",
            "end_date",
            "place",
            "online",
            "topics",
            "capacity",
            "places_taken",
            "waitlisted",
            "my_status",
            "participation",
            "version",
        ]
        read_only_fields = ["id", "version"]

    @extend_schema_field(ParticipationSerializer(many=True))
    def get_participation(self, training: Training) -> Any:
        return [
            {"organisation": name, "people": n} for name, n in selectors.participation(training)
        ]


class TrainingRegisterSerializer(serializers.Serializer):
    organisation = IdField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation you go for, when you belong to several.",
    )
    withdraw = serializers.BooleanField(
        required=False, default=False, help_text="True to withdraw your registration."
    )


class TrainingRegistrationSerializer(ModelSerializer):
    class Meta:
        model = TrainingRegistration
        fields = ["id", "training", "person", "organisation", "status", "registered_at"]
        read_only_fields = fields


class TrainingAttendanceSerializer(serializers.Serializer):
    person = IdField(queryset=User.objects.all(), help_text="A registered participant (user id).")
    attended = serializers.BooleanField()
