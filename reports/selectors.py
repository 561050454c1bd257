from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from reports.models import Report


def report_list(*, user: User) -> QuerySet[Report]:
    """A user's own reports; administrators see everyone's."""
    if not user.is_authenticated:
        return Report.objects.none()
    reports = Report.objects.select_related("requested_by")
    return reports if user.is_superuser else reports.filter(requested_by=user)
