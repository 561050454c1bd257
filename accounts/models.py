from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords


class EmailPreference(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one e-mail per notification")
    DAILY_DIGEST = "daily_digest", _("Once a day, a digest of what is unread")
    NONE = "none", _("No e-mail: I read them in Joined Forces")


class User(AbstractUser):
    """A person using Joined Forces; what they may do comes from their memberships."""

    email_preference = models.CharField(
        max_length=20, choices=EmailPreference.choices, default=EmailPreference.IMMEDIATE
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Pages, e-mails and reports in this language; empty: the browser's."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Times shown in this zone; empty: the site's (UTC)."),
    )

    class Meta:
        ordering = ["username"]


class OrganisationKind(models.TextChoices):
    FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign affairs ministry")
    DEFENCE = "defence", _("Defence ministry")
    DEVELOPMENT = "development", _("Development ministry")
    POLICE = "police", _("Police")
    JUSTICE = "justice", _("Justice ministry")
    OTHER_MINISTRY = "other_ministry", _("Other ministry")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    PLANNER = "planner", _("Planner")
    APPROVER = "approver", _("Approver")
    FIELD_ADVISOR = "field_advisor", _("Field advisor")
    ANALYST = "analyst", _("Analyst")
    ORG_ADMIN = "org_admin", _("Organisation administrator")


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    acronym = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    country = models.CharField(
        max_length=100, blank=True, help_text=_("Country, or blank for an international body.")
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        permissions = [("view_organisation_members", _("Can see the organisation's member list"))]

    def __str__(self) -> str:
        return self.acronym or self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation-detail", args=[self.pk])


class OrganisationGroup(models.Model):
    """The Django group holding the members of one organisation in one role.

    Object grants go to these groups, never to single users, so a person joining or leaving
    (a new membership, a secondment's first or last day) needs no regranting.
    """

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="organisation_role")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_groups"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="one_group_per_org_role")
        ]

    def __str__(self) -> str:
        return self.group.name


class MembershipQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> MembershipQuerySet:
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class Membership(models.Model):
    """A user's role in an organisation for a period; `valid_until` is the last day included."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    managed_by = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("What keeps it (a secondment), which alone changes it."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="membership_dates_ordered",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be e-mailed")
    SENDING = "sending", _("Being e-mailed")
    SENT = "sent", _("E-mailed")
    IN_DIGEST = "in_digest", _("Waiting for the daily digest")
    FAILED = "failed", _("E-mail failed")
    NOT_EMAILED = "not_emailed", _("Not e-mailed")


class Notification(models.Model):
    """Something that needs a person's attention, raised through `accounts.notifications.notify`."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=50)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    event_key = models.CharField(
        max_length=200, help_text=_("Identifies the event; the same event never notifies twice.")
    )
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="one_notification_per_event_and_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationDigest(models.Model):
    """One row per user and day claims that day's digest, so it is sent at most once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notification_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"


class AuditCategory(models.TextChoices):
    DENIAL = "denial", _("Denied access")
    DECISION = "decision", _("Decision")


class AuditOutcome(models.TextChoices):
    """How a denial ended; a decision's outcome is the decision itself (`endorse`, ...)."""

    NOT_FOUND = "not_found", _("Not found (404)")
    FORBIDDEN = "forbidden", _("Forbidden (403)")
    STALE = "stale", _("Stale (409)")
    LOCKED_OUT = "locked_out", _("Locked out (429)")
    THROTTLED = "throttled", _("Too many requests (429)")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")


class AuditEvent(models.Model):
    """One denied access or one decision, written by `accounts.audit`; never changed.

    Append-only: `save` refuses to change a stored row, `delete` refuses, the admin offers
    neither, and on PostgreSQL a trigger refuses UPDATE and DELETE. A record outlives what
    it names, so the references to users, organisations and content types are plain ids
    (no database constraint, nothing cascades into this table) beside a copy of the
    username and the object's text.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    category = models.CharField(max_length=10, choices=AuditCategory.choices)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text=_("As typed at sign-in, or the user's name then.")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text=_("The organisation the person acted (or tried to act) for."),
    )
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, help_text=_("What was attempted or decided."))
    outcome = models.CharField(max_length=50)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["category", "user", "at"], name="audit_by_person"),
            models.Index(fields=["organisation", "at"], name="audit_by_organisation"),
        ]

    def __str__(self) -> str:
        who = self.username or "anonymous"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.action}: {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied(_("Audit records are never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied(_("Audit records are never deleted."))


class IdempotentRequest(models.Model):
    """A request sent with an `Idempotency-Key` and the response it got, so a device that
    never heard the answer can send it again and get the same answer, never a second record
    (`accounts.idempotency`). One per person and key: the database's unique constraint, not
    a check before inserting, decides which of two simultaneous sends does the work."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(
        max_length=64,
        help_text=_("SHA-256 of the method, path and body the key was first sent with."),
    )
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    headers = models.JSONField(default=dict, help_text=_("The response's ETag and Location."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_request_per_key")]
        indexes = [models.Index(fields=["created"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.key}"
