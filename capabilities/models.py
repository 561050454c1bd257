"""Capability offers, plan requirements and the pledges that match one to the other.

An organisation offers what it can bring (people, equipment, money, expertise, transport,
protection) for a period; a plan states what it needs for a period; a pledge puts part of an
offer against a requirement. Either side proposes a pledge and the other side's approvers
accept or decline it (`accounts.decisions`), on the pledge's current round: changing the
quantity starts a new round, and a decision on an earlier one is stale (409).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Organisation
from missions.models import Activity, Domain, LineOfEffort, Plan

QUANTITY_DIGITS = 12
QUANTITY_PLACES = 2


class CapabilityKind(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    EQUIPMENT = "equipment", _("Equipment")
    FUNDING = "funding", _("Funding")
    EXPERTISE = "expertise", _("Expertise")
    LOGISTICS = "logistics", _("Logistics")
    SECURITY = "security", _("Security")


class OfferVisibility(models.TextChoices):
    ORGANISATION = "organisation", _("The offering organisation only")
    NAMED = "named", _("Named organisations")
    ALL = "all", _("All members")


class CapabilityOffer(models.Model):
    """What an organisation can bring, how much, when, and on which conditions."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="capability_offers"
    )
    kind = models.CharField(max_length=12, choices=CapabilityKind.choices)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    description = models.TextField()
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit = models.CharField(
        max_length=40, help_text=_("What the quantity counts: teams, experts, trucks, EUR.")
    )
    available_from = models.DateField()
    available_until = models.DateField(help_text=_("The last day included."))
    constraints = models.TextField(
        blank=True, help_text=_('Caveats, e.g. "no deployment south of the river".')
    )
    visibility = models.CharField(
        max_length=12, choices=OfferVisibility.choices, default=OfferVisibility.ORGANISATION
    )
    shared_with = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        help_text=_("The organisations that see it, when its visibility is named organisations."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation_id", "available_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="capability_offer_quantity_positive",
                violation_error_message=_("An offer brings a quantity above zero."),
            ),
            models.CheckConstraint(
                condition=Q(available_until__gte=models.F("available_from")),
                name="capability_offer_dates_ordered",
                violation_error_message=_("An offer cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(unit=""),
                name="capability_offer_has_unit",
                violation_error_message=_("Say what the quantity counts (its unit)."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "available_from", "id"], name="offer_by_org"),
            models.Index(fields=["kind", "domain", "available_from"], name="offer_matching"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.quantity.normalize():f} {self.unit} ({self.kind})"

    def get_absolute_url(self) -> str:
        return reverse("capability-offer-edit", args=[self.pk])


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


PRIORITY_ORDER: dict[str, int] = {
    Priority.CRITICAL: 0,
    Priority.HIGH: 1,
    Priority.MEDIUM: 2,
    Priority.LOW: 3,
}


class Requirement(models.Model):
    """What a plan (or one of its lines of effort or activities) needs, how much and when.

    A need of zero is allowed: a requirement met another way is kept for the record, and
    every pledge still made to it shows as beyond need."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="requirements")
    line_of_effort = models.ForeignKey(
        LineOfEffort,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="requirements",
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="requirements"
    )
    kind = models.CharField(max_length=12, choices=CapabilityKind.choices)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    description = models.TextField()
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit = models.CharField(max_length=40)
    needed_from = models.DateField()
    needed_until = models.DateField(help_text=_("The last day included."))
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "needed_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="requirement_quantity_not_negative",
                violation_error_message=_("A need is zero or more."),
            ),
            models.CheckConstraint(
                condition=Q(needed_until__gte=models.F("needed_from")),
                name="requirement_dates_ordered",
                violation_error_message=_("A need cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(unit=""),
                name="requirement_has_unit",
                violation_error_message=_("Say what the quantity counts (its unit)."),
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "needed_from", "id"], name="requirement_in_order"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def window_days(self) -> int:
        return (self.needed_until - self.needed_from).days + 1


class PledgeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LIVE_PLEDGE = [PledgeStatus.PROPOSED, PledgeStatus.ACCEPTED]


class PledgeSide(models.TextChoices):
    OFFER = "offer", _("The offering organisation")
    REQUIREMENT = "requirement", _("The plan's lead organisation")


class Pledge(models.Model):
    """Part of an offer put against a requirement, for the days the offer is available in
    the requirement's window. Its unit is the requirement's, and the offer's: a pledge across
    units is refused."""

    offer = models.ForeignKey(CapabilityOffer, on_delete=models.PROTECT, related_name="pledges")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="pledges")
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit = models.CharField(max_length=40, editable=False)
    proposed_by = models.CharField(
        max_length=12, choices=PledgeSide.choices, help_text=_("The side that proposed it.")
    )
    status = models.CharField(
        max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.PROPOSED
    )
    round = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_(
            "The proposal decisions are pinned to: changing the quantity starts a new one."
        ),
    )
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement_id", "proposed_at", "id"]
        permissions = [("decide_pledge", "Can accept or decline the pledge for the other side")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="pledge_quantity_positive",
                violation_error_message=_("A pledge brings a quantity above zero."),
            ),
            models.UniqueConstraint(
                fields=["offer", "requirement"],
                condition=Q(status__in=LIVE_PLEDGE),
                name="one_live_pledge_per_offer_and_requirement",
                violation_error_message=_("This offer is already pledged to this requirement."),
            ),
        ]
        indexes = [
            models.Index(fields=["requirement", "status"], name="pledge_by_requirement"),
            models.Index(fields=["offer", "status"], name="pledge_by_offer"),
        ]

    def __str__(self) -> str:
        return str(
            _("%(amount)s from %(organisation)s")
            % {
                "amount": f"{self.quantity.normalize():f} {self.unit}",
                "organisation": self.offer.organisation,
            }
        )

    def get_absolute_url(self) -> str:
        return reverse("pledge-decide", args=[self.pk])


class PledgeDecisionChoice(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")


class PledgeDecision(DecisionRecord):
    """The other side's decision on one round of a pledge."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=PledgeDecisionChoice.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pledge", "-round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "organisation", "round"], name="one_pledge_decision_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_decision_display()} (round {self.round})"


class CapabilityOfferGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CapabilityOffer, on_delete=models.CASCADE)


class CapabilityOfferUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CapabilityOffer, on_delete=models.CASCADE)


class PledgeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Pledge, on_delete=models.CASCADE)


class PledgeUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Pledge, on_delete=models.CASCADE)
