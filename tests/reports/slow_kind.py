"""A report kind that builds slowly, so a test can kill the worker in the middle of it.

Imported by the test and by the worker subprocess (`celery worker -I tests.reports.slow_kind`).
It gathers the real organisation directory, then renders with the real machinery.
"""

from __future__ import annotations

import time
from typing import Any

from reports.kinds import FormatParams, gather_organisation_directory
from reports.registry import BuildContext, ReportKind, register

STEPS = 15
STEP_SECONDS = 0.4


def gather_slowly(context: BuildContext) -> dict[str, Any]:
    for step in range(STEPS):
        context.progress(5 + step * 4)
        time.sleep(STEP_SECONDS)
    return gather_organisation_directory(context)


register(
    ReportKind(
        name="slow_directory",
        label="Organisation directory (slow, for tests)",
        params_serializer=FormatParams,
        gather=gather_slowly,
        template="reports/organisation_directory.html",
    )
)
