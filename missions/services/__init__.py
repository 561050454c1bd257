"""Every write to an integrated plan: one transaction each, permission checked inside.

Each service locks the plan row first, so edits, reviews and field reports on one plan
happen one after another and never decide on stale state.
"""

from missions.services._common import (
    ACTIVITY_FIELDS,
    AMENDABLE,
    ATTACHMENT_IMAGE_FORMATS,
    CONSULTATION_FIELDS,
    EDITABLE,
    LINE_FIELDS,
    MILESTONE_FIELDS,
    PLAN_FIELDS,
    PLAN_STRUCTURAL_FIELDS,
    contributors,
    lead_organisations_for,
    participant_ids,
)
from missions.services.field_reports import (
    attachment_check,
    field_report_file,
)
from missions.services.plans import (
    awaiting_review,
    plan_activate,
    plan_approve,
    plan_close,
    plan_create,
    plan_review,
    plan_submit,
    plan_update,
)
from missions.services.structure import (
    activity_create,
    activity_delete,
    activity_progress_update,
    activity_update,
    can_update_progress,
    consultation_create,
    consultation_delete,
    consultation_update,
    line_of_effort_create,
    line_of_effort_delete,
    line_of_effort_update,
    milestone_create,
    milestone_delete,
    milestone_update,
)

__all__ = [
    "ACTIVITY_FIELDS",
    "AMENDABLE",
    "ATTACHMENT_IMAGE_FORMATS",
    "CONSULTATION_FIELDS",
    "EDITABLE",
    "LINE_FIELDS",
    "MILESTONE_FIELDS",
    "PLAN_FIELDS",
    "PLAN_STRUCTURAL_FIELDS",
    "activity_create",
    "activity_delete",
    "activity_progress_update",
    "activity_update",
    "attachment_check",
    "awaiting_review",
    "can_update_progress",
    "consultation_create",
    "consultation_delete",
    "consultation_update",
    "contributors",
    "field_report_file",
    "lead_organisations_for",
    "line_of_effort_create",
    "line_of_effort_delete",
    "line_of_effort_update",
    "milestone_create",
    "milestone_delete",
    "milestone_update",
    "participant_ids",
    "plan_activate",
    "plan_approve",
    "plan_close",
    "plan_create",
    "plan_review",
    "plan_submit",
    "plan_update",
]
