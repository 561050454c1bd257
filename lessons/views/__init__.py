"""Lesson pages: the list with search and facets, the tablet capture form, the ODCR page
with the steps of the lessons process, releases and remedial actions, what a person follows,
and the lessons related to a plan (a fragment the plan page loads)."""

from lessons.views.following import related_to_plan, subscription_stop, subscriptions
from lessons.views.pages import (
    attachment_download,
    lesson_capture,
    lesson_detail,
    lesson_edit,
    lesson_list,
)
from lessons.views.process import (
    action_create,
    action_update,
    lesson_release,
    lesson_release_decide,
    lesson_transition,
)

__all__ = [
    "action_create",
    "action_update",
    "attachment_download",
    "lesson_capture",
    "lesson_detail",
    "lesson_edit",
    "lesson_list",
    "lesson_release",
    "lesson_release_decide",
    "lesson_transition",
    "related_to_plan",
    "subscription_stop",
    "subscriptions",
]
