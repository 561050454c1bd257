"""Flexible funding (recommendation 3): instruments, allocations to plan activities, and
disbursement requests whose lead times are measured.

Money is a `Decimal` amount with its ISO 4217 currency on every row that holds an amount;
an allocation and its requests carry their instrument's currency (set by the services, which
never let it differ), so sums group by currency and never mix two.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Organisation
from funding.currencies import iso_4217

CURRENCY_FORMAT = Q(currency__regex=r"^[A-Z]{3}$")


class InstrumentKind(models.TextChoices):
    POOLED_FUND = "pooled_fund", _("Pooled fund")
    BILATERAL = "bilateral", _("Bilateral")
    TRUST_FUND = "trust_fund", _("Trust fund")
    RAPID_RESPONSE = "rapid_response", _("Rapid response")


class FundingInstrument(models.Model):
    """A source of money an organisation manages, with the time it aims to disburse in."""

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="funding_instruments"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=InstrumentKind.choices)
    currency = models.CharField(
        max_length=3, validators=[iso_4217], help_text=_("ISO 4217 code, e.g. EUR.")
    )
    target_days_to_disburse = models.PositiveIntegerField(
        help_text=_("Days from a request to the money arriving that the instrument aims for.")
    )
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("allocate_fundinginstrument", "Can allocate the instrument's money")]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_instrument_name_per_owner"),
            models.CheckConstraint(
                condition=CURRENCY_FORMAT,
                name="instrument_currency_iso_4217",
                violation_error_message=_("The currency is a three-letter ISO 4217 code."),
            ),
            models.CheckConstraint(
                condition=Q(target_days_to_disburse__gte=1),
                name="instrument_target_at_least_a_day",
                violation_error_message=_("The target is at least one day."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding-instrument-detail", args=[self.pk])


class Allocation(models.Model):
    """Money of one instrument set aside for one plan activity."""

    instrument = models.ForeignKey(
        FundingInstrument, on_delete=models.PROTECT, related_name="allocations"
    )
    activity = models.ForeignKey(
        "missions.Activity", on_delete=models.PROTECT, related_name="funding_allocations"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(
        max_length=3, editable=False, help_text=_("The instrument's currency.")
    )
    allocated_on = models.DateField(default=timezone.localdate)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "activity"], name="one_allocation_per_instrument_activity"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")),
                name="allocation_amount_positive",
                violation_error_message=_("An allocation is more than zero."),
            ),
            models.CheckConstraint(
                condition=CURRENCY_FORMAT,
                name="allocation_currency_iso_4217",
                violation_error_message=_("The currency is a three-letter ISO 4217 code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument}: {self.amount} {self.currency} to {self.activity}"


class DisbursementStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("disbursement status", "Requested")
    APPROVED = "approved", pgettext_lazy("disbursement status", "Approved")
    DISBURSED = "disbursed", pgettext_lazy("disbursement status", "Disbursed")
    REJECTED = "rejected", pgettext_lazy("disbursement status", "Rejected")


class DisbursementRequest(models.Model):
    """A request to pay out (part of) an allocation: approved or rejected by the instrument
    owner's approvers, then recorded as disbursed. The days it took are stored when they
    are known, so times per instrument are plain aggregates."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="disbursement_requests"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(
        max_length=3, editable=False, help_text=_("The allocation's (the instrument's) currency.")
    )
    purpose = models.TextField(blank=True)
    requested_on = models.DateField(default=timezone.localdate)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DisbursementStatus.choices, default=DisbursementStatus.REQUESTED
    )
    round = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("The round decisions are pinned to: a change of amount starts a new one."),
    )
    approved_on = models.DateField(null=True, blank=True, editable=False)
    rejected_on = models.DateField(null=True, blank=True, editable=False)
    disbursed_on = models.DateField(null=True, blank=True, editable=False)
    days_to_approve = models.PositiveIntegerField(null=True, blank=True, editable=False)
    days_to_disburse = models.PositiveIntegerField(null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the alert that the request passed its instrument's target went out."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-id"]
        permissions = [
            ("decide_disbursementrequest", "Can approve or reject a disbursement request"),
            ("record_disbursement", "Can record that a disbursement was paid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")),
                name="disbursement_amount_positive",
                violation_error_message=_("A request is for more than zero."),
            ),
            models.CheckConstraint(
                condition=CURRENCY_FORMAT,
                name="disbursement_currency_iso_4217",
                violation_error_message=_("The currency is a three-letter ISO 4217 code."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=DisbursementStatus.REQUESTED, approved_on__isnull=True)
                    | Q(status=DisbursementStatus.APPROVED, approved_on__isnull=False)
                    | Q(
                        status=DisbursementStatus.DISBURSED,
                        approved_on__isnull=False,
                        disbursed_on__isnull=False,
                    )
                    | Q(status=DisbursementStatus.REJECTED, rejected_on__isnull=False)
                ),
                name="disbursement_dates_follow_status",
                violation_error_message=_("Each status carries the dates it was reached on."),
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | Q(approved_on__gte=models.F("requested_on")),
                name="disbursement_approved_after_request",
                violation_error_message=_("A request is approved on or after its request date."),
            ),
            models.CheckConstraint(
                condition=Q(disbursed_on__isnull=True)
                | Q(disbursed_on__gte=models.F("approved_on")),
                name="disbursement_paid_after_approval",
                violation_error_message=_("Money is disbursed on or after the approval."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_on"]),
            models.Index(fields=["-requested_on", "-id"], name="disbursement_latest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} from {self.allocation.instrument}"

    def get_absolute_url(self) -> str:
        return reverse("disbursement-detail", args=[self.pk])

    @property
    def is_open_to_decisions(self) -> bool:
        return self.status == DisbursementStatus.REQUESTED

    def overdue_on(self, day: datetime.date) -> bool:
        """Still open (requested or approved) past its instrument's target on `day`
        (the allocation and instrument loaded)."""
        target = self.allocation.instrument.target_days_to_disburse
        open_ = self.status in (DisbursementStatus.REQUESTED, DisbursementStatus.APPROVED)
        return open_ and (day - self.requested_on).days > target


class DisbursementDecisionChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class DisbursementDecision(DecisionRecord):
    """The instrument owner's decision on one round of a disbursement request."""

    request = models.ForeignKey(
        DisbursementRequest, on_delete=models.CASCADE, related_name="decisions"
    )
    round = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=DisbursementDecisionChoice.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "-round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation", "round"],
                name="one_disbursement_decision_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_decision_display()} (round {self.round})"


class FundingInstrumentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(FundingInstrument, on_delete=models.CASCADE)


class FundingInstrumentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(FundingInstrument, on_delete=models.CASCADE)


class AllocationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Allocation, on_delete=models.CASCADE)


class AllocationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Allocation, on_delete=models.CASCADE)


class DisbursementRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(DisbursementRequest, on_delete=models.CASCADE)


class DisbursementRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(DisbursementRequest, on_delete=models.CASCADE)
