from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from reports.models import Report


def report_list(*, user: User) -> QuerySet[Report]:
    """A user's own reports; administrators see everyone's."""
    if not user.is_authenticated:
        return Report.objects.none()
    return Report.objects.all() if user.is_superuser else Report.objects.filter(requested_by=user)
