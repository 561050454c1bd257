"""A lesson's marking: narrowed at once by whoever may ask for a release, widened at once by an
approver of the source organisation, or on a planner's or analyst's request that waits for
such an approver's decision (`accounts.decisions`, on the lesson's release round)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from accounts.audit import audit_decision
from accounts.concurrency import check_version
from accounts.decisions import decision_record
from accounts.grants import grants_recompute
from accounts.models import Organisation, Role, User
from accounts.notifications import OrganisationRole, notify
from lessons.models import (
    Classification,
    Lesson,
    MarkingChange,
    Releasability,
    Release,
    ReleaseDecisionChoice,
    ReleaseRequest,
)
from lessons.permissions import (
    RELEASE_DECISION,
    audience,
    can_release_lesson,
    can_request_release,
    current_audience,
    is_wider,
)
from lessons.services._common import lock, name_of

READER_ROLES = (Role.PLANNER, Role.ANALYST, Role.APPROVER)
"""Who hears that a lesson was released to their organisation."""

DECIDED_TEXT = {
    (ReleaseDecisionChoice.RELEASE, True): gettext_lazy(
        "{person} released your request to release “{lesson}”: {comment}"
    ),
    (ReleaseDecisionChoice.RELEASE, False): gettext_lazy(
        "{person} released your request to release “{lesson}”."
    ),
    (ReleaseDecisionChoice.DECLINE, True): gettext_lazy(
        "{person} declined your request to release “{lesson}”: {comment}"
    ),
    (ReleaseDecisionChoice.DECLINE, False): gettext_lazy(
        "{person} declined your request to release “{lesson}”."
    ),
}
"""What the requester hears of the decision, by decision and whether a comment was given."""


def _lower_now(text: StrOrPromise) -> str:
    return str(text).lower()


_lower = lazy(_lower_now, str)


@dataclass(frozen=True)
class ReleaseOutcome:
    lesson: Lesson
    applied: bool
    """True: the marking is in force; False: it waits for an approver's decision."""
    request: ReleaseRequest | None = None


def _check_marking(
    lesson: Lesson, releasability: str, organisations: Sequence[Organisation]
) -> list[Organisation]:
    if releasability not in Releasability.values:
        raise ValidationError(
            {"releasability": _("Choose originator, participants, named or all_members.")}
        )
    if (
        releasability == Releasability.ALL_MEMBERS
        and lesson.classification == Classification.RESTRICTED
    ):
        raise ValidationError(
            {
                "releasability": _(
                    "A restricted lesson can never be released to all member organisations."
                )
            }
        )
    if releasability == Releasability.PARTICIPANTS and lesson.source_plan_id is None:
        raise ValidationError(
            {
                "releasability": _(
                    "This lesson has no source plan, so no participants to release to."
                )
            }
        )
    named = [o for o in organisations if o.pk != lesson.source_organisation_id]
    if releasability == Releasability.NAMED and not named:
        raise ValidationError(
            {"organisations": _("Name at least one organisation besides the source.")}
        )
    if releasability != Releasability.NAMED and named:
        raise ValidationError(
            {
                "organisations": _(
                    "Organisations are named only for a release to named organisations."
                )
            }
        )
    return sorted({o.pk: o for o in named}.values(), key=lambda o: o.name)


def _apply(
    lesson: Lesson, *, by: User, releasability: str, organisations: list[Organisation]
) -> None:
    """Put the marking in force: the releases, the grants, the record, and word to the
    organisations that may read it now."""
    before = current_audience(lesson)
    after = audience(lesson, releasability=releasability, named=[o.pk for o in organisations])
    now = timezone.now()
    lesson.releasability = releasability
    lesson.version += 1
    lesson._history_user = by  # type: ignore[attr-defined]
    lesson.save(update_fields=["releasability", "version", "updated"])
    keep = [o.pk for o in organisations] if releasability == Releasability.NAMED else []
    lesson.releases.exclude(organisation_id__in=keep).delete()
    already = set(lesson.releases.values_list("organisation_id", flat=True))
    Release.objects.bulk_create(
        [
            Release(lesson=lesson, organisation=o, released_by=by, released_at=now)
            for o in organisations
            if releasability == Releasability.NAMED and o.pk not in already
        ]
    )
    change = MarkingChange.objects.create(
        lesson=lesson,
        classification=lesson.classification,
        releasability=releasability,
        wider=is_wider(after, before),
        changed_by=by,
        changed_at=now,
    )
    change.organisations.set(organisations)
    grants_recompute(lesson)
    audit_decision(
        by=by,
        subject=lesson,
        action="lesson_release",
        outcome=releasability,
        organisation_id=lesson.source_organisation_id,
    )
    newly = sorted((after or set()) - (before or set()))
    if after is not None and newly:
        notify(
            recipients=[OrganisationRole(o, role) for o in newly for role in READER_ROLES],
            kind="lesson.released",
            text=format_lazy(
                gettext_lazy("{organisation} released a lesson to your organisation: “{lesson}”."),
                organisation=lesson.source_organisation.name,
                lesson=lesson.title,
            ),
            url=lesson.get_absolute_url(),
            event_key=f"lesson:{lesson.pk}:released:{lesson.version}",
            actor=by,
        )


def _close_request(lesson: Lesson, outcome: str) -> ReleaseRequest | None:
    if not lesson.release_requested:
        return None
    lesson.release_requested = False
    lesson.save(update_fields=["release_requested"])
    request = ReleaseRequest.objects.filter(
        lesson=lesson, release_round=lesson.release_round
    ).first()
    if request is not None:
        request.outcome = outcome
        request.save(update_fields=["outcome"])
    return request


@transaction.atomic
def lesson_release(
    *,
    lesson: Lesson,
    by: User,
    version: int,
    releasability: str,
    organisations: Sequence[Organisation] = (),
    reason: str = "",
) -> ReleaseOutcome:
    """Set who may read the lesson. Narrower (or the same): at once, for anyone who may ask
    for a release. Wider: at once for an approver of the source organisation; asked of them
    otherwise, and the lesson keeps its marking until they decide."""
    lesson = lock(lesson)
    may_release = can_release_lesson(by, lesson)
    if not (may_release or can_request_release(by, lesson)):
        raise PermissionDenied(
            _(
                "Only the planners, analysts and approvers of the source organisation set who may "
                "read this lesson."
            )
        )
    check_version(lesson, version)
    named = _check_marking(lesson, releasability, organisations)
    wider = is_wider(
        audience(lesson, releasability=releasability, named=[o.pk for o in named]),
        current_audience(lesson),
    )
    if not wider or may_release:
        _apply(lesson, by=by, releasability=releasability, organisations=named)
        if wider:
            replaced = _close_request(lesson, ReleaseRequest.Outcome.SUPERSEDED)
            if replaced is not None:
                notify(
                    recipients=[replaced.requested_by],
                    kind="lesson.release_decided",
                    text=format_lazy(
                        gettext_lazy(
                            "{person} released “{lesson}” to {audience} instead of deciding "
                            "your request."
                        ),
                        person=name_of(by),
                        lesson=lesson.title,
                        audience=_audience_words(releasability, named),
                    ),
                    url=lesson.get_absolute_url(),
                    event_key=f"lesson:{lesson.pk}:release:{replaced.release_round}:decided",
                    actor=by,
                )
        return ReleaseOutcome(lesson=lesson, applied=True)
    _close_request(lesson, ReleaseRequest.Outcome.SUPERSEDED)
    lesson.release_round += 1
    lesson.release_requested = True
    lesson.version += 1
    lesson._history_user = by  # type: ignore[attr-defined]
    lesson.save(update_fields=["release_round", "release_requested", "version", "updated"])
    request = ReleaseRequest.objects.create(
        lesson=lesson,
        release_round=lesson.release_round,
        releasability=releasability,
        reason=reason.strip(),
        requested_by=by,
        requested_at=timezone.now(),
    )
    request.organisations.set(named)
    notify(
        recipients=[OrganisationRole(lesson.source_organisation_id, Role.APPROVER)],
        kind="lesson.release_requested",
        text=format_lazy(
            gettext_lazy("{person} asks to release “{lesson}” to {audience}."),
            person=name_of(by),
            lesson=lesson.title,
            audience=_audience_words(releasability, named),
        ),
        url=lesson.get_absolute_url(),
        event_key=RELEASE_DECISION.requested_event.format(
            subject=lesson.pk, round=lesson.release_round
        ),
        actor=by,
    )
    return ReleaseOutcome(lesson=lesson, applied=False, request=request)


def _audience_words(releasability: str, named: Iterable[Organisation]) -> StrOrPromise:
    """Who a release is to, in the reader's language (lazy, for notifications)."""
    if releasability == Releasability.NAMED:
        return ", ".join(o.name for o in named)
    return _lower(Releasability(releasability).label)


@transaction.atomic
def lesson_release_decide(
    *,
    lesson: Lesson,
    by: User,
    round: int | None,
    decision: str,
    comment: str = "",
    organisation: Organisation | None = None,
) -> ReleaseOutcome:
    """An approver of the source organisation decides the release asked for in the round
    they read; released, the requested marking is put in force (checked again, since the
    lesson may have changed meanwhile)."""
    lesson = lock(lesson)
    record = decision_record(
        RELEASE_DECISION,
        subject=lesson,
        by=by,
        round=round,
        decision=decision,
        comment=comment,
        organisation=organisation,
        closed=None if lesson.release_requested else _("No wider release waits for a decision."),
    )
    request = ReleaseRequest.objects.get(lesson=lesson, release_round=lesson.release_round)
    if record.decision == ReleaseDecisionChoice.RELEASE:
        named = _check_marking(lesson, request.releasability, list(request.organisations.all()))
        _apply(lesson, by=by, releasability=request.releasability, organisations=named)
        _close_request(lesson, ReleaseRequest.Outcome.RELEASED)
    else:
        _close_request(lesson, ReleaseRequest.Outcome.DECLINED)
        lesson.version += 1
        lesson._history_user = by  # type: ignore[attr-defined]
        lesson.save(update_fields=["version", "updated"])
    notify(
        recipients=[request.requested_by],
        kind="lesson.release_decided",
        text=format_lazy(
            DECIDED_TEXT[(record.decision, bool(record.comment))],
            person=name_of(by),
            lesson=lesson.title,
            comment=record.comment,
        ),
        url=lesson.get_absolute_url(),
        event_key=f"lesson:{lesson.pk}:release:{lesson.release_round}:decided",
        actor=by,
    )
    return ReleaseOutcome(
        lesson=lesson, applied=record.decision == ReleaseDecisionChoice.RELEASE, request=request
    )
