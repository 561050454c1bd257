"""Posts kept across rotations, and secondments that move people between organisations.

A secondment's access to the host is an ordinary `accounts.Membership` (its `membership`),
created on approval with the secondment's role and dates: `accounts.authority` reads
membership dates in SQL, so the person sees the host's work from the first day to the last
with no task having run.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.decisions import DecisionRecord
from accounts.models import Membership, Organisation, Role


class Post(models.Model):
    """A position in a host organisation, kept while the people holding it rotate."""

    title = models.CharField(max_length=200)
    host_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="posts"
    )
    description = models.TextField(blank=True)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reporting_posts",
        help_text=_("The post this one reports to, if any."),
    )
    is_commander_post = models.BooleanField(
        default=False, help_text=_("A military commander's post (embedded advisors serve one).")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["host_organisation__name", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["host_organisation", "title"], name="one_post_title_per_host"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.host_organisation})"


class SecondmentKind(models.TextChoices):
    SECONDMENT = "secondment", _("Secondment")
    EMBEDDED_ADVISOR = "embedded_advisor", _("Embedded advisor")
    LIAISON = "liaison", _("Liaison")


class SecondmentStatus(models.TextChoices):
    """What is stored is the request's fate; `active` and `completed` are read from the
    dates of an approved secondment (`Secondment.status_on`), so they hold on the day
    whatever a periodic task has done."""

    REQUESTED = "requested", pgettext_lazy("secondment", "Requested")
    APPROVED = "approved", pgettext_lazy("secondment", "Approved")
    DECLINED = "declined", pgettext_lazy("secondment", "Declined")
    ACTIVE = "active", pgettext_lazy("secondment", "Active")
    COMPLETED = "completed", pgettext_lazy("secondment", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("secondment", "Cancelled")


STORED_STATUSES = [
    SecondmentStatus.REQUESTED,
    SecondmentStatus.APPROVED,
    SecondmentStatus.DECLINED,
    SecondmentStatus.CANCELLED,
]


class Secondment(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secondments"
    )
    home_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="secondments_out",
        help_text=_("Where the person is a member on the start day."),
    )
    host_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="secondments_in"
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="secondments"
    )
    kind = models.CharField(
        max_length=20, choices=SecondmentKind.choices, default=SecondmentKind.SECONDMENT
    )
    role = models.CharField(
        max_length=20, choices=Role.choices, help_text=_("The person's role in the host.")
    )
    start_date = models.DateField()
    end_date = models.DateField(help_text=_("The last day included."))
    purpose = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=SecondmentStatus.choices, default=SecondmentStatus.REQUESTED
    )
    request = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_(
            "The request round decisions are pinned to: a change of dates, role, post or host "
            "(or an extension) starts a new one, which both organisations decide again."
        ),
    )
    proposed_end_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("An extension both organisations are deciding on; null when none is."),
    )
    membership = models.OneToOneField(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="secondment",
        help_text=_("The host membership approval created: the access, for exactly the dates."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        permissions = [
            ("decide_secondment", _("Can approve or decline the secondment for an organisation")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="secondment_dates_ordered",
                violation_error_message=_("A secondment cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(home_organisation=models.F("host_organisation")),
                name="secondment_between_two_organisations",
                violation_error_message=_("The host must be another organisation than the home."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=STORED_STATUSES),
                name="secondment_stored_status",
                violation_error_message=_("Active and completed follow the dates; never stored."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_end_date__isnull=True)
                | Q(proposed_end_date__gt=models.F("end_date")),
                name="secondment_extension_later",
                violation_error_message=_("An extension ends after the current end date."),
            ),
        ]
        indexes = [
            models.Index(fields=["-start_date", "-id"], name="secondment_latest_first"),
            models.Index(fields=["status", "start_date", "end_date"]),
            models.Index(fields=["person", "start_date"]),
        ]

    def __str__(self) -> str:
        return gettext("%(person)s to %(host)s (%(start)s to %(end)s)") % {
            "person": self.person,
            "host": self.host_organisation,
            "start": self.start_date,
            "end": self.end_date,
        }

    def get_absolute_url(self) -> str:
        return reverse("secondment-detail", args=[self.pk])

    def status_on(self, day: datetime.date | None = None) -> str:
        """The status as shown on `day` (today): an approved secondment is active from its
        first day to its last and completed after."""
        if self.status != SecondmentStatus.APPROVED:
            return self.status
        day = day or timezone.localdate()
        if day < self.start_date:
            return SecondmentStatus.APPROVED
        if day <= self.end_date:
            return SecondmentStatus.ACTIVE
        return SecondmentStatus.COMPLETED

    @property
    def shown_status(self) -> str:
        return self.status_on()

    @property
    def shown_status_label(self) -> str:
        return str(SecondmentStatus(self.shown_status).label)

    @property
    def is_open_to_decisions(self) -> bool:
        return self.status == SecondmentStatus.REQUESTED or self.proposed_end_date is not None


class SecondmentDecisionChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DECLINE = "decline", _("Decline")


class SecondmentDecision(DecisionRecord):
    """One organisation's (home or host) decision on one request round of a secondment."""

    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="decisions")
    request = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=SecondmentDecisionChoice.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["secondment", "-request", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["secondment", "organisation", "request"],
                name="one_secondment_decision_per_round",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(organisation)s: %(decision)s (request %(request)s)") % {
            "organisation": self.organisation,
            "decision": self.get_decision_display(),
            "request": self.request,
        }


class SecondmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Secondment, on_delete=models.CASCADE)


class SecondmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Secondment, on_delete=models.CASCADE)


class Training(models.Model):
    """A joint training event an organisation organises for people of several organisations."""

    title = models.CharField(max_length=200)
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="trainings")
    start_date = models.DateField()
    end_date = models.DateField()
    place = models.CharField(max_length=200, blank=True, help_text=_("Where, unless online."))
    online = models.BooleanField(default=False)
    topics = models.CharField(
        max_length=300, blank=True, help_text=_("Comma-separated; glossary terms are welcome.")
    )
    capacity = models.PositiveIntegerField(help_text=_("Places; further registrations wait."))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "id"]
        permissions = [("record_attendance", _("Can record who attended the training"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="training_dates_ordered",
                violation_error_message=_("A training cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="training_has_a_place",
                violation_error_message=_("A training has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(place=""),
                name="training_online_or_somewhere",
                violation_error_message=_("Say where the training is, or that it is online."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")
    WITHDRAWN = "withdrawn", _("Withdrawn")


HOLDING_A_PLACE = [RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED]


class TrainingRegistration(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_registrations"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The organisation the person takes part for."),
    )
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["training", "registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "person"], name="one_registration_per_person"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(person)s at %(training)s: %(status)s") % {
            "person": self.person,
            "training": self.training,
            "status": self.get_status_display(),
        }


class TrainingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Training, on_delete=models.CASCADE)


class TrainingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Training, on_delete=models.CASCADE)
