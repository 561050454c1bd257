# Every page of a strategy is named "strategy-…", so the nav marks "Strategies" as current.
from django.urls import path

from strategy import views

urlpatterns = [
    path("strategies/", views.strategy_list, name="strategy-list"),
    path("suggest/strategies/", views.strategy_suggestions, name="suggest-strategies"),
    path("strategies/new/", views.strategy_create, name="strategy-create"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy-detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy-edit"),
    path("strategies/<int:pk>/submit/", views.strategy_submit, name="strategy-submit"),
    path("strategies/<int:pk>/endorse/", views.strategy_endorse, name="strategy-endorse"),
    path("strategies/<int:pk>/archive/", views.strategy_archive, name="strategy-archive"),
    path("strategies/<int:pk>/drivers/new/", views.driver_create, name="strategy-driver-create"),
    path("strategies/drivers/<int:pk>/edit/", views.driver_edit, name="strategy-driver-edit"),
    path("strategies/drivers/<int:pk>/delete/", views.driver_delete, name="strategy-driver-delete"),
    path("strategies/<int:pk>/goals/new/", views.goal_create, name="strategy-goal-create"),
    path("strategies/goals/<int:pk>/edit/", views.goal_edit, name="strategy-goal-edit"),
    path("strategies/goals/<int:pk>/delete/", views.goal_delete, name="strategy-goal-delete"),
    path(
        "strategies/goals/<int:pk>/indicators/new/",
        views.indicator_create,
        name="strategy-indicator-create",
    ),
    path(
        "strategies/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="strategy-indicator-edit",
    ),
    path(
        "strategies/indicators/<int:pk>/delete/",
        views.indicator_delete,
        name="strategy-indicator-delete",
    ),
    path(
        "strategies/indicators/<int:pk>/readings/new/",
        views.reading_create,
        name="strategy-reading-create",
    ),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/propose/", views.glossary_propose, name="glossary-propose"),
    path("glossary/proposals/", views.glossary_proposals, name="glossary-proposals"),
    *(
        path(
            f"glossary/proposals/<int:pk>/{decision}/",
            views.glossary_proposal_decide,
            {"decision": decision},
            name=f"glossary-proposal-{decision}",
        )
        for decision in ("approve", "merge", "decline")
    ),
]
