"""Decisions an organisation makes on something another organisation asks of it.

An endorsement of a strategy's edition, a review of a plan's submission, and the approvals
still to come (secondments, lesson releases, pledges, disbursements, message clearances)
share one shape: a person decides *for an organisation*, holding that decision's grant on the
subject today (`accounts.authority`), on one *round* of the subject (the edition, the
submission, the version they read). A decision on a round that is no longer current is
refused as stale (409 in the API, "this changed since you opened it" on the page); a
negative decision needs a reason; every change to a decision stays in its history.

A workflow describes its decision once with a `DecisionKind`; the service helper, the
panel, the page form and the API serializer all read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from guardian.utils import get_group_obj_perms_model

from accounts.audit import audit_decision, audit_stale
from accounts.authority import acting_organisations, role_groups_held
from accounts.concurrency import StaleVersion
from accounts.inputs import no_control_characters
from accounts.models import Organisation
from accounts.notifications import notifications_done
from accounts.pages import show_service_error


class DecisionRecord(models.Model):
    """One organisation's decision on one round of a subject. Concrete models add the
    subject, the round and `decision` with their own choices, and keep a history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        abstract = True


class StaleRound(StaleVersion):
    """The decision names a round that is no longer the subject's current one."""

    def __init__(self, current: Any, *, kind: DecisionKind, read: int) -> None:
        super().__init__(current)
        now = getattr(current, kind.round_field)
        self.args = (
            gettext(
                "This changed since you opened it: you read %(round_label)s %(read)s, "
                "and it is now at %(round_label)s %(now)s. Read what changed, then decide again."
            )
            % {"round_label": kind.round_label, "read": read, "now": now},
        )


@dataclass(frozen=True)
class DecisionKind:
    """What one workflow's decision is: on what, by whom, with which outcomes."""

    record_model: type[models.Model]
    subject_field: str
    """The record's foreign key to the subject (`strategy`, `plan`)."""
    round_field: str
    """The subject's (and the record's) round counter (`edition`, `submission`)."""
    round_label: StrOrPromise
    codename: str
    """The object permission a decider holds on the subject for their organisation."""
    choices: type[models.TextChoices]
    positive: str
    """The decision that counts towards agreement (`endorse`, `approve`)."""
    states: dict[str, str]
    """Each decision's state in panels and the API (`endorsed`, `changes_requested`)."""
    labels: dict[str, StrOrPromise]
    """How the page form offers each decision."""
    reason_needed: StrOrPromise
    """The message when a negative decision comes without a reason."""
    refused: StrOrPromise
    refused_for: StrOrPromise
    ambiguous: StrOrPromise
    choose_prompt: StrOrPromise
    decide_for_help: StrOrPromise = field(default=_("You decide for several organisations."))
    verbs: dict[str, StrOrPromise] = field(default_factory=dict)
    """How a given decision reads: "You *approved* submission 2"."""
    requested_event: str = ""
    """The event key that asked for the decision, formatted with `subject` (its id) and
    `round`: once an organisation decides, its members' notifications of it are done."""
    reminder_event: str = ""
    """The prefix of the reminders chasing one organisation's decision (also `organisation`)."""


def organisation_acting_for(
    kind: DecisionKind, *, user: Any, subject: models.Model, chosen: Organisation | None
) -> int:
    """The organisation `user` decides for: one they hold the decision's grant for today.

    None: `PermissionDenied`; a chosen one they do not act for: `PermissionDenied` naming
    it; several and none chosen: a 400 on `organisation`.
    """
    acting_for = acting_organisations(user, subject, kind.codename)
    if not acting_for:
        raise PermissionDenied(kind.refused)
    if chosen is not None:
        if chosen.pk not in acting_for:
            raise PermissionDenied(str(kind.refused_for).format(organisation=chosen))
        return chosen.pk
    if len(acting_for) > 1:
        raise ValidationError({"organisation": kind.ambiguous})
    return acting_for.pop()


def check_round(kind: DecisionKind, subject: models.Model, read: int | None) -> None:
    """Refuse a decision on a round other than the subject's current one (locked row)."""
    if read != getattr(subject, kind.round_field):
        raise StaleRound(subject, kind=kind, read=read or 0)


def decision_record(
    kind: DecisionKind,
    *,
    subject: models.Model,
    by: Any,
    round: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
    closed: str | None = None,
) -> Any:
    """Record `by`'s decision for their organisation on `subject` (already locked), inside
    the caller's transaction.

    Refused in this order: not a decider (403); `closed`, the caller's reason why the subject
    takes no decisions in its state (400); a round that is no longer current (409); a bad
    outcome or a negative one without a reason (400). Deciding again on the same round
    replaces the decision; the history keeps the earlier one.
    """
    organisation_id = organisation_acting_for(kind, user=by, subject=subject, chosen=organisation)
    if closed:
        raise ValidationError(closed)
    check_round(kind, subject, round)
    if decision not in kind.choices.values:
        raise ValidationError({"decision": kind.choose_prompt})
    comment = comment.strip()
    if decision != kind.positive and not comment:
        raise ValidationError({"comment": kind.reason_needed})
    try:  # saved without `full_clean`, so the text rule is asked here
        no_control_characters(comment)
    except ValidationError as error:
        raise ValidationError({"comment": error.messages}) from error
    manager: Any = kind.record_model._default_manager
    record, _ = manager.update_or_create(
        **{
            kind.subject_field: subject,
            "organisation_id": organisation_id,
            kind.round_field: getattr(subject, kind.round_field),
        },
        defaults={
            "decision": decision,
            "comment": comment,
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    names = {
        "subject": subject.pk,
        "round": getattr(record, kind.round_field),
        "organisation": organisation_id,
    }
    if kind.requested_event:
        notifications_done(
            event_key=kind.requested_event.format(**names),
            organisation_id=organisation_id,
            reminders=kind.reminder_event.format(**names) if kind.reminder_event else "",
        )
    audit_decision(
        by=by,
        subject=subject,
        action=kind.codename,
        outcome=decision,
        organisation_id=organisation_id,
    )
    return record


def decided_for(kind: DecisionKind, subject: models.Model, records: Iterable[Any]) -> set[int]:
    """Organisations whose decision on the current round is positive (prefetched rows)."""
    current = getattr(subject, kind.round_field)
    return {
        r.organisation_id
        for r in records
        if getattr(r, kind.round_field) == current and r.decision == kind.positive
    }


def awaiting_decision(kind: DecisionKind, subjects: QuerySet[Any], *, user: Any) -> QuerySet[Any]:
    """The subjects on whose current round an organisation `user` decides for today has not
    decided yet: one EXISTS over the decision's grants, whatever the number of subjects.
    `subjects` is the caller's choice of those open to decisions (in review, in consultation)."""
    if not (user.is_authenticated and user.is_active):
        return subjects.none()
    model: Any = subjects.model
    grants: Any = get_group_obj_perms_model(model)
    decided = kind.record_model._default_manager.filter(
        **{
            kind.subject_field: OuterRef("content_object"),
            "organisation_id": OuterRef("group__organisation_role__organisation_id"),
            kind.round_field: OuterRef(f"content_object__{kind.round_field}"),
        }
    )
    undecided_grants = grants.objects.filter(
        ~Exists(decided),
        content_object=OuterRef("pk"),
        permission__codename=kind.codename,
        group__organisation_role__in=role_groups_held(user),
    )
    return subjects.filter(Exists(undecided_grants))


@dataclass(frozen=True)
class DecisionState:
    """One deciding organisation and its decision on the current round, if any."""

    organisation: Organisation
    record: Any
    state: str
    verb: StrOrPromise = ""

    @property
    def label(self) -> str:
        return self.record.get_decision_display() if self.record else gettext("Pending")

    def as_dict(self) -> dict[str, Any]:
        record = self.record
        return {
            "organisation": self.organisation.pk,
            "organisation_name": self.organisation.name,
            "state": self.state,
            "comment": record.comment if record else "",
            "decided_by": (record.decided_by.get_full_name() or record.decided_by.username)
            if record
            else None,
            "decided_at": record.decided_at if record else None,
        }


def decision_panel(
    kind: DecisionKind,
    subject: models.Model,
    deciders: Sequence[Organisation],
    records: Iterable[Any],
) -> list[DecisionState]:
    """Each deciding organisation with its decision on the current round (prefetched rows)."""
    current_round = getattr(subject, kind.round_field)
    current = {
        r.organisation_id: r for r in records if getattr(r, kind.round_field) == current_round
    }
    return [
        DecisionState(
            organisation=organisation,
            record=current.get(organisation.pk),
            state=kind.states[current[organisation.pk].decision]
            if organisation.pk in current
            else "pending",
            verb=kind.verbs.get(current[organisation.pk].decision, gettext("decided on"))
            if organisation.pk in current
            else "",
        )
        for organisation in deciders
    ]


def split_decided(
    panel: Sequence[DecisionState], organisations: Sequence[Organisation]
) -> tuple[list[Organisation], list[DecisionState]]:
    """Of the organisations a person decides for, those still to decide the current round,
    and the decisions already given (from the panel's rows): a decision once given shows
    as given, and the form only offers what is left to decide."""
    given = {row.organisation.pk: row for row in panel if row.record is not None}
    return (
        [o for o in organisations if o.pk not in given],
        [given[o.pk] for o in organisations if o.pk in given],
    )


class DecisionForm(forms.Form):
    """The page form of a decision: the outcome, a reason, the organisation when the person
    decides for several, and the round they read (hidden), so a decision counts only for
    what was on their screen."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        *args: Any,
        kind: DecisionKind,
        organisations: Sequence[Organisation],
        round: int,
        comment_help: StrOrPromise,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"round": round})
        super().__init__(*args, **kwargs)
        self.kind = kind
        decision: Any = self.fields["decision"]
        decision.choices = list(kind.labels.items())
        decision.error_messages["required"] = kind.choose_prompt
        self.fields["comment"].help_text = comment_help
        if len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=gettext("Decide for"),
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
                empty_label=None,
                help_text=kind.decide_for_help,
            )


# --- the page ----------------------------------------------------------------------------------


def decision_page(
    request: HttpRequest,
    *,
    kind: DecisionKind,
    subject: models.Model,
    organisations: Sequence[Organisation],
    closed_message: StrOrPromise | None,
    comment_help: StrOrPromise,
    decide: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], StrOrPromise],
    back_url: str,
    changes_url: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The page behind a decision form: records the decision for the round the person read,
    says plainly what happened, and when the subject changed meanwhile says so, links to
    what changed, and offers the form again for the current round."""
    if not organisations:
        raise PermissionDenied(kind.refused)
    if closed_message:
        messages.error(request, closed_message)
        return redirect(back_url)
    current_round = getattr(subject, kind.round_field)
    records = kind.record_model._default_manager.filter(
        **{kind.subject_field: subject, kind.round_field: current_round},
        organisation__in=organisations,
    ).select_related("decided_by")
    organisations, given = split_decided(
        decision_panel(kind, subject, organisations, records), organisations
    )
    if not organisations:
        return render(
            request,
            "decision_page.html",
            {**context, "given": given, "round_label": kind.round_label, "round": current_round},
        )
    form = DecisionForm(
        request.POST or None,
        kind=kind,
        organisations=organisations,
        round=current_round,
        comment_help=comment_help,
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("organisation", organisations[0])
        try:
            record = decide(data)
        except StaleRound as error:
            stale = str(error)
            audit_stale(request, error)
            form = DecisionForm(
                kind=kind,
                organisations=organisations,
                round=getattr(error.current, kind.round_field),
                comment_help=comment_help,
                initial={
                    "round": getattr(error.current, kind.round_field),
                    "comment": data["comment"],
                },
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, done(record))
            return redirect(back_url)
    return render(
        request,
        "decision_page.html",
        {
            **context,
            "form": form,
            "stale": stale,
            "changes_url": changes_url,
            "action": request.path,
            "given": given,
            "round_label": kind.round_label,
            "round": current_round,
        },
    )
