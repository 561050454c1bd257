from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the bell in the header (one query, signed-in pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: notification_unread_count(user=user)}
