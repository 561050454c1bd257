"""Communication API serializers: the shape of input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.drf import (
    CreateOnlyFieldsMixin,
    VersionField,
    VisibleObjectField,
    decision_request_serializer,
    decision_state_serializer,
)
from accounts.inputs import IdField, ModelSerializer
from accounts.models import Organisation
from missions.models import Activity, Plan
from missions.selectors import visible_plans
from outreach import selectors
from outreach.models import CommunicationItem, Measure
from outreach.permissions import CLEARANCE
from strategy.models import Indicator

ClearanceStateSerializer = decision_state_serializer("CommunicationClearanceState", CLEARANCE)
ClearanceDecideSerializer = decision_request_serializer(
    "CommunicationClearanceDecide",
    CLEARANCE,
    comment_help="Required to refuse: say what must change.",
    organisation_help="The named participant you clear for; needed only if you clear for several.",
)


class CommunicationItemSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A message planned with a plan, with each named participant's decision on the current
    clearance round. `status` moves to `cleared` when every named participant (but the
    spokesperson) cleared the current round, and to `published` when the spokesperson's
    planners publish it; a change of wording after a clearance opens a new round."""

    plan = VisibleObjectField(
        visible=visible_plans, queryset=Plan.objects.all(), help_text="The plan (chosen once)."
    )
    activity = IdField(
        queryset=Activity.objects.all(),
        required=False,
        allow_null=True,
        help_text="An activity of the plan the message is about.",
    )
    spokesperson = IdField(
        queryset=Organisation.objects.all(),
        help_text="The participant that speaks; its planners publish the message.",
    )
    named_participants = IdField(
        queryset=Organisation.objects.all(),
        many=True,
        required=False,
        help_text="Participants whose work the message names: their approvers clear it.",
    )
    clearances = serializers.SerializerMethodField()
    version = VersionField()
    create_only_fields = ("plan",)

    class Meta:
        model = CommunicationItem
        fields = [
            "id",
            "plan",
            "activity",
            "title",
            "audience",
            "channel",
            "key_message",
            "languages",
            "planned_date",
            "status",
            "spokesperson",
            "named_participants",
            "public",
            "clearance",
            "clearances",
            "published_at",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "status", "clearance", "published_at", "created", "updated"]

    @extend_schema_field(ClearanceStateSerializer(many=True))
    def get_clearances(self, item: CommunicationItem) -> Any:
        return [row.as_dict() for row in selectors.clearance_panel(item)]


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The `version` you read; if it changed since, the answer is 409.",
    )


class PerceptionReadingSerializer(CreateOnlyFieldsMixin, serializers.Serializer):
    """A local perception figure: an indicator reading of the plan's strategy (so a fall past
    the threshold warns the partners) with the survey's area, sample and source. The value,
    date and indicator stay as recorded; the survey's facts and `public` may be corrected."""

    id = serializers.IntegerField(read_only=True)
    plan = VisibleObjectField(visible=visible_plans, queryset=Plan.objects.all())
    indicator = IdField(
        queryset=Indicator.objects.all(),
        source="reading.indicator",
        help_text="An indicator of the plan's strategy (e.g. trust in the police).",
    )
    indicator_name = serializers.CharField(source="reading.indicator.name", read_only=True)
    unit = serializers.CharField(source="reading.indicator.unit", read_only=True)
    in_warning = serializers.BooleanField(
        source="reading.indicator.in_warning",
        read_only=True,
        help_text="Whether the indicator's latest reading is past its warning threshold.",
    )
    date = serializers.DateField(source="reading.date")
    value = serializers.DecimalField(source="reading.value", max_digits=14, decimal_places=2)
    note = serializers.CharField(
        source="reading.note", max_length=500, required=False, allow_blank=True, default=""
    )
    area = serializers.CharField(max_length=120)
    measure = serializers.ChoiceField(choices=Measure.choices, default=Measure.PERCENT)
    sample_size = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    source = serializers.CharField(max_length=200)  # type: ignore[assignment]
    public = serializers.BooleanField(required=False, default=False)
    recorded_by = serializers.CharField(source="reading.recorded_by.username", read_only=True)
    version = VersionField()
    created = serializers.DateTimeField(read_only=True)
    create_only_fields = ("plan", "indicator", "date", "value", "note")
