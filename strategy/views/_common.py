"""Helpers shared by the strategy pages."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.pages import visible_or_404
from strategy import selectors
from strategy.models import (
    ConflictDriver,
    Goal,
    Indicator,
    PlanningProcess,
    Strategy,
    StrategyStatus,
)
from strategy.permissions import can_change_strategy

F = TypeVar("F", bound=forms.ModelForm)


STRATEGIES_PER_PAGE = 25


PROCESS_LABELS = dict(PlanningProcess.choices)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible_strategy(request: HttpRequest, pk: int) -> Strategy:
    """The strategy, or 404 when it is not shared with the user: its existence is not leaked."""
    return visible_or_404(request, selectors.visible_strategies(_user(request)), pk=pk)


def _editable(request: HttpRequest, strategy: Strategy) -> None:
    if not can_change_strategy(_user(request), strategy):
        raise PermissionDenied(
            _("Only planners of the lead organisation can change this strategy.")
        )
    if not strategy.is_editable:
        raise PermissionDenied(
            _("This strategy is %(status)s: it can no longer be changed.")
            % {"status": strategy.get_status_display().lower()}
        )


def _nothing_changed(request: HttpRequest, strategy: Strategy) -> HttpResponse:
    # Saving an unchanged form must not start a new edition that every partner re-endorses.
    messages.info(request, _("Nothing was changed."))
    return redirect(strategy)


def _new_edition_notice(strategy: Strategy) -> str | None:
    if strategy.status in (StrategyStatus.CONSULTATION, StrategyStatus.AGREED):
        return _(
            "Partners have been asked to endorse this strategy: saving starts edition "
            "%(edition)s, which every partner must endorse again."
        ) % {"edition": strategy.edition + 1}
    return None


def _confirm(
    request: HttpRequest,
    *,
    strategy: Strategy,
    title: str,
    text: str,
    button: str,
    action: Any,
    done: str,
) -> HttpResponse:
    """A confirmation page for an action that cannot be undone from the pages."""
    if request.method == "POST":
        try:
            action()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect(strategy)
    return render(
        request,
        "strategy/confirm.html",
        {"strategy": strategy, "title": title, "text": text, "button": button},
    )


def _visible_driver(request: HttpRequest, pk: int) -> ConflictDriver:
    return visible_or_404(request, selectors.driver_list(user=_user(request)), pk=pk)


def _visible_goal(request: HttpRequest, pk: int) -> Goal:
    return visible_or_404(request, selectors.goal_list(user=_user(request)), pk=pk)


def _without_empty_order(cleaned: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    # An empty order lets the service choose one (goals go at the end).
    return {f: cleaned[f] for f in fields if not (f == "order" and cleaned.get(f) is None)}


def _visible_indicator(request: HttpRequest, pk: int) -> Indicator:
    return visible_or_404(request, selectors.indicator_list(user=_user(request)), pk=pk)


def _child_form(
    request: HttpRequest, strategy: Strategy, form: forms.BaseForm, title: str, submit: str
) -> HttpResponse:
    return render(
        request,
        "strategy/child_form.html",
        {
            "form": form,
            "strategy": strategy,
            "title": title,
            "submit_label": submit,
            "notice": _new_edition_notice(strategy),
        },
    )
