"""Communication items of a plan, their clearance, and local perception readings.

A communication item is *published* once its spokesperson organisation sent it out
(`status == published`); it is *public* when its planners marked it for the public account
(`public`). The public pages show only items that are both, of plans their lead published.

A perception reading is an `strategy.IndicatorReading` of an indicator of the plan's
strategy (recorded through `strategy.services.reading_record`, so a fall past the threshold
warns like any early-warning indicator) with the survey's extra facts kept here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Organisation
from missions.models import Activity, Plan
from strategy.models import IndicatorReading


class Audience(models.TextChoices):
    LOCAL_POPULATION = "local_population", _("Local population")
    HOME_PUBLIC = "home_public", _("Home public")
    PARLIAMENT = "parliament", _("Parliament")
    PARTNERS = "partners", _("Partners")
    MEDIA = "media", _("Media")


class Channel(models.TextChoices):
    RADIO = "radio", _("Radio")
    COMMUNITY_MEETING = "community_meeting", _("Community meeting")
    PRESS_RELEASE = "press_release", _("Press release")
    SOCIAL_MEDIA = "social_media", _("Social media")
    BRIEFING = "briefing", _("Briefing")
    WEBSITE = "website", _("Website")


class CommunicationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLEARED = "cleared", _("Cleared")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class CommunicationItem(models.Model):
    """A message planned with the plan: to whom, through which channel, said by whom.

    Each named participant (other than the spokesperson) clears the current `clearance`
    round before the spokesperson's planners may publish; a change to what the message says
    after a clearance opens a new round."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="communication_items")
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communication_items",
        help_text=_("The activity of this plan the message is about, if any."),
    )
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    key_message = models.TextField()
    languages = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The languages it goes out in, e.g. Arabic, French."),
    )
    planned_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=CommunicationStatus.choices, default=CommunicationStatus.PLANNED
    )
    spokesperson = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The participant that speaks: its planners publish the message."),
    )
    named_participants = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        help_text=_("Participants whose work the message names: their approvers clear it."),
    )
    public = models.BooleanField(
        default=False, help_text=_("Shown on the plan's public page once published.")
    )
    clearance = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("The clearance round decisions are pinned to; a new message opens a new one."),
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_date", "id"]
        permissions = [
            ("clear_communicationitem", "Can clear a message naming their organisation's work"),
            ("publish_communicationitem", "Can publish the message for the spokesperson"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CommunicationStatus.PUBLISHED, published_at__isnull=False)
                | (~Q(status=CommunicationStatus.PUBLISHED) & Q(published_at__isnull=True)),
                name="communication_published_has_date",
                violation_error_message=_("A published message records when it was published."),
            )
        ]
        indexes = [
            models.Index(fields=["plan", "planned_date"]),
            models.Index(fields=["status", "public"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach-item", args=[self.pk])

    @property
    def is_published_publicly(self) -> bool:
        return self.status == CommunicationStatus.PUBLISHED and self.public


class ClearanceDecision(models.TextChoices):
    CLEAR = "clear", _("Cleared")
    REFUSE = "refuse", _("Refused")


class CommunicationClearance(DecisionRecord):
    """A named participant's decision on one clearance round of a message."""

    item = models.ForeignKey(CommunicationItem, on_delete=models.CASCADE, related_name="clearances")
    clearance = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=ClearanceDecision.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "-clearance", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organisation", "clearance"],
                name="one_clearance_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_decision_display()} (round {self.clearance})"


class CommunicationItemGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CommunicationItem, on_delete=models.CASCADE)


class CommunicationItemUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CommunicationItem, on_delete=models.CASCADE)


class Measure(models.TextChoices):
    PERCENT = "percent", _("Percent")
    SCORE = "score", _("Score")


class PerceptionReading(models.Model):
    """A local perception survey or community feedback figure for an area on a date.

    The value, date and indicator ("trust in the police") live in `reading`, an ordinary
    indicator reading of the plan's strategy; this row adds where, how many asked, who asked."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="perception_readings")
    reading = models.OneToOneField(
        IndicatorReading, on_delete=models.CASCADE, related_name="perception"
    )
    area = models.CharField(max_length=120, help_text=_("District, town or community surveyed."))
    measure = models.CharField(max_length=10, choices=Measure.choices, default=Measure.PERCENT)
    sample_size = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("People asked; empty for community feedback.")
    )
    source = models.CharField(max_length=200, help_text=_("Who ran the survey or meeting."))
    public = models.BooleanField(
        default=False, help_text=_("Shown among the latest figures on the plan's public page.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-created", "-id"]
        indexes = [models.Index(fields=["plan", "public"])]

    def __str__(self) -> str:
        return f"{self.area}: {self.reading}"
