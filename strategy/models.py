from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Organisation


class Approach(models.TextChoices):
    PREVENTION = "prevention", _("Conflict prevention")
    CRISIS_RESPONSE = "crisis_response", _("Crisis response")
    STABILISATION = "stabilisation", _("Stabilisation")
    RECONSTRUCTION = "reconstruction", _("Reconstruction")


class PlanningProcess(models.TextChoices):
    """The parallel planning processes a strategy links (recommendation 10)."""

    UN_IMPP = "un_impp", _("UN integrated mission planning (IMPP)")
    NATO_CPA = "nato_cpa", _("NATO comprehensive planning")
    EU_INTEGRATED = "eu_integrated", _("EU integrated approach")
    WHOLE_OF_GOVERNMENT = "whole_of_government", _("National whole-of-government")


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("strategy status", "Draft")
    CONSULTATION = "consultation", pgettext_lazy("strategy status", "In consultation")
    AGREED = "agreed", pgettext_lazy("strategy status", "Agreed")
    SUPERSEDED = "superseded", pgettext_lazy("strategy status", "Superseded")
    ARCHIVED = "archived", pgettext_lazy("strategy status", "Archived")


class Strategy(models.Model):
    """A shared strategy. Partners endorse an *edition*; it is agreed when all have."""

    title = models.CharField(_("title"), max_length=200)
    theatre = models.CharField(_("theatre"), max_length=120, help_text=_("Country or region."))
    summary = models.TextField(_("summary"), blank=True)
    approach = models.CharField(_("approach"), max_length=20, choices=Approach.choices)
    processes = models.JSONField(
        _("processes"),
        default=list,
        blank=True,
        help_text=_("The parallel planning processes this strategy links."),
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_strategies",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        Organisation,
        through="StrategyPartner",
        related_name="strategies",
        verbose_name=_("partners"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    edition = models.PositiveIntegerField(_("edition"), default=1, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("predecessor"),
        help_text=_("The strategy this one supersedes once agreed."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
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


EDITION_REASONS = {
    "submitted": gettext_noop("Submitted to the partners"),
    "partners_changed": gettext_noop("Partners changed"),
    "driver_added": gettext_noop("Conflict driver added: %(title)s"),
    "driver_changed": gettext_noop("Conflict driver changed: %(title)s"),
    "driver_removed": gettext_noop("Conflict driver removed: %(title)s"),
    "goal_added": gettext_noop("Goal added: %(title)s"),
    "goal_changed": gettext_noop("Goal changed: %(title)s"),
    "goal_removed": gettext_noop("Goal removed: %(title)s"),
    "indicator_added": gettext_noop("Indicator added: %(title)s"),
    "indicator_changed": gettext_noop("Indicator changed: %(title)s"),
    "indicator_removed": gettext_noop("Indicator removed: %(title)s"),
}
"""Why an edition was started: stored in English (a record, like any other), shown in the
reader's language by `StrategyEdition.get_reason_display`."""


def edition_reason(key: str, title: str = "") -> str:
    """The reason to store for a new edition (`EDITION_REASONS`), within the field's length."""
    return (EDITION_REASONS[key] % {"title": title})[:200]


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

    def get_reason_display(self) -> str:
        """The reason in the reader's language, when it is one the services write."""
        for reason in EDITION_REASONS.values():
            prefix, placeholder, _rest = reason.partition("%(title)s")
            if not placeholder and self.reason == reason:
                return gettext(reason)
            if placeholder and self.reason.startswith(prefix):
                return gettext(reason) % {"title": self.reason[len(prefix) :]}
        return self.reason


class DriverKind(models.TextChoices):
    ROOT_CAUSE = "root_cause", _("Root cause")
    MITIGATING_FACTOR = "mitigating_factor", _("Mitigating factor")


class ConflictDriver(models.Model):
    """A root cause or mitigating factor of the conflict, from the shared assessment."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="drivers")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DriverKind.choices)
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("conflict driver")
        verbose_name_plural = _("conflict drivers")
        ordering = ["strategy", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    drivers = models.ManyToManyField(
        ConflictDriver, blank=True, related_name="goals", verbose_name=_("drivers")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["strategy", "order", "id"]

    def __str__(self) -> str:
        return self.title


class WarningDirection(models.TextChoices):
    ABOVE = "above", _("Warn when above")
    BELOW = "below", _("Warn when below")


class Indicator(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    warning_threshold = models.DecimalField(
        _("warning threshold"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Early warning."),
    )
    warning_direction = models.CharField(
        _("warning direction"), max_length=5, choices=WarningDirection.choices, blank=True
    )
    in_warning = models.BooleanField(
        _("in warning"),
        default=False,
        editable=False,
        help_text=_("Whether the latest reading is past the threshold."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["goal", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warning_threshold__isnull=True, warning_direction="")
                | (Q(warning_threshold__isnull=False) & ~Q(warning_direction="")),
                name="warning_threshold_has_direction",
                violation_error_message=_(
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
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        ordering = ["indicator", "date", "id"]
        indexes = [models.Index(fields=["indicator", "date"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} on {self.date}"


class Decision(models.TextChoices):
    ENDORSE = "endorse", pgettext_lazy("endorsement", "Endorsed")
    REJECT = "reject", pgettext_lazy("endorsement", "Rejected")


class Endorsement(DecisionRecord):
    """A partner organisation's decision on one edition. Earlier editions stay on record."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="endorsements")
    edition = models.PositiveIntegerField()
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["strategy", "-edition", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "organisation", "edition"], name="one_decision_per_edition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_decision_display().lower()} edition {self.edition}"


class GlossaryStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("glossary term status", "Proposed")
    APPROVED = "approved", pgettext_lazy("glossary term status", "Approved")
    DECLINED = "declined", pgettext_lazy("glossary term status", "Declined")
    MERGED = "merged", pgettext_lazy("glossary term status", "Merged")


class GlossaryTerm(models.Model):
    """A shared term and what each parallel planning process calls it (recommendation 10)."""

    term = models.CharField(_("term"), max_length=120, unique=True)
    definition = models.TextField(_("definition"))
    un_impp = models.CharField(_("UN integrated planning"), max_length=200, blank=True)
    nato_cpa = models.CharField(_("NATO planning"), max_length=200, blank=True)
    eu_integrated = models.CharField(_("EU integrated approach"), max_length=200, blank=True)
    whole_of_government = models.CharField(_("Whole of government"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GlossaryStatus.choices, default=GlossaryStatus.PROPOSED
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
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=GlossaryStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=GlossaryStatus.MERGED) & Q(merged_into__isnull=True)),
                name="glossary_merged_term_names_its_target",
                violation_error_message=_("A merged proposal names the term it was merged into."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("pk")),
                name="glossary_term_not_merged_into_itself",
                violation_error_message=_("A term cannot be merged into itself."),
            ),
            models.CheckConstraint(
                condition=~Q(status=GlossaryStatus.DECLINED) | ~Q(decline_reason=""),
                name="glossary_declined_term_says_why",
                violation_error_message=_("A declined proposal says why."),
            ),
        ]

    def __str__(self) -> str:
        return self.term


class StrategyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Strategy, on_delete=models.CASCADE)


class StrategyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Strategy, on_delete=models.CASCADE)
