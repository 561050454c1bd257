"""The shared glossary: a crosswalk of terms across the parallel planning processes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from strategy import selectors, services
from strategy.forms import (
    GlossarySearchForm,
    GlossaryTermForm,
)
from strategy.views._common import (
    _show_service_error,
    _user,
)


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = GlossarySearchForm(request.GET or None)
    terms = selectors.glossary_list(user=user)
    if form.is_valid() and (query := form.cleaned_data["q"]):
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(definition__icontains=query)
            | Q(un_impp__icontains=query)
            | Q(nato_cpa__icontains=query)
            | Q(eu_integrated__icontains=query)
            | Q(whole_of_government__icontains=query)
        )
    return render(
        request,
        "strategy/glossary.html",
        {"form": form, "terms": terms, "can_propose": services.can_propose_terms(user)},
    )


@login_required
def glossary_propose(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not services.can_propose_terms(user):
        raise PermissionDenied("Planners propose glossary terms; administrators curate them.")
    form = GlossaryTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.glossary_term_propose(
                by=user, data={f: form.cleaned_data[f] for f in services.GLOSSARY_FIELDS}
            )
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(
                request,
                f"“{term.term}” was proposed. Others see it once an administrator approves it.",
            )
            return redirect("glossary")
    return render(request, "strategy/glossary_form.html", {"form": form})
