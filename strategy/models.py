from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Organisation


class Approach(models.TextChoices):
    PREVENTION = "prevention", "Conflict prevention"
    CRISIS_RESPONSE = "crisis_response", "Crisis response"
    STABILISATION = "stabilisation", "Stabilisation"
    RECONSTRUCTION = "reconstruction", "Reconstruction"


class PlanningProcess(models.TextChoices):
    """The parallel planning processes a strategy links (recommendation 10)."""

    UN_IMPP = "un_impp", "UN integrated mission planning (IMPP)"
    NATO_CPA = "nato_cpa", "NATO comprehensive planning"
    EU_INTEGRATED = "eu_integrated", "EU integrated approach"
    WHOLE_OF_GOVERNMENT = "whole_of_government", "National whole-of-government"


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "In consultation"
    AGREED = "agreed", "Agreed"
    SUPERSEDED = "superseded", "Superseded"
    ARCHIVED = "archived", "Archived"


class Strategy(models.Model):
    """A shared strategy. Partners endorse an *edition*; it is agreed when all have."""

    title = models.CharField(max_length=200)
    theatre = models.CharField(max_length=120, help_text="Country or region.")
    summary = models.TextField(blank=True)
    approach = models.CharField(max_length=20, choices=Approach.choices)
    processes = models.JSONField(
        default=list, blank=True, help_text="The parallel planning processes this strategy links."
    )
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_strategies"
    )
    partners = models.ManyToManyField(
        Organisation, through="StrategyPartner", related_name="strategies"
    )
    status = models.CharField(
        max_length=20, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    edition = models.PositiveIntegerField(default=1, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        help_text="The strategy this one supersedes once agreed.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name_plural = "strategies"
        permissions = [
            ("endorse_strategy", "Can endorse the strategy for their organisation"),
            ("record_reading", "Can record indicator readings on the strategy"),
        ]
        indexes = [
            models.Index(fields=["-updated", "-id"], name="strategy_recent_first"),
            models.Index(fields=["status", "-updated"]),
            models.Index(fields=["approach"]),
            models.Index(fields=["theatre"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (
            StrategyStatus.DRAFT,
            StrategyStatus.CONSULTATION,
            StrategyStatus.AGREED,
        )


class StrategyPartner(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["strategy", "organisation"], name="one_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.strategy}"


class StrategyEdition(models.Model):
    """When each edition was put to the partners, why, and when it was agreed."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["strategy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="one_row_per_edition")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} edition {self.number}"


class DriverKind(models.TextChoices):
    ROOT_CAUSE = "root_cause", "Root cause"
    MITIGATING_FACTOR = "mitigating_factor", "Mitigating factor"


class ConflictDriver(models.Model):
    """A root cause or mitigating factor of the conflict, from the shared assessment."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="drivers")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=DriverKind.choices)
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["strategy", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    drivers = models.ManyToManyField(ConflictDriver, blank=True, related_name="goals")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["strategy", "order", "id"]

    def __str__(self) -> str:
        return self.title


class WarningDirection(models.TextChoices):
    ABOVE = "above", "Warn when above"
    BELOW = "below", "Warn when below"


class Indicator(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True)
    baseline = models.DecimalField(max_digits=14, decimal_places=2)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    warning_threshold = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Early warning."
    )
    warning_direction = models.CharField(max_length=5, choices=WarningDirection.choices, blank=True)
    in_warning = models.BooleanField(
        default=False, editable=False, help_text="Whether the latest reading is past the threshold."
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["goal", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warning_threshold__isnull=True, warning_direction="")
                | (Q(warning_threshold__isnull=False) & ~Q(warning_direction="")),
                name="warning_threshold_has_direction",
                violation_error_message=(
                    "A warning threshold needs a direction, and a direction a threshold."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_past_threshold(self, value: object) -> bool:
        if self.warning_threshold is None:
            return False
        if self.warning_direction == WarningDirection.ABOVE:
            return value > self.warning_threshold  # type: ignore[operator]
        return value < self.warning_threshold  # type: ignore[operator]


class IndicatorReading(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "date", "id"]
        indexes = [models.Index(fields=["indicator", "date"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} on {self.date}"


class Decision(models.TextChoices):
    ENDORSE = "endorse", "Endorsed"
    REJECT = "reject", "Rejected"


class Endorsement(DecisionRecord):
    """A partner organisation's decision on one edition. Earlier editions stay on record."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="endorsements")
    edition = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "-edition", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "organisation", "edition"], name="one_decision_per_edition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_decision_display().lower()} edition {self.edition}"


class GlossaryStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    MERGED = "merged", "Merged"


class GlossaryTerm(models.Model):
    """A shared term and what each parallel planning process calls it (recommendation 10)."""

    term = models.CharField(max_length=120, unique=True)
    definition = models.TextField()
    un_impp = models.CharField("UN integrated planning", max_length=200, blank=True)
    nato_cpa = models.CharField("NATO planning", max_length=200, blank=True)
    eu_integrated = models.CharField("EU integrated approach", max_length=200, blank=True)
    whole_of_government = models.CharField("Whole of government", max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=GlossaryStatus.choices, default=GlossaryStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    # A curator's decision on a proposal (strategy.services.glossary): who, when, and for a
    # declined one why; a merged one names the approved term that took in its equivalents.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decline_reason = models.TextField(blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=GlossaryStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=GlossaryStatus.MERGED) & Q(merged_into__isnull=True)),
                name="glossary_merged_term_names_its_target",
                violation_error_message="A merged proposal names the term it was merged into.",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("pk")),
                name="glossary_term_not_merged_into_itself",
                violation_error_message="A term cannot be merged into itself.",
            ),
            models.CheckConstraint(
                condition=~Q(status=GlossaryStatus.DECLINED) | ~Q(decline_reason=""),
                name="glossary_declined_term_says_why",
                violation_error_message="A declined proposal says why.",
            ),
        ]

    def __str__(self) -> str:
        return self.term


class StrategyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Strategy, on_delete=models.CASCADE)


class StrategyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Strategy, on_delete=models.CASCADE)
