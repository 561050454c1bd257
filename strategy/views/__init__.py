"""Strategy pages. Views read through strategy.selectors and write through strategy.services.

Every child object (goal, driver, indicator) is fetched through a selector filtered by what the
user may see, so an invisible one is a 404 like an invisible strategy; visible but not
changeable is a 403 with the reason.
"""

from strategy.views.glossary import (
    glossary,
    glossary_proposal_decide,
    glossary_proposals,
    glossary_propose,
)
from strategy.views.parts import (
    driver_create,
    driver_delete,
    driver_edit,
    goal_create,
    goal_delete,
    goal_edit,
    indicator_create,
    indicator_delete,
    indicator_edit,
    reading_create,
)
from strategy.views.strategies import (
    strategy_archive,
    strategy_create,
    strategy_detail,
    strategy_edit,
    strategy_endorse,
    strategy_list,
    strategy_submit,
    strategy_suggestions,
)

__all__ = [
    "driver_create",
    "driver_delete",
    "driver_edit",
    "glossary",
    "glossary_proposal_decide",
    "glossary_proposals",
    "glossary_propose",
    "goal_create",
    "goal_delete",
    "goal_edit",
    "indicator_create",
    "indicator_delete",
    "indicator_edit",
    "reading_create",
    "strategy_archive",
    "strategy_create",
    "strategy_detail",
    "strategy_edit",
    "strategy_endorse",
    "strategy_list",
    "strategy_submit",
    "strategy_suggestions",
]
