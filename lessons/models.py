"""Lessons learned, in NATO's form (Observation, Discussion, Conclusion, Recommendation),
moved through the lessons process and shared as far as their marking allows.

A lesson's marking is its classification (how sensitive it is) and its releasability (which
organisations may read it). Who may read it is kept in the grant index (`accounts.grants`),
recomputed from the marking by `lessons.permissions`; `all_members` lessons are read by
every person holding a membership today, without a grant row per organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Organisation
from missions.models import Domain, Plan


class LessonStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    OBSERVATION = "observation", _("Observation")
    REJECTED = "rejected", _("Rejected")
    ANALYSIS = "analysis", _("In analysis")
    LESSON_IDENTIFIED = "lesson_identified", _("Lesson identified")
    ACTION_IN_PROGRESS = "action_in_progress", _("Remedial action in progress")
    LESSON_LEARNED = "lesson_learned", _("Lesson learned")
    ARCHIVED = "archived", _("Archived")


class Classification(models.TextChoices):
    PUBLIC = "public", _("Public")
    UNCLASSIFIED = "unclassified", _("Unclassified")
    RESTRICTED = "restricted", _("Restricted")


SENSITIVITY = {
    Classification.PUBLIC: 0,
    Classification.UNCLASSIFIED: 1,
    Classification.RESTRICTED: 2,
}


class Releasability(models.TextChoices):
    ORIGINATOR = "originator", _("Originator only")
    PARTICIPANTS = "participants", _("Participants of the source plan")
    NAMED = "named", _("Named organisations")
    ALL_MEMBERS = "all_members", _("All member organisations")


class Lesson(models.Model):
    title = models.CharField(_("title"), max_length=200)
    observation = models.TextField(_("observation"), help_text=_("What happened."))
    discussion = models.TextField(
        _("discussion"), blank=True, help_text=_("Why it happened, and what it meant.")
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    source_plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source plan"),
    )
    source_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="lessons",
        verbose_name=_("source organisation"),
    )
    theatre = models.CharField(_("theatre"), max_length=120, blank=True)
    observed_on = models.DateField(_("observed on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LessonStatus.choices, default=LessonStatus.SUBMITTED
    )
    status_comment = models.TextField(
        _("status comment"),
        blank=True,
        help_text=_("Why the lesson last moved (a rejection's reason)."),
    )
    classification = models.CharField(
        _("classification"),
        max_length=12,
        choices=Classification.choices,
        default=Classification.UNCLASSIFIED,
    )
    releasability = models.CharField(
        _("releasability"),
        max_length=12,
        choices=Releasability.choices,
        default=Releasability.ORIGINATOR,
    )
    release_round = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("How many times a wider release was asked for; decisions count per round."),
    )
    release_requested = models.BooleanField(
        default=False, editable=False, help_text=_("A wider release waits for an approver.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Weighted: title (A) > conclusion and recommendation (B) > observation and discussion
    # (C). Kept by `lessons.search.search_vector_update` in each writing transaction, on
    # PostgreSQL only (the embedded SQLite default searches with `icontains`).
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-observed_on", "-id"]
        permissions = [
            ("move_lesson", "Can move the lesson through the lessons process"),
            ("request_release", "Can ask for a wider release, and narrow it"),
            ("release_lesson", "Can widen the lesson's release"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    classification=Classification.RESTRICTED,
                    releasability=Releasability.ALL_MEMBERS,
                ),
                name="restricted_lesson_never_to_all",
                violation_error_message=(
                    _("A restricted lesson cannot be released to all member organisations.")
                ),
            ),
            models.CheckConstraint(
                condition=~Q(releasability=Releasability.PARTICIPANTS, source_plan__isnull=True),
                name="participants_need_a_source_plan",
                violation_error_message=(
                    _("A lesson without a source plan has no participants to release it to.")
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["-observed_on", "-id"]),
            models.Index(fields=["status", "-observed_on"]),
            models.Index(fields=["releasability"]),
            models.Index(fields=["theatre"]),
            models.Index(fields=["source_organisation", "status"]),
            GinIndex(fields=["search_vector"], name="lesson_search_vector"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lesson-detail", args=[self.pk])


class LessonDomain(models.Model):
    """One of the plan domains a lesson is about (a row each, so lists filter with a join on
    SQLite and PostgreSQL alike)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="domain_rows")
    domain = models.CharField(max_length=20, choices=Domain.choices)

    class Meta:
        ordering = ["lesson", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "domain"], name="one_lesson_domain"),
        ]
        indexes = [models.Index(fields=["domain", "lesson"])]

    def __str__(self) -> str:
        return self.get_domain_display()


class Release(models.Model):
    """An organisation a `named` lesson is released to: who released it, and when."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="releases")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField()

    class Meta:
        ordering = ["lesson", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "organisation"], name="one_release"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} released to {self.organisation}"


class MarkingChange(models.Model):
    """Every change of a lesson's marking, wider or narrower, as it was applied: the record
    of who released what to whom."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="marking_changes")
    classification = models.CharField(max_length=12, choices=Classification.choices)
    releasability = models.CharField(max_length=12, choices=Releasability.choices)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    wider = models.BooleanField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["lesson", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.lesson}: {self.get_releasability_display()}"


class ReleaseRequest(models.Model):
    """A planner's or analyst's request to release a lesson wider, waiting for an approver
    of the source organisation (round `release_round` of the lesson)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for an approver")
        RELEASED = "released", _("Released")
        DECLINED = "declined", _("Declined")
        SUPERSEDED = "superseded", _("Replaced by a later request")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="release_requests")
    release_round = models.PositiveIntegerField()
    releasability = models.CharField(max_length=12, choices=Releasability.choices)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        ordering = ["lesson", "-release_round"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "release_round"], name="one_release_request_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson}: {self.get_releasability_display()} (round {self.release_round})"


class ReleaseDecisionChoice(models.TextChoices):
    RELEASE = "release", _("Release")
    DECLINE = "decline", _("Decline")


class ReleaseDecision(DecisionRecord):
    """The source organisation's decision on one release round of a lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="release_decisions")
    release_round = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=ReleaseDecisionChoice.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["lesson", "-release_round"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "organisation", "release_round"],
                name="one_release_decision_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_decision_display()} (round {self.release_round})"


class ActionStatus(models.TextChoices):
    TASKED = "tasked", _("Tasked")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.DECLINED)


class RemedialAction(models.Model):
    """What an action body (an organisation) is tasked to do so a lesson is learned."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="remedial_actions")
    action_body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.TASKED
    )
    evidence = models.TextField(blank=True, help_text=_("What was done, and how we know."))
    reason = models.TextField(blank=True, help_text=_("Why the action was declined."))
    tasked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["lesson", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DECLINED, reason=""),
                name="declined_action_has_reason",
                violation_error_message=_("Say why the action is declined."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.action_body}: {self.description[:60]}"


class LessonAttachment(models.Model):
    """A photo or PDF of a lesson (from its capture) or of a remedial action's evidence,
    checked by its content like a field report's (`missions.services.uploads`)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    remedial_action = models.ForeignKey(
        RemedialAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(upload_to="lessons/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lesson", "id"]

    def __str__(self) -> str:
        return self.original_name


class LessonSubscription(models.Model):
    """A person follows a domain or a theatre: a daily digest of the new lessons in it that
    they may read."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_subscriptions"
    )
    domain = models.CharField(max_length=20, choices=Domain.choices, blank=True)
    theatre = models.CharField(max_length=120, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "domain", "theatre"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(domain="") & ~Q(theatre="")) | (~Q(domain="") & Q(theatre="")),
                name="subscription_follows_one_thing",
                violation_error_message=_("Follow either a domain or a theatre."),
            ),
            models.UniqueConstraint(
                fields=["person", "domain", "theatre"], name="one_subscription_per_thing"
            ),
        ]

    def __str__(self) -> str:
        return self.get_domain_display() if self.domain else self.theatre


class LessonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lesson, on_delete=models.CASCADE)


class LessonUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lesson, on_delete=models.CASCADE)


class RemedialActionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(RemedialAction, on_delete=models.CASCADE)


class RemedialActionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(RemedialAction, on_delete=models.CASCADE)
