from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Trim
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Organisation
from strategy.models import Goal, Strategy


class Phase(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    EXECUTION = "execution", _("Execution")
    TRANSITION = "transition", _("Transition")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    """An integrated plan: several organisations' work towards shared goals, reviewed by each
    contributor and approved by the political lead."""

    title = models.CharField(_("title"), max_length=200)
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("strategy"),
        help_text=_("Optional while a crisis is being assessed."),
    )
    theatre = models.CharField(_("theatre"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    phase = models.CharField(
        _("phase"), max_length=12, choices=Phase.choices, default=Phase.ASSESSMENT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_plans",
        verbose_name=_("lead organisation"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    submission = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("How many times it was put to review; reviews count per submission."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    review_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    posts = models.ManyToManyField(
        "secondments.Post",
        blank=True,
        related_name="plans",
        verbose_name=_("posts"),
        help_text=_("The posts that serve this plan; each post's host organisation takes part."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated", "-id"]
        permissions = [
            ("review_plan", "Can review the plan for their organisation"),
            ("approve_plan", "Can approve the plan for the lead organisation"),
            ("file_field_report", "Can file field reports on the plan"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="plan_dates_ordered",
                violation_error_message=_("A plan cannot end before it starts."),
            )
        ]
        indexes = [
            models.Index(fields=["-updated", "-id"], name="plan_recent_first"),
            models.Index(fields=["status", "-updated"]),
            models.Index(fields=["phase"]),
            models.Index(fields=["theatre"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan-detail", args=[self.pk])


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTRIBUTOR = "contributor", _("Contributor")
    CONSULTED = "consulted", _("Consulted")


class Participant(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=ParticipantRole.choices)

    class Meta:
        ordering = ["plan", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organisation"], name="one_participation"),
            # That the lead row is the plan's lead organisation would take a foreign key over
            # two columns, which Django cannot declare; `plan_create` writes the lead row and
            # the lead organisation of a plan never changes.
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(role=ParticipantRole.LEAD),
                name="one_lead_participant",
                violation_error_message=_("A plan has one lead: its lead organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role}) in {self.plan}"


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REQUEST_CHANGES = "request_changes", _("Changes requested")


class Review(DecisionRecord):
    """A contributor's decision on one submission of the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    submission = models.PositiveIntegerField()
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-submission", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation", "submission"], name="one_review_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_decision_display()} (submission {self.submission})"


class Domain(models.TextChoices):
    SECURITY = "security", _("Security")
    GOVERNANCE = "governance", _("Governance")
    DEVELOPMENT = "development", _("Development")
    RULE_OF_LAW = "rule_of_law", _("Rule of law")
    POLICING = "policing", _("Policing")
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    PUBLIC_DIPLOMACY = "public_diplomacy", _("Public diplomacy")


class LineOfEffort(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines_of_effort")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    title = models.CharField(_("title"), max_length=200)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead organisation"),
    )
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="lines_of_effort", verbose_name=_("goals")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        # By the plan's id, not through the plan to its own order (most recently updated): an
        # index serves this order without joining and sorting the plans.
        ordering = ["plan_id", "order", "id"]
        verbose_name = _("line of effort")
        verbose_name_plural = _("lines of effort")
        indexes = [models.Index(fields=["plan", "order", "id"], name="line_of_effort_in_order")]

    def __str__(self) -> str:
        return self.title


class ActorType(models.TextChoices):
    CIVILIAN = "civilian", _("Civilian")
    MILITARY = "military", _("Military")
    POLICE = "police", _("Police")
    NGO = "ngo", _("NGO")
    INTERNATIONAL = "international", _("International organisation")


class TaskNature(models.TextChoices):
    MILITARY = "military", _("Military task")
    NON_MILITARY = "non_military", _("Non-military task")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    CANCELLED = "cancelled", _("Cancelled")


JUSTIFICATION_NEEDED = _(
    "A military actor on a non-military task needs a written justification: "
    "why can no civilian actor do this?"
)


LATITUDE_RANGE = _("A latitude is between -90 and 90 degrees.")
LONGITUDE_RANGE = _("A longitude is between -180 and 180 degrees.")
COORDINATES_PAIRED = {
    "longitude": _("A place on the map needs both: give the longitude too, or neither."),
    "latitude": _("A place on the map needs both: give the latitude too, or neither."),
}


def latitude_check(value: Decimal) -> None:
    # Not MinValueValidator and MaxValueValidator: DRF would swap them for its own message.
    if not -90 <= value <= 90:
        raise ValidationError(LATITUDE_RANGE, code="latitude_range")


def longitude_check(value: Decimal) -> None:
    if not -180 <= value <= 180:
        raise ValidationError(LONGITUDE_RANGE, code="longitude_range")


DAC_SECTOR_CODE = RegexValidator(
    r"^[0-9]{5}\Z",
    _("A DAC purpose code has five digits, e.g. 15130 (legal and judicial development)."),
    code="dac_sector_code",
)


class Activity(models.Model):
    line_of_effort = models.ForeignKey(
        LineOfEffort, on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    actor_type = models.CharField(_("actor type"), max_length=14, choices=ActorType.choices)
    task_nature = models.CharField(_("task nature"), max_length=14, choices=TaskNature.choices)
    military_justification = models.TextField(
        _("military justification"),
        blank=True,
        help_text=_("Why a military actor does a non-military task (as civilian as possible)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place_name = models.CharField(_("place name"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[latitude_check],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[longitude_check],
    )
    sector = models.CharField(
        _("sector"),
        max_length=5,
        blank=True,
        validators=[DAC_SECTOR_CODE],
        help_text=_("The OECD DAC 5-digit purpose code, for development activities (IATI)."),
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Shown, with its progress, on the plan's public page once the plan is published."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        # The line's id, not its order through the plan: see LineOfEffort.
        ordering = ["line_of_effort_id", "start_date", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="activity_dates_ordered",
                violation_error_message=_("An activity cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="activity_progress_at_most_100",
                violation_error_message=_("Progress is a percentage, from 0 to 100."),
            ),
            # As civilian as possible: a military actor on a non-military task says why.
            models.CheckConstraint(
                condition=~Q(actor_type=ActorType.MILITARY, task_nature=TaskNature.NON_MILITARY)
                | ~Q(Exact(Trim("military_justification"), "")),
                name="activity_military_on_civilian_task_justified",
                violation_error_message=JUSTIFICATION_NEEDED,
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True),
                name="activity_latitude_on_the_globe",
                violation_error_message=LATITUDE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True),
                name="activity_longitude_on_the_globe",
                violation_error_message=LONGITUDE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="activity_coordinates_paired",
                violation_error_message=_("A place on the map needs both latitude and longitude."),
            ),
        ]
        indexes = [
            models.Index(fields=["line_of_effort", "start_date", "id"], name="activity_in_order"),
            models.Index(fields=["status", "end_date"]),
            models.Index(fields=["responsible_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_justification(self) -> bool:
        return self.actor_type == ActorType.MILITARY and self.task_nature == TaskNature.NON_MILITARY

    def clean(self) -> None:
        # The check constraint holds this rule in the database. Said here too, the refusal
        # lands on the field, where forms show it: a failed check constraint is reported for
        # the whole form, and Django skips it once the field it reads has an error.
        errors = {}
        if self.needs_justification and not self.military_justification.strip():
            errors["military_justification"] = JUSTIFICATION_NEEDED
        if self.latitude is not None and self.longitude is None:
            errors["longitude"] = COORDINATES_PAIRED["longitude"]
        if self.longitude is not None and self.latitude is None:
            errors["latitude"] = COORDINATES_PAIRED["latitude"]
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan_id", "due_date", "id"]  # see LineOfEffort
        indexes = [models.Index(fields=["plan", "due_date", "id"], name="milestone_in_order")]

    def __str__(self) -> str:
        return self.title


class Consultation(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    stakeholder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("stakeholder")
    )
    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan_id", "-date", "id"]  # see LineOfEffort
        indexes = [models.Index(fields=["plan", "-date", "id"], name="consultation_in_order")]

    def __str__(self) -> str:
        return f"{self.stakeholder} on {self.date}"


class FieldReport(models.Model):
    """A situation report from the field, on a plan or one of its activities."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="field_reports")
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="field_reports"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    situation = models.TextField(_("situation"))
    progress_update = models.PositiveSmallIntegerField(_("progress update"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "-date", "-id"]  # see LineOfEffort
        indexes = [models.Index(fields=["plan", "-date", "-id"], name="field_report_in_order")]

    def __str__(self) -> str:
        return f"Field report {self.date} on {self.plan}"


class Attachment(models.Model):
    field_report = models.ForeignKey(
        FieldReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="field-reports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class PlanGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Plan, on_delete=models.CASCADE)


class PlanUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Plan, on_delete=models.CASCADE)
