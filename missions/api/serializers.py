"""Plan API serializers: validate the shape of input; the services decide the rest.

Ids in request bodies resolve through the selectors, so a plan (or a line of effort,
activity, strategy or goal) the user may not see answers "does not exist", exactly like an
id that was never used.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from accounts.drf import (
    CreateOnlyFieldsMixin,
    VersionField,
    VisibleObjectField,
    decision_request_serializer,
    decision_state_serializer,
    round_serializer,
)
from accounts.inputs import IdField, ModelSerializer
from accounts.models import Organisation, User
from missions import selectors
from missions.models import (
    Activity,
    Attachment,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    Participant,
    ParticipantRole,
    Plan,
)
from missions.permissions import REVIEW
from secondments.models import Post
from strategy import selectors as strategy_selectors
from strategy.models import Goal, Strategy

FIXED_PLAN = "The plan it belongs to. Chosen once, when created."
PROGRESS_FIELDS = ("status", "progress")
"""What the responsible organisation's planners update; everything else is the plan's scope."""


def _user(request: Request) -> User:
    return cast(User, request.user)


def _person(user: User) -> str:
    return user.get_full_name() or user.username


def _visible_plans(user: User) -> QuerySet[Plan]:
    return selectors.visible_plans(user)


def _visible_lines(user: User) -> QuerySet[LineOfEffort]:
    return selectors.line_of_effort_list(user=user)


def _visible_activities(user: User) -> QuerySet[Activity]:
    return selectors.activity_list(user=user)


def _visible_strategies(user: User) -> QuerySet[Strategy]:
    return strategy_selectors.visible_strategies(user)


def _visible_goals(user: User) -> QuerySet[Goal]:
    return strategy_selectors.goal_list(user=user)


# --- plans --------------------------------------------------------------------------------------


class ParticipantSerializer(ModelSerializer):
    """An organisation taking part in the plan, and how."""

    organisation = IdField(queryset=Organisation.objects.filter(is_active=True))
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    role = serializers.ChoiceField(
        choices=ParticipantRole.choices,
        help_text="contributor or consulted; the lead organisation is always `lead`.",
    )

    class Meta:
        model = Participant
        fields = ["organisation", "organisation_name", "role"]


ContributorReviewSerializer = decision_state_serializer("ContributorReview", REVIEW)
PlanApproveSerializer = round_serializer("PlanApprove", REVIEW)
PlanReviewSerializer = decision_request_serializer(
    "PlanReview",
    REVIEW,
    comment_help="Required to request changes.",
    organisation_help="The contributor you review for; needed only if you approve for several.",
)


class MilitaryOnNonMilitaryTaskSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    title = serializers.CharField()
    justification = serializers.CharField()


class CivilMilitaryBalanceSerializer(serializers.Serializer):
    """As civilian as possible: activities per actor type, and each military actor doing
    non-military work with the written reason why."""

    per_actor_type = serializers.DictField(child=serializers.IntegerField())
    military_on_non_military_tasks = MilitaryOnNonMilitaryTaskSerializer(many=True)


class PlanSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """An integrated plan: who takes part, where it stands in review, how civilian it is and
    which civilian stakeholders were never consulted."""

    strategy = VisibleObjectField(
        visible=_visible_strategies,
        queryset=Strategy.objects.all(),
        required=False,
        allow_null=True,
        help_text="The strategy it serves; optional while a crisis is being assessed.",
    )
    lead_organisation = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="An organisation where you are a planner. Chosen once, when created.",
    )
    participants = ParticipantSerializer(
        many=True,
        required=False,
        help_text=(
            'Written as [{"organisation": id, "role": "contributor"|"consulted"}]; '
            "the lead organisation is always a participant with the role `lead`."
        ),
    )
    posts = IdField(
        many=True,
        required=False,
        queryset=Post.objects.select_related("host_organisation"),
        help_text=(
            "Ids of the posts (`/api/v1/posts/`) that serve this plan; each post's host "
            "organisation must take part in the plan. Changing them is not an amendment."
        ),
    )
    reviews = serializers.SerializerMethodField()
    civil_military_balance = serializers.SerializerMethodField()
    consultation_gaps = serializers.SerializerMethodField()
    version = VersionField()
    create_only_fields = ("lead_organisation",)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "strategy",
            "theatre",
            "summary",
            "phase",
            "status",
            "lead_organisation",
            "participants",
            "posts",
            "start_date",
            "end_date",
            "submission",
            "version",
            "created",
            "updated",
            "reviews",
            "civil_military_balance",
            "consultation_gaps",
        ]
        read_only_fields = ["id", "status", "submission", "created", "updated"]

    def validate_participants(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # In a PATCH, DRF treats the nested fields as optional too: insist on both here.
        if any("organisation" not in row or "role" not in row for row in value):
            raise serializers.ValidationError(
                _("Each participant names its organisation and role.")
            )
        organisations = [row["organisation"].pk for row in value]
        if len(organisations) != len(set(organisations)):
            raise serializers.ValidationError(_("Each organisation takes part only once."))
        return value

    @extend_schema_field(ContributorReviewSerializer(many=True))
    def get_reviews(self, plan: Plan) -> Any:
        return [row.as_dict() for row in selectors.review_panel(plan)]

    @extend_schema_field(CivilMilitaryBalanceSerializer)
    def get_civil_military_balance(self, plan: Plan) -> dict[str, Any]:
        return selectors.civil_military_balance(plan).as_dict()

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=selectors.CIVILIAN_STAKEHOLDER_KINDS),
            help_text="Civilian stakeholder kinds this plan never consulted.",
        )
    )
    def get_consultation_gaps(self, plan: Plan) -> list[str]:
        return [str(kind) for kind in selectors.consultation_gaps(plan)]


class PlanListSerializer(ModelSerializer):
    """A plan as the list shows it: flat, with the review of its current submission counted
    (contributors, approvals, requests for changes). Participants, posts, each review, the
    civil/military balance and the consultation gaps are on the plan itself
    (`/api/v1/plans/{id}/`)."""

    strategy = serializers.IntegerField(
        source="strategy_id",
        allow_null=True,
        help_text="Null also when the strategy is not shared with you.",
    )
    lead_organisation_name = serializers.CharField(source="lead_organisation.name")
    contributor_count = serializers.IntegerField(help_text="Contributors, who review the plan.")
    approved_count = serializers.IntegerField(
        help_text="Contributors who approved the current submission."
    )
    changes_requested_count = serializers.IntegerField(
        help_text="Contributors who asked for changes to the current submission."
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "strategy",
            "theatre",
            "phase",
            "status",
            "lead_organisation",
            "lead_organisation_name",
            "start_date",
            "end_date",
            "submission",
            "version",
            "created",
            "updated",
            "contributor_count",
            "approved_count",
            "changes_requested_count",
        ]
        read_only_fields = fields


# --- lines of effort, activities, milestones, consultations ------------------------------------


class LineOfEffortSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A strand of the plan in one domain, led by one participant."""

    plan = VisibleObjectField(
        visible=_visible_plans, queryset=Plan.objects.all(), help_text=FIXED_PLAN
    )
    goals = VisibleObjectField(
        many=True,
        visible=_visible_goals,
        queryset=Goal.objects.all(),
        required=False,
        help_text="Ids of goals of the plan's strategy that this line of effort serves.",
    )
    version = VersionField()
    create_only_fields = ("plan",)

    class Meta:
        model = LineOfEffort
        fields = ["id", "plan", "domain", "title", "lead_organisation", "goals", "order", "version"]
        extra_kwargs = {
            "lead_organisation": {"help_text": "A participant of the plan."},
            "order": {"required": False},
        }


class ActivitySerializer(ModelSerializer):
    """Work under a line of effort. Its responsible organisation's planners update `status`
    and `progress`; everything else is the plan's scope, changed by the lead's planners."""

    plan = serializers.IntegerField(source="line_of_effort.plan_id", read_only=True)
    line_of_effort = VisibleObjectField(
        visible=_visible_lines,
        queryset=LineOfEffort.objects.all(),
        help_text="A line of effort of the plan.",
    )
    version = VersionField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan",
            "line_of_effort",
            "title",
            "description",
            "responsible_organisation",
            "actor_type",
            "task_nature",
            "military_justification",
            "status",
            "progress",
            "start_date",
            "end_date",
            "place_name",
            "latitude",
            "longitude",
            "sector",
            "public",
            "version",
        ]
        extra_kwargs = {
            "responsible_organisation": {"help_text": "A participant of the plan."},
            "military_justification": {
                "help_text": (
                    "Required when a military actor does a non-military task: why can no "
                    "civilian actor do it?"
                )
            },
            "status": {"help_text": "A new activity is planned; updated once it exists."},
            "progress": {
                "min_value": 0,
                "max_value": 100,
                "help_text": "Percent done; 100 marks the activity done.",
            },
        }


class MilestoneSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    plan = VisibleObjectField(
        visible=_visible_plans, queryset=Plan.objects.all(), help_text=FIXED_PLAN
    )
    version = VersionField()
    create_only_fields = ("plan",)

    class Meta:
        model = Milestone
        fields = ["id", "plan", "title", "due_date", "achieved_on", "version"]


class ConsultationSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A conversation with a stakeholder that takes part in the plan."""

    plan = VisibleObjectField(
        visible=_visible_plans, queryset=Plan.objects.all(), help_text=FIXED_PLAN
    )
    stakeholder_kind = serializers.CharField(source="stakeholder.kind", read_only=True)
    version = VersionField()
    create_only_fields = ("plan",)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "plan",
            "stakeholder",
            "stakeholder_kind",
            "date",
            "summary",
            "follow_up",
            "version",
        ]
        extra_kwargs = {"stakeholder": {"help_text": "A participant of the plan."}}


# --- field reports ------------------------------------------------------------------------------


class AttachmentSerializer(ModelSerializer):
    """A photo or PDF of a field report, downloaded through the API by those who see the plan
    (never from a public media URL)."""

    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse(
            "api-field-report-attachment", args=[attachment.field_report_id, attachment.pk]
        )


class FieldReportSerializer(ModelSerializer):
    """A situation report from the field on a plan or one of its activities."""

    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = FieldReport
        fields = [
            "id",
            "plan",
            "activity",
            "author",
            "date",
            "place",
            "situation",
            "progress_update",
            "attachments",
            "created",
        ]
        read_only_fields = fields

    def get_author(self, report: FieldReport) -> str:
        return _person(report.author)


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "binary"}})
class UploadedFilesField(serializers.ListField):
    """Files sent as repeated multipart parts of one name."""

    child = serializers.FileField()


class FieldReportFilingSerializer(serializers.Serializer):
    """A new field report, sent as multipart with one `attachments` part per file."""

    plan = VisibleObjectField(visible=_visible_plans, queryset=Plan.objects.all())
    activity = VisibleObjectField(
        visible=_visible_activities,
        queryset=Activity.objects.all(),
        required=False,
        allow_null=True,
        help_text="An activity of the plan the report is about.",
    )
    date = serializers.DateField(help_text="The day it describes; not in the future.")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    situation = serializers.CharField()
    progress_update = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text="The activity's progress now, in percent.",
    )
    activity_version = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=(
            "The activity's `version` the progress update was based on: if the activity "
            "changed since, nothing is filed and the answer is 409 with the activity now."
        ),
    )
    attachments = UploadedFilesField(
        required=False,
        default=list,
        help_text="Photos (JPEG, PNG, WebP, GIF) or PDFs, judged by their content.",
    )
