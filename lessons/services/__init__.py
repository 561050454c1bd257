"""Every write of the lessons app; one transaction each."""

from lessons.services.actions import remedial_action_task, remedial_action_update
from lessons.services.lessons import TRANSITIONS, lesson_record, lesson_transition, lesson_update
from lessons.services.releases import ReleaseOutcome, lesson_release, lesson_release_decide
from lessons.services.subscriptions import lesson_subscription_add, lesson_subscription_remove

__all__ = [
    "TRANSITIONS",
    "ReleaseOutcome",
    "lesson_record",
    "lesson_release",
    "lesson_release_decide",
    "lesson_subscription_add",
    "lesson_subscription_remove",
    "lesson_transition",
    "lesson_update",
    "remedial_action_task",
    "remedial_action_update",
]
