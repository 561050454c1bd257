"""Funding API serializers: the shape of input; the services decide the rest.

Amounts are decimal strings with two places ("1500.00"), each with its ISO 4217 currency;
a JSON number with a fraction is refused, so no amount ever passes through a float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
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
from funding import selectors
from funding.models import Allocation, DisbursementRequest, FundingInstrument
from funding.permissions import DISBURSEMENT_DECISION
from missions.models import Activity
from missions.selectors import activity_list


class MoneyField(serializers.DecimalField):
    """An amount: a decimal string ("0.10") or a whole number; never a float."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, float):
            raise serializers.ValidationError(
                _('Send the amount as a string, e.g. "1500.00", so no digit is lost.')
            )
        value: Decimal = super().to_internal_value(data)
        return value


class FundingInstrumentSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A source of money an organisation manages, with the days it aims to disburse in.
    Seen by the owner's members; set up and changed by its planners and administrators."""

    owner = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="An organisation where you are a planner or administrator. Chosen once.",
    )
    version = VersionField()
    create_only_fields = ("owner",)

    class Meta:
        model = FundingInstrument
        fields = [
            "id",
            "owner",
            "name",
            "kind",
            "currency",
            "target_days_to_disburse",
            "description",
            "version",
            "created",
        ]
        read_only_fields = ["id", "created"]


def _visible_instruments(user: Any) -> Any:
    return selectors.visible_instruments(user)


def _visible_activities(user: Any) -> Any:
    return activity_list(user=user)


def _visible_allocations(user: Any) -> Any:
    return selectors.allocation_list(user=user)


class AllocationSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """Money of an instrument set aside for a plan activity, in the instrument's currency,
    with what requests take of it (`requested`, not rejected) and what was paid
    (`disbursed`)."""

    instrument = VisibleObjectField(
        visible=_visible_instruments,
        queryset=FundingInstrument.objects.all(),
        help_text="An instrument of your organisation. Chosen once.",
    )
    activity = VisibleObjectField(
        visible=_visible_activities,
        queryset=Activity.objects.all(),
        help_text="An activity of a plan you see. Chosen once.",
    )
    plan = serializers.IntegerField(source="activity.line_of_effort.plan_id", read_only=True)
    amount = MoneyField()
    requested = MoneyField(read_only=True)
    disbursed = MoneyField(read_only=True)
    version = VersionField()
    create_only_fields = ("instrument", "activity")

    class Meta:
        model = Allocation
        fields = [
            "id",
            "instrument",
            "activity",
            "plan",
            "amount",
            "currency",
            "requested",
            "disbursed",
            "allocated_on",
            "allocated_by",
            "note",
            "version",
        ]
        read_only_fields = ["id", "currency", "allocated_on", "allocated_by"]


DisbursementDecisionStateSerializer = decision_state_serializer(
    "DisbursementDecisionStateSerializer", DISBURSEMENT_DECISION
)


class DisbursementSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A request to pay out (part of) an allocation, in its currency: `requested`, then
    `approved` or `rejected` by the instrument owner's approvers (deciding its current
    `round`), then `disbursed`. `days_to_approve` and `days_to_disburse` count from
    `requested_on`; `overdue` says it is still open past the instrument's target."""

    allocation = VisibleObjectField(
        visible=_visible_allocations,
        queryset=Allocation.objects.all(),
        help_text="An allocation you see. Chosen once.",
    )
    amount = MoneyField()
    requested_on = serializers.DateField(
        required=False, help_text="Today unless given (not in the future). Chosen once."
    )
    instrument = serializers.IntegerField(source="allocation.instrument_id", read_only=True)
    plan = serializers.IntegerField(
        source="allocation.activity.line_of_effort.plan_id", read_only=True
    )
    target_days_to_disburse = serializers.IntegerField(
        source="allocation.instrument.target_days_to_disburse", read_only=True
    )
    overdue = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    version = VersionField()
    create_only_fields = ("allocation", "requested_on")

    class Meta:
        model = DisbursementRequest
        fields = [
            "id",
            "allocation",
            "instrument",
            "plan",
            "amount",
            "currency",
            "purpose",
            "requested_on",
            "requested_by",
            "status",
            "round",
            "approved_on",
            "rejected_on",
            "disbursed_on",
            "days_to_approve",
            "days_to_disburse",
            "target_days_to_disburse",
            "overdue",
            "decisions",
            "version",
        ]
        read_only_fields = [
            "id",
            "currency",
            "requested_by",
            "status",
            "round",
            "approved_on",
            "rejected_on",
            "disbursed_on",
            "days_to_approve",
            "days_to_disburse",
        ]

    def get_overdue(self, request: DisbursementRequest) -> bool:
        return request.overdue_on(timezone.localdate())

    @extend_schema_field(DisbursementDecisionStateSerializer(many=True))
    def get_decisions(self, request: DisbursementRequest) -> Any:
        return [row.as_dict() for row in selectors.disbursement_panel(request)]


class DisbursementListSerializer(DisbursementSerializer):
    """A request as the list shows it: the owner's decision is on the request itself."""

    class Meta(DisbursementSerializer.Meta):
        fields = [name for name in DisbursementSerializer.Meta.fields if name != "decisions"]
        read_only_fields = fields


DisbursementDecideSerializer = decision_request_serializer(
    "DisbursementDecideSerializer",
    DISBURSEMENT_DECISION,
    comment_help="Needed when you reject.",
    organisation_help="The organisation you decide for, when you approve for several.",
)


class DisbursementPaidSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The `version` you read.")
    disbursed_on = serializers.DateField(
        required=False, help_text="The day the money arrived; today unless given."
    )
