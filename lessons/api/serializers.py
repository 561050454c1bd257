"""Lessons API serializers: the shape of input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.drf import VersionField, VisibleObjectField, decision_state_serializer
from accounts.inputs import IdField, ModelSerializer
from accounts.models import Organisation
from lessons import selectors
from lessons.models import (
    ActionStatus,
    Lesson,
    LessonAttachment,
    LessonStatus,
    LessonSubscription,
    Releasability,
    RemedialAction,
)
from lessons.permissions import RELEASE_DECISION
from missions.api.serializers import UploadedFilesField
from missions.models import Domain, Plan
from missions.selectors import visible_plans

ReleaseDecisionStateSerializer = decision_state_serializer(
    "ReleaseDecisionStateSerializer", RELEASE_DECISION
)


def _person(user: Any) -> str:
    return user.get_full_name() or user.username


class LessonAttachmentSerializer(ModelSerializer):
    """A photo or PDF of the lesson or of an action's evidence, downloaded through the API."""

    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = LessonAttachment
        fields = ["id", "name", "content_type", "size", "remedial_action", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: LessonAttachment) -> str:
        return reverse("api-lesson-attachment", args=[attachment.lesson_id, attachment.pk])


class ReleaseRequestSerializer(serializers.Serializer):
    """The wider release waiting for an approver's decision."""

    release_round = serializers.IntegerField()
    releasability = serializers.ChoiceField(choices=Releasability.choices)
    organisations = serializers.SerializerMethodField()
    reason = serializers.CharField()
    requested_by = serializers.SerializerMethodField()
    requested_at = serializers.DateTimeField()

    def get_organisations(self, request: Any) -> list[int]:
        return sorted(o.pk for o in request.organisations.all())

    def get_requested_by(self, request: Any) -> str:
        return _person(request.requested_by)


class LessonSerializer(ModelSerializer):
    """A lesson in ODCR form (Observation, Discussion, Conclusion, Recommendation) with its
    marking. `released_to` lists the organisations a `named` lesson is released to; the
    marking is set through `release/`, the status through `transition/`."""

    source_plan = VisibleObjectField(
        visible=visible_plans,
        queryset=Plan.objects.all(),
        required=False,
        allow_null=True,
        help_text="The plan it was observed in (one you take part in), if any.",
    )
    source_organisation = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text="The organisation recording it; needed only when you belong to several.",
    )
    domains = serializers.ListField(
        child=serializers.ChoiceField(choices=Domain.choices), required=False, default=list
    )
    author = serializers.SerializerMethodField()
    released_to = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()
    version = VersionField()

    class Meta:
        model = Lesson
        fields = [
            "id",
            "title",
            "observation",
            "discussion",
            "conclusion",
            "recommendation",
            "source_plan",
            "source_organisation",
            "domains",
            "theatre",
            "observed_on",
            "author",
            "status",
            "status_comment",
            "classification",
            "releasability",
            "released_to",
            "release_round",
            "release_requested",
            "version",
            "snippet",
            "created",
            "updated",
        ]
        read_only_fields = [
            "id",
            "status",
            "status_comment",
            "releasability",
            "release_round",
            "release_requested",
            "created",
            "updated",
        ]

    def to_representation(self, lesson: Lesson) -> dict[str, Any]:
        data = super().to_representation(lesson)
        data["domains"] = [row.domain for row in lesson.domain_rows.all()]
        return data

    def get_author(self, lesson: Lesson) -> str:
        return _person(lesson.author)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_released_to(self, lesson: Lesson) -> list[int]:
        return sorted(release.organisation_id for release in lesson.releases.all())

    @extend_schema_field(
        serializers.CharField(
            help_text="With `?search=`: the matching passage, matches in <mark> (safe HTML)."
        )
    )
    def get_snippet(self, lesson: Lesson) -> str:
        return str(self.context.get("snippets", {}).get(lesson.pk, ""))


class LessonDetailSerializer(LessonSerializer):
    """A lesson with its attachments, the release waiting for a decision and the source
    organisation's decision on it."""

    attachments = serializers.SerializerMethodField()
    pending_release = serializers.SerializerMethodField()
    release_decision = serializers.SerializerMethodField()

    class Meta(LessonSerializer.Meta):
        fields = [
            *LessonSerializer.Meta.fields,
            "attachments",
            "pending_release",
            "release_decision",
        ]

    @extend_schema_field(LessonAttachmentSerializer(many=True))
    def get_attachments(self, lesson: Lesson) -> Any:
        return LessonAttachmentSerializer(lesson.attachments.all(), many=True).data

    @extend_schema_field(ReleaseRequestSerializer(allow_null=True))
    def get_pending_release(self, lesson: Lesson) -> Any:
        request = selectors.pending_release(lesson)
        return ReleaseRequestSerializer(request).data if request else None

    @extend_schema_field(ReleaseDecisionStateSerializer(many=True))
    def get_release_decision(self, lesson: Lesson) -> Any:
        return [row.as_dict() for row in selectors.release_panel(lesson)]


class LessonRecordSerializer(LessonSerializer):
    """A new lesson, as JSON or as multipart with one `attachments` part per photo or PDF."""

    attachments = UploadedFilesField(
        required=False,
        default=list,
        help_text="Photos (JPEG, PNG, WebP, GIF) or PDFs, judged by their content.",
    )

    class Meta(LessonSerializer.Meta):
        fields = [*LessonSerializer.Meta.fields, "attachments"]


class LessonTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=LessonStatus.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed to reject."
    )
    version = serializers.IntegerField(min_value=1, help_text="The `version` you read.")


class LessonReleaseSerializer(serializers.Serializer):
    releasability = serializers.ChoiceField(choices=Releasability.choices)
    organisations = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        many=True,
        required=False,
        default=list,
        help_text="For `named`: the organisations to release it to.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why, for the approver, when the release waits for one.",
    )
    version = serializers.IntegerField(min_value=1, help_text="The `version` you read.")


class LessonReleaseDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=RELEASE_DECISION.choices.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed when you decline."
    )
    organisation = IdField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    release_round = serializers.IntegerField(
        min_value=0,
        help_text="The release request you read (`release_round`); a later one answers 409.",
    )


class RemedialActionSerializer(ModelSerializer):
    """What an action body is tasked to do so a lesson is learned, and its report."""

    lesson = VisibleObjectField(
        visible=selectors.visible_lessons,
        queryset=Lesson.objects.all(),
        help_text="The lesson it remedies. Chosen once.",
    )
    action_body = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="The organisation tasked; it must be able to read the lesson. Chosen once.",
    )
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    attachments = serializers.SerializerMethodField()
    version = VersionField()

    class Meta:
        model = RemedialAction
        fields = [
            "id",
            "lesson",
            "action_body",
            "description",
            "due_on",
            "status",
            "evidence",
            "reason",
            "attachments",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "created", "updated"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.instance is not None:
            fields["lesson"].read_only = True
            fields["action_body"].read_only = True
        return fields

    @extend_schema_field(LessonAttachmentSerializer(many=True))
    def get_attachments(self, action: RemedialAction) -> Any:
        return LessonAttachmentSerializer(action.attachments.all(), many=True).data


class LessonSubscriptionSerializer(ModelSerializer):
    """A domain or a theatre you follow: a daily digest of its new lessons you may read."""

    class Meta:
        model = LessonSubscription
        fields = ["id", "domain", "theatre", "created"]
        read_only_fields = ["id", "created"]
