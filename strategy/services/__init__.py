"""Every write to a strategy: one transaction each, permission checked inside.

Each service locks the strategy row first, so edits, endorsements and readings on one
strategy happen one after another and never decide on stale state.
"""

from strategy.services._common import (
    DRIVER_FIELDS,
    GOAL_FIELDS,
    INDICATOR_FIELDS,
    STRATEGY_FIELDS,
    partner_roles,
)
from strategy.services.content import (
    driver_create,
    driver_delete,
    driver_update,
    goal_create,
    goal_delete,
    goal_update,
    indicator_create,
    indicator_delete,
    indicator_update,
)
from strategy.services.glossary import (
    GLOSSARY_FIELDS,
    glossary_term_approve,
    glossary_term_decline,
    glossary_term_merge,
    glossary_term_propose,
)
from strategy.services.readings import (
    reading_record,
)
from strategy.services.strategies import (
    strategy_archive,
    strategy_create,
    strategy_endorse,
    strategy_submit,
    strategy_update,
)

__all__ = [
    "DRIVER_FIELDS",
    "GLOSSARY_FIELDS",
    "GOAL_FIELDS",
    "INDICATOR_FIELDS",
    "STRATEGY_FIELDS",
    "driver_create",
    "driver_delete",
    "driver_update",
    "glossary_term_approve",
    "glossary_term_decline",
    "glossary_term_merge",
    "glossary_term_propose",
    "goal_create",
    "goal_delete",
    "goal_update",
    "indicator_create",
    "indicator_delete",
    "indicator_update",
    "partner_roles",
    "reading_record",
    "strategy_archive",
    "strategy_create",
    "strategy_endorse",
    "strategy_submit",
    "strategy_update",
]
