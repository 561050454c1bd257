"""Plan pages. Views read through missions.selectors and write through missions.services.

Every child object (line of effort, activity, milestone, consultation, attachment) is fetched
through a selector filtered by what the user may see, so an invisible one is a 404 like an
invisible plan; visible but not allowed is a 403 with the reason.
"""

from missions.views.field import activity_progress, attachment_download, field_report_create
from missions.views.parts import (
    activity_create,
    activity_delete,
    activity_edit,
    consultation_create,
    consultation_delete,
    consultation_edit,
    line_create,
    line_delete,
    line_edit,
    milestone_create,
    milestone_delete,
    milestone_edit,
)
from missions.views.plans import (
    plan_activate,
    plan_approve,
    plan_close,
    plan_create,
    plan_detail,
    plan_edit,
    plan_list,
    plan_review,
    plan_submit,
    plan_suggestions,
)

__all__ = [
    "activity_create",
    "activity_delete",
    "activity_edit",
    "activity_progress",
    "attachment_download",
    "consultation_create",
    "consultation_delete",
    "consultation_edit",
    "field_report_create",
    "line_create",
    "line_delete",
    "line_edit",
    "milestone_create",
    "milestone_delete",
    "milestone_edit",
    "plan_activate",
    "plan_approve",
    "plan_close",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_list",
    "plan_review",
    "plan_submit",
    "plan_suggestions",
]
