from __future__ import annotations

import datetime

from celery import shared_task

from accounts.services import memberships_sync


@shared_task(name="accounts.tasks.memberships_sync_task")
def memberships_sync_task(on: str | None = None) -> dict[str, int]:
    """Periodic: group membership follows membership dates. `on` (ISO date) replays a given day."""
    day = datetime.date.fromisoformat(on) if on else None
    result = memberships_sync(today=day)
    return {"joined": result.joined, "left": result.left}
