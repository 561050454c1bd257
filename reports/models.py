from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    """A report job: requested by a user, built by Celery, downloaded by that user only."""

    kind = models.CharField(max_length=50)
    title = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What the report is about, named when it was asked for."),
    )
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="reports/", blank=True, max_length=300)
    error = models.CharField(max_length=500, blank=True, help_text=_("Shown to the requester."))
    attempt = models.PositiveIntegerField(
        default=0, help_text=_("Build attempts; only the newest may finish the report.")
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The requester's language when it was asked for; the report is written in it."),
    )
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("First downloaded by its requester; until then it waits."),
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created"], name="report_by_requester"),
            models.Index(fields=["finished_at"], name="report_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} #{self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("report-detail", args=[self.pk])

    @property
    def format(self) -> str:
        return str(self.params.get("format", "pdf"))

    @property
    def kind_label(self) -> str:
        from reports.registry import get_kind

        try:
            return str(get_kind(self.kind).label)
        except KeyError:
            return self.kind.replace("_", " ").capitalize()

    @property
    def display_title(self) -> str:
        return self.title or self.kind_label

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)
