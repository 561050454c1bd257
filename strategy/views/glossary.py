"""The shared glossary: a crosswalk of terms across the parallel planning processes, the
page where planners propose terms, and the page where curators decide on proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_stale
from accounts.concurrency import StaleVersion
from accounts.pages import show_service_error
from strategy import selectors, services
from strategy.forms import (
    GlossaryDecisionForm,
    GlossaryDeclineForm,
    GlossaryMergeForm,
    GlossarySearchForm,
    GlossaryTermForm,
)
from strategy.models import GlossaryStatus
from strategy.permissions import can_curate_glossary, can_propose_glossary_terms
from strategy.services.glossary import NOT_A_CURATOR, NOT_A_PLANNER
from strategy.views._common import (
    _user,
)


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = GlossarySearchForm(request.GET or None)
    # Terms a curator declined or merged away stay on the page only for their proposer, who
    # learns there what became of them; curators find them in the API and the admin.
    terms = selectors.glossary_list(user=user).filter(
        Q(status__in=[GlossaryStatus.APPROVED, GlossaryStatus.PROPOSED]) | Q(proposed_by=user)
    )
    if form.is_valid() and (query := form.cleaned_data["q"]):
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(definition__icontains=query)
            | Q(un_impp__icontains=query)
            | Q(nato_cpa__icontains=query)
            | Q(eu_integrated__icontains=query)
            | Q(whole_of_government__icontains=query)
        )
    curates = can_curate_glossary(user)
    return render(
        request,
        "strategy/glossary.html",
        {
            "form": form,
            "terms": terms,
            "can_propose": can_propose_glossary_terms(user),
            "can_curate": curates,
            "waiting": selectors.glossary_proposals(user=user).count() if curates else 0,
        },
    )


@login_required
def glossary_propose(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_propose_glossary_terms(user):
        raise PermissionDenied(NOT_A_PLANNER)
    form = GlossaryTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.glossary_term_propose(
                by=user, data={f: form.cleaned_data[f] for f in services.GLOSSARY_FIELDS}
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(term)s” was proposed. Others see it once a curator approves it.")
                % {"term": term.term},
            )
            return redirect("glossary")
    return render(request, "strategy/glossary_form.html", {"form": form})


@login_required
def glossary_proposals(request: HttpRequest) -> HttpResponse:
    """Proposals waiting for a curator, oldest first, each with approve, merge and decline."""
    user = _user(request)
    if not can_curate_glossary(user):
        raise Http404(_("No such page."))
    return render(
        request,
        "strategy/glossary_proposals.html",
        {
            "proposals": list(selectors.glossary_proposals(user=user)),
            # Evaluated once: every proposal's "merge into" list offers the same terms.
            "approved": list(
                selectors.glossary_list(user=user)
                .filter(status=GlossaryStatus.APPROVED)
                .select_related(None)
                .only("pk", "term")
            ),
        },
    )


@login_required
@require_POST
def glossary_proposal_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve, merge or decline one proposal; the proposals page says what happened."""
    user = _user(request)
    term = get_object_or_404(selectors.glossary_list(user=user), pk=pk)
    if not can_curate_glossary(user):
        raise PermissionDenied(NOT_A_CURATOR)
    approved = selectors.glossary_list(user=user).filter(status=GlossaryStatus.APPROVED)
    form: GlossaryDecisionForm
    if decision == "merge":
        form = GlossaryMergeForm(request.POST, terms=approved)
    elif decision == "decline":
        form = GlossaryDeclineForm(request.POST)
    else:
        form = GlossaryDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("“%(term)s” was left as it is: %(errors)s")
            % {
                "term": term.term,
                "errors": " ".join(str(e) for errors in form.errors.values() for e in errors),
            },
        )
        return redirect("glossary-proposals")
    data = form.cleaned_data
    try:
        if decision == "merge":
            services.glossary_term_merge(
                term=term, into=data["into"], by=user, version=data["version"]
            )
            done = _("“%(term)s” was merged into “%(into)s”.") % {
                "term": term.term,
                "into": data["into"].term,
            }
        elif decision == "decline":
            services.glossary_term_decline(
                term=term, by=user, reason=data["reason"], version=data["version"]
            )
            done = _("“%(term)s” was declined.") % {"term": term.term}
        else:
            services.glossary_term_approve(term=term, by=user, version=data["version"])
            done = _("“%(term)s” is now in the glossary.") % {"term": term.term}
    except StaleVersion as stale:
        audit_stale(request, stale)
        now = stale.current
        if now.status == GlossaryStatus.PROPOSED:
            message = _(
                "“%(term)s” changed since you opened this page, so nothing was decided. "
                "It was edited meanwhile: read it again below."
            )
        elif now.status == GlossaryStatus.APPROVED:
            message = _(
                "“%(term)s” changed since you opened this page, so nothing was decided. "
                "Someone else approved it meanwhile."
            )
        elif now.status == GlossaryStatus.DECLINED:
            message = _(
                "“%(term)s” changed since you opened this page, so nothing was decided. "
                "Someone else declined it meanwhile."
            )
        else:
            message = _(
                "“%(term)s” changed since you opened this page, so nothing was decided. "
                "Someone else merged it meanwhile."
            )
        messages.error(request, message % {"term": term.term})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if term.proposed_by_id is not None and term.proposed_by_id != user.pk:
            done = _("%(outcome)s Its proposer has been told.") % {"outcome": done}
        messages.success(request, done)
    return redirect("glossary-proposals")
