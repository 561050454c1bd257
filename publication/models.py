"""A plan's publication: whether its lead published it, under which address, with which words.

The public pages read only this row's `public_summary` about the plan itself, never the plan's
own (internal) summary, and only what the partners marked public in it (`public.selectors`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Trim
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from missions.models import Plan


class PlanPublication(models.Model):
    """One per plan, made the first time its lead's approver publishes it and kept when they
    withdraw it (`published` false), so publishing again keeps its address and words."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication")
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text=_("The public page's address: /public/plans/<slug>/."),
    )
    public_title = models.CharField(
        max_length=200,
        help_text=_("The mission's name for the public (the plan's own title may be internal)."),
    )
    public_summary = models.TextField(
        help_text=_(
            "What the joined-up mission is, in words for the public: the only words "
            "about the plan itself its public page shows."
        ),
    )
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="publication_published_has_date",
                violation_error_message=_("A published plan records when it was published."),
            ),
            models.CheckConstraint(
                condition=~Q(Exact(Trim("public_summary"), "")),
                name="publication_has_public_summary",
                violation_error_message=(
                    _("Write the public summary: what the mission is, for the public.")
                ),
            ),
        ]
        indexes = [models.Index(fields=["published", "-published_at"], name="publication_recent")]

    def __str__(self) -> str:
        return self.public_title

    def get_absolute_url(self) -> str:
        return reverse("public-plan", args=[self.slug])
