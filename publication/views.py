"""The public account (anonymous, cacheable, the same for everyone) and, for the plan's
people, the section of the plan page that says whether it is published and the form its
lead's approvers publish it with."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.audit import audit_stale
from accounts.concurrency import StaleVersion
from accounts.models import User
from accounts.pages import show_service_error, visible_or_404
from missions.models import Plan
from missions.selectors import visible_plans
from publication import selectors, services
from publication.forms import PublicationForm, WithdrawForm
from publication.models import PlanPublication
from publication.permissions import can_publish_plan

PUBLIC_MAX_AGE = 300
"""Seconds any cache may keep a public page: a withdrawn page is gone from caches after
at most this long (from this server at once)."""
NOT_FOUND_MAX_AGE = 60


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the public account: read as by anyone (`public.middleware`), in the language
    of `Accept-Language`, GET and HEAD, `Cache-Control: public` for everyone."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        max_age = PUBLIC_MAX_AGE if response.status_code == 200 else NOT_FOUND_MAX_AGE
        patch_cache_control(response, public=True, max_age=max_age)
        patch_vary_headers(response, ["Accept-Language"])  # its words follow the browser's
        return response

    # HEAD too: caches and feed readers ask it.
    checked = require_safe(wrapped)
    checked.public_page = True  # type: ignore[attr-defined]
    return checked


def _not_found(request: HttpRequest) -> HttpResponse:
    # Our own page, not the site's 404 (which reads the messages and may set a cookie).
    return render(request, "publication/not_found.html", status=404)


@public_page
def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/index.html", {"plans": selectors.public_index()})


@public_page
def public_plan(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.publication_by_slug(slug)
    if publication is None:
        return _not_found(request)
    return render(
        request, "publication/plan.html", {"account": selectors.public_account(publication)}
    )


def _feed(request: HttpRequest, *, title: str, link: str, description: str) -> Atom1Feed:
    return Atom1Feed(
        title=title,
        link=request.build_absolute_uri(link),
        description=description,
        language=get_language(),
        feed_url=request.build_absolute_uri(),
    )


def _entry_id(request: HttpRequest, kind: str, pk: object, when: datetime.datetime) -> str:
    return f"tag:{request.get_host().split(':')[0]},{when:%Y-%m-%d}:public/{kind}/{pk}"


def _add_messages(feed: Atom1Feed, request: HttpRequest, entries: list[Any]) -> None:
    for message in entries:
        link = reverse("public-plan", args=[message.slug]) + f"#message-{message.id}"
        feed.add_item(
            title=message.title,
            link=request.build_absolute_uri(link),
            description=message.key_message,
            pubdate=message.published_at,
            updateddate=message.published_at,
            unique_id=_entry_id(request, "messages", message.id, message.published_at),
            author_name=message.spokesperson,
            categories=[message.channel, message.audience],
        )


def _atom(feed: Atom1Feed) -> HttpResponse:
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@public_page
def public_plan_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's published public messages, and its publication, as an Atom feed."""
    publication = selectors.publication_by_slug(slug)
    if publication is None:
        return _not_found(request)
    page = reverse("public-plan", args=[slug])
    feed = _feed(
        request,
        title=publication.public_title,
        link=page,
        description=_("What the partners of %(mission)s published.")
        % {"mission": publication.public_title},
    )
    _add_messages(feed, request, selectors.feed_entries([publication.plan_id]))
    published_at = publication.published_at or publication.updated
    feed.add_item(
        title=_("Published: %(mission)s") % {"mission": publication.public_title},
        link=request.build_absolute_uri(page),
        description=publication.public_summary,
        pubdate=published_at,
        updateddate=publication.updated,
        unique_id=_entry_id(request, "plans", publication.slug, published_at),
        author_name=publication.plan.lead_organisation.name,
    )
    return _atom(feed)


@public_page
def public_feed(request: HttpRequest) -> HttpResponse:
    """Every published plan's public messages, latest first, as one Atom feed."""
    feed = _feed(
        request,
        title=_("Joined Forces: public account"),
        link=reverse("public-index"),
        description=_("Messages the partners of published joined-up missions made public."),
    )
    _add_messages(feed, request, selectors.feed_entries())
    return _atom(feed)


# --- for the plan's people ----------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan(request: HttpRequest, pk: int) -> Plan:
    return visible_or_404(request, visible_plans(_user(request)), pk=pk)


def _publication(plan: Plan) -> PlanPublication | None:
    return PlanPublication.objects.filter(plan=plan).first()


@login_required
def plan_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page's "Public page" section, loaded by the page (404 for a plan not seen)."""
    plan = _plan(request, pk)
    return render(
        request,
        "publication/_plan_section.html",
        {
            "plan": plan,
            "publication": _publication(plan),
            "can_publish": can_publish_plan(_user(request), plan),
            "publishable": plan.status in services.PUBLISHABLE,
        },
    )


def _publication_form(
    request: HttpRequest, plan: Plan, publication: PlanPublication | None
) -> PublicationForm:
    if request.method == "POST":
        return PublicationForm(request.POST)
    if publication is not None:
        return PublicationForm(
            initial={
                "public_title": publication.public_title,
                "public_summary": publication.public_summary,
                "slug": publication.slug,
                "version": publication.version,
            }
        )
    return PublicationForm()


@login_required
def publication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the plan's public page, or change its public words (the lead's approvers)."""
    plan = _plan(request, pk)
    user = _user(request)
    if not can_publish_plan(user, plan):
        raise PermissionDenied(services.REFUSED)
    publication = _publication(plan)
    form = _publication_form(request, plan, publication)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publication = services.plan_publish(
                plan=plan,
                by=user,
                public_title=data["public_title"],
                public_summary=data["public_summary"],
                slug=data["slug"] or "",
                version=data["version"],
            )
        except StaleVersion as stale:
            # What they typed stays, now based on the current version: saving again is a
            # choice made after seeing that someone else changed it.
            audit_stale(request, stale)
            again = request.POST.copy()
            again["version"] = str(stale.current.version)
            form = PublicationForm(again)
            form.is_valid()
            form.add_error(None, str(stale))
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Published: “%(mission)s” is on its public page for everyone.")
                % {"mission": publication.public_title},
            )
            return redirect(f"{plan.get_absolute_url()}#public-page")
    return render(
        request,
        "publication/publication_form.html",
        {
            "plan": plan,
            "publication": publication,
            "form": form,
            "withdraw_form": WithdrawForm(
                initial={"version": publication.version if publication else None}
            ),
            "publishable": plan.status in services.PUBLISHABLE,
        },
    )


@login_required
@require_POST
def publication_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = _user(request)
    if not can_publish_plan(user, plan):
        raise PermissionDenied(services.REFUSED)
    form = WithdrawForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.plan_unpublish(plan=plan, by=user, version=version)
    except StaleVersion as stale:
        audit_stale(request, stale)
        messages.error(request, str(stale))
        return redirect("public-publication", pk=plan.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("public-publication", pk=plan.pk)
    messages.success(request, _("Withdrawn: the public page no longer exists."))
    return redirect(f"{plan.get_absolute_url()}#public-page")
