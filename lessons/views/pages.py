"""The lesson list, the tablet capture form, the ODCR page, its edit form and attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.authority import grants_prefetch
from accounts.files import attachment_among, attachment_response
from accounts.pages import show_service_error, versioned_save
from lessons import search, selectors, services
from lessons.forms import (
    ActionReportForm,
    ActionTaskForm,
    LessonCaptureForm,
    LessonEditForm,
    LessonFilterForm,
    ReleaseForm,
    TransitionForm,
)
from lessons.models import CLOSED_ACTION_STATUSES, Lesson, Releasability, ReleaseRequest
from lessons.permissions import (
    can_change_lesson,
    can_move_lesson,
    can_record_lesson,
    can_release_lesson,
    can_report_on_action,
    can_request_release,
    recording_organisations,
    releasing_organisations,
)
from lessons.services.actions import TASKABLE
from lessons.views._common import _user, _visible
from missions.held_uploads import uploads_forget, uploads_hold, uploads_release
from missions.selectors import visible_plans

PER_PAGE = 25
HISTORY_SHOWN = 50
FACETS = (
    ("status", gettext_lazy("Status")),
    ("domain", gettext_lazy("Domain")),
    ("classification", gettext_lazy("Classification")),
    ("source_organisation", gettext_lazy("Source organisation")),
)
# The marking's changes have their own record (MarkingChange), shown with who and to whom.
HISTORY_IGNORED = {
    "version",
    "updated",
    "created",
    "release_round",
    "release_requested",
    "releasability",
}


def _with(params: QueryDict, name: str, value: Any) -> str:
    """The list's query string with one filter set (or cleared), back on page one."""
    query = params.copy()
    query.pop("page", None)
    if value in (None, ""):
        query.pop(name, None)
    else:
        query[name] = str(value)
    return f"?{query.urlencode()}" if query else "?"


@login_required
def lesson_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = LessonFilterForm(request.GET or None)
    filters = form.filters()
    lessons = selectors.lesson_list(user=user, filters=filters)
    page = Paginator(lessons, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    snippets = search.snippets(rows, filters.search) if filters.search else {}
    chosen = {name: str(getattr(filters, name) or "") for name, _ in FACETS}
    counted = selectors.facets(lessons)
    facets = [
        {
            "name": name,
            "label": label,
            "clear": _with(request.GET, name, None) if chosen[name] else "",
            "options": [
                {
                    "label": option,
                    "count": count,
                    "url": _with(request.GET, name, value),
                    "active": chosen[name] == str(value),
                }
                for value, option, count in counted.counts[name]
            ],
            "more": name == "source_organisation" and counted.more_organisations,
        }
        for name, label in FACETS
    ]
    return render(
        request,
        "lessons/lesson_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": [(lesson, snippets.get(lesson.pk, "")) for lesson in rows],
            "facets": facets,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "may_record": can_record_lesson(user),
        },
    )


@login_required
def lesson_capture(request: HttpRequest) -> HttpResponse:
    """The tablet form: what happened, where and when, with a photo, in under a minute."""
    user = _user(request)
    organisations = recording_organisations(user)
    if not organisations:
        raise PermissionDenied(
            _("Lessons are recorded by the current members of an organisation, for it.")
        )
    plans = visible_plans(user)
    initial: dict[str, Any] = {}
    # ?plan= from a plan's page; ?source_plan= (and the typed theatre) when a plan is chosen
    # on the form, which takes "Where" from the answer.
    plan_id = request.GET.get("plan") or request.GET.get("source_plan") or ""
    if plan_id.isdigit():
        plan = plans.filter(pk=int(plan_id)).first()
        if plan is not None:
            typed = request.GET.get("theatre", "").strip()
            initial = {"source_plan": plan.pk, "theatre": typed or plan.theatre}
    form = LessonCaptureForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        plans=plans,
        initial=initial,
    )
    # A photo kept from an earlier try of this form (see missions.held_uploads).
    held_token = request.POST.get("held", "") if request.method == "POST" else ""
    kept = uploads_release(token=held_token, by=user) if held_token else []
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data["photo"]
        attachments = [photo] if photo else kept
        try:
            lesson = services.lesson_record(by=user, attachments=attachments, **form.service_data())
        except ValidationError as error:
            show_service_error(form, error, {"attachments": "photo"})
        else:
            if held_token:
                uploads_forget(token=held_token)
            names = {"organisation": lesson.source_organisation.name, "lesson": lesson.title}
            text = (
                _(
                    "Submitted for the analysts of %(organisation)s: they triage “%(lesson)s” "
                    "next. The photo is attached."
                )
                if attachments
                else _(
                    "Submitted for the analysts of %(organisation)s: they triage “%(lesson)s” next."
                )
            ) % names
            messages.success(request, text)
            return redirect(lesson)
    held = None
    if request.method == "POST":
        # Not recorded: keep the photo, so nobody takes it twice.
        photo = form.cleaned_data.get("photo") if "photo" not in form.errors else None
        files = [photo] if photo else kept
        if files:
            held = uploads_hold(files=files, by=user)
        if held_token:
            uploads_forget(token=held_token)
    return render(
        request,
        "lessons/lesson_capture.html",
        {"form": form, "held": held, "several": len(organisations) > 1},
    )


def _history(lesson: Lesson) -> list[dict[str, Any]]:
    """Who changed what, and when: the lesson's recorded versions and its marking changes,
    newest first."""
    records = list(lesson.history.select_related("history_user")[: HISTORY_SHOWN + 1])
    fields_in_order = [f.name for f in Lesson._meta.fields]
    labels = {f.name: f.verbose_name for f in Lesson._meta.fields}
    entries: list[dict[str, Any]] = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            if len(records) > HISTORY_SHOWN:
                break
            what = _("Recorded it")
        else:
            changed = {c.field for c in newer.diff_against(older).changes} - HISTORY_IGNORED
            fields = [f for f in fields_in_order if f in changed]
            if not fields:
                continue
            if fields == ["status"] or set(fields) == {"status", "status_comment"}:
                moved = {
                    "status": newer.get_status_display().lower(),
                    "comment": newer.status_comment,
                }
                what = (
                    _("Moved it to %(status)s: %(comment)s") % moved
                    if newer.status_comment
                    else _("Moved it to %(status)s") % moved
                )
            else:
                what = _("Changed %(fields)s") % {
                    "fields": ", ".join(str(labels.get(f, f)) for f in fields)
                }
        entries.append({"when": newer.history_date, "who": newer.history_user, "what": what})
    changes = lesson.marking_changes.select_related("changed_by").prefetch_related("organisations")
    for change in changes:
        named = ", ".join(o.name for o in change.organisations.all())
        marking = {
            "releasability": change.get_releasability_display().lower(),
            "organisations": named,
            "classification": change.get_classification_display().lower(),
        }
        if change.wider:
            what = (
                _("Widened its release: %(releasability)s (%(organisations)s), %(classification)s")
                if named
                else _("Widened its release: %(releasability)s, %(classification)s")
            ) % marking
        else:
            what = (
                _("Set its release: %(releasability)s (%(organisations)s), %(classification)s")
                if named
                else _("Set its release: %(releasability)s, %(classification)s")
            ) % marking
        entries.append({"when": change.changed_at, "who": change.changed_by, "what": what})
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def _pending_audience(request: ReleaseRequest | None) -> str:
    """Who the waiting request would release the lesson to: the releasability, and the
    organisations it names."""
    if request is None:
        return ""
    words = request.get_releasability_display().lower()
    names = ", ".join(o.name for o in request.organisations.all())
    return f"{words} ({names})" if names else words


@login_required
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    today = timezone.localdate()
    may_move = can_move_lesson(user, lesson)
    may_release = can_release_lesson(user, lesson)
    next_statuses = services.TRANSITIONS.get(lesson.status, ())
    pending = selectors.pending_release(lesson)
    remedial_actions = list(lesson.remedial_actions.all())
    grants_prefetch(user, remedial_actions)  # each asks whether the user may report on it
    actions = [
        {
            "action": action,
            "overdue": action.due_on < today and action.status not in CLOSED_ACTION_STATUSES,
            "form": ActionReportForm(action=action) if can_report_on_action(user, action) else None,
            "files": list(action.attachments.all()),
        }
        for action in remedial_actions
    ]
    return render(
        request,
        "lessons/lesson_detail.html",
        {
            "lesson": lesson,
            "domains": [row.get_domain_display() for row in lesson.domain_rows.all()],
            "named": [r.organisation for r in lesson.releases.all()],
            "attachments": [a for a in lesson.attachments.all() if a.remedial_action_id is None],
            "actions": actions,
            "may_edit": can_change_lesson(user, lesson),
            "transition_form": TransitionForm(lesson=lesson, next_statuses=next_statuses)
            if may_move and next_statuses
            else None,
            "task_form": ActionTaskForm() if may_move and lesson.status in TASKABLE else None,
            "release_form": ReleaseForm(lesson=lesson)
            if may_release or can_request_release(user, lesson)
            else None,
            "releases_at_once": may_release,
            "pending": pending,
            "pending_audience": _pending_audience(pending),
            "panel": selectors.release_panel(lesson) if lesson.release_requested else [],
            "may_decide": lesson.release_requested and bool(releasing_organisations(user, lesson)),
            "history": _history(lesson),
            "has_participants": lesson.source_plan_id is not None,
            "all_members": Releasability.ALL_MEMBERS,
        },
    )


@login_required
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lesson = _visible(request, pk)
    if not can_change_lesson(user, lesson):
        raise PermissionDenied(
            _(
                "Only the analysts and approvers of the source organisation (and the author while "
                "it is submitted) change this lesson."
            )
        )
    plans = visible_plans(user)
    form = LessonEditForm(request.POST or None, instance=lesson, plans=plans)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        form, saved = versioned_save(
            request,
            form,
            lambda version: services.lesson_update(
                lesson=lesson, by=user, version=version, data=data
            ),
            form_kwargs={"plans": plans},
        )
        if saved is not None:
            messages.success(
                request,
                _("Saved: “%(lesson)s” is now at version %(version)s.")
                % {"lesson": saved.title, "version": saved.version},
            )
            return redirect(saved)
    return render(request, "lessons/lesson_edit.html", {"form": form, "lesson": lesson})


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A lesson's photo or document, only for those who may read the lesson."""
    lesson = _visible(request, pk)
    return attachment_response(attachment_among(lesson.attachments.all(), attachment_pk), page=True)
