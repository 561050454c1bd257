"""Reads for secondments and posts: filtered by what the user may see today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.authority import visible
from accounts.decisions import DecisionState, decision_panel
from accounts.models import User
from secondments.models import (
    HOLDING_A_PLACE,
    Post,
    RegistrationStatus,
    Secondment,
    SecondmentDecision,
    SecondmentKind,
    SecondmentStatus,
    Training,
    TrainingRegistration,
)
from secondments.permissions import SECONDMENT_DECISION


def visible_secondments(user: User) -> QuerySet[Secondment]:
    return visible(Secondment.objects.all(), user=user, codename="view_secondment")


def secondment_list(*, user: User) -> QuerySet[Secondment]:
    """Visible secondments with everything a row and the decision panel show."""
    return (
        visible_secondments(user)
        .select_related("person", "home_organisation", "host_organisation", "post", "requested_by")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=SecondmentDecision.objects.select_related("organisation", "decided_by"),
            )
        )
    )


def status_condition(status: str, day: datetime.date | None = None) -> Q:
    """The rows shown with `status` on `day` (today): `active` and `completed` are read from
    the dates of approved secondments, as `Secondment.status_on` does."""
    day = day or timezone.localdate()
    approved = Q(status=SecondmentStatus.APPROVED)
    if status == SecondmentStatus.APPROVED:
        return approved & Q(start_date__gt=day)
    if status == SecondmentStatus.ACTIVE:
        return approved & Q(start_date__lte=day, end_date__gte=day)
    if status == SecondmentStatus.COMPLETED:
        return approved & Q(end_date__lt=day)
    return Q(status=status)


def active_on(day: datetime.date) -> Q:
    return status_condition(SecondmentStatus.ACTIVE, day)


def post_list(*, user: User) -> QuerySet[Post]:
    """Posts are part of the organisations' open directory; their holders over time are
    the approved secondments to them the user may see."""
    holders = (
        visible_secondments(user)
        .filter(status=SecondmentStatus.APPROVED)
        .select_related("person")
        .order_by("start_date", "pk")
    )
    if not (user.is_authenticated and user.is_active):
        return Post.objects.none()
    return Post.objects.select_related("host_organisation", "reports_to").prefetch_related(
        Prefetch("secondments", queryset=holders, to_attr="holders")
    )


def secondment_panel(secondment: Secondment) -> list[DecisionState]:
    """The home's and the host's decisions on the current request round (prefetched)."""
    return decision_panel(
        SECONDMENT_DECISION,
        secondment,
        [secondment.home_organisation, secondment.host_organisation],
        secondment.decisions.all(),
    )


def embedded_with(user: User, day: datetime.date | None = None) -> QuerySet[Secondment]:
    """The person's embedded-advisor secondments running on `day` (today): the lines their
    field reports go to besides the plan's own."""
    return Secondment.objects.filter(
        active_on(day or timezone.localdate()),
        person_id=user.pk,
        kind=SecondmentKind.EMBEDDED_ADVISOR,
    ).select_related("home_organisation", "host_organisation")


@dataclass(frozen=True)
class Tenure:
    """One stretch of a post's history: held by a secondment, or vacant (`secondment` None)."""

    start: datetime.date
    end: datetime.date | None
    secondment: Secondment | None = None


def post_history(post: Post, *, today: datetime.date | None = None) -> list[Tenure]:
    """Who held the post when, with the gaps between them, oldest first (from the holders the
    viewer may see, prefetched by `post_list`)."""
    today = today or timezone.localdate()
    history: list[Tenure] = []
    last_end: datetime.date | None = None
    for holder in getattr(post, "holders", []):
        if last_end is not None and holder.start_date > last_end + datetime.timedelta(days=1):
            gap_end = holder.start_date - datetime.timedelta(days=1)
            history.append(Tenure(last_end + datetime.timedelta(days=1), gap_end))
        history.append(Tenure(holder.start_date, holder.end_date, holder))
        last_end = max(last_end or holder.end_date, holder.end_date)
    if last_end is not None and last_end < today:
        history.append(Tenure(last_end + datetime.timedelta(days=1), None))
    return history


# --- joint training -------------------------------------------------------------------------


def training_list(*, user: User) -> QuerySet[Training]:
    """The training calendar, open to every signed-in person, with the places taken, the
    waiting list and the viewer's own registration."""
    if not (user.is_authenticated and user.is_active):
        return Training.objects.none()
    mine = TrainingRegistration.objects.filter(training=OuterRef("pk"), person_id=user.pk)
    return (
        Training.objects.select_related("organiser")
        .annotate(
            places_taken=Count(
                "registrations", filter=Q(registrations__status__in=HOLDING_A_PLACE)
            ),
            waitlisted=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.WAITLISTED),
            ),
            my_status=Subquery(mine.values("status")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=TrainingRegistration.objects.exclude(
                    status=RegistrationStatus.WITHDRAWN
                ).select_related("organisation", "person"),
            )
        )
        .order_by("start_date", "id")  # a GROUP BY query leaves the model's ordering out
    )


def participation(training: Training) -> list[tuple[str, int]]:
    """How many people of each organisation take part (prefetched registrations)."""
    counts: dict[str, int] = {}
    for registration in training.registrations.all():
        if registration.status in HOLDING_A_PLACE:
            name = registration.organisation.name
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items())


def trainings_completed(*, user: User) -> list[TrainingRegistration]:
    """The joint trainings a person attended, newest first."""
    return list(
        TrainingRegistration.objects.filter(person_id=user.pk, status=RegistrationStatus.ATTENDED)
        .select_related("training__organiser")
        .order_by("-training__end_date")
    )
