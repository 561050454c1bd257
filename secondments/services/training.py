"""Joint training: organised by one organisation for people of several. Registration keeps to
the capacity under concurrency (the training's row is locked while places are counted), the
rest wait in the order they came and move up when a place frees; the organiser records who
attended."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.authority import organisations_in_role
from accounts.grants import grants_recompute
from accounts.models import Membership, Organisation, User
from accounts.notifications import notify
from secondments.models import (
    HOLDING_A_PLACE,
    RegistrationStatus,
    Training,
    TrainingRegistration,
)
from secondments.permissions import REQUESTER_ROLES, can_record_attendance


def _lock(training: Training) -> Training:
    return Training.objects.select_for_update().get(pk=training.pk)


@transaction.atomic
def training_create(
    *,
    by: User,
    organiser: Organisation,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    capacity: int,
    place: str = "",
    online: bool = False,
    topics: str = "",
) -> Training:
    organising = {o.pk for role in REQUESTER_ROLES for o in organisations_in_role(by, role)}
    if organiser.pk not in organising:
        raise PermissionDenied(
            _("Only a planner or administrator of the organiser can announce its training.")
        )
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date must be on or after the start date.")})
    training = Training(
        title=title.strip(),
        organiser=organiser,
        start_date=start_date,
        end_date=end_date,
        capacity=capacity,
        place=place.strip(),
        online=online,
        topics=topics.strip(),
        created_by=by,
    )
    training.full_clean()
    training.save()
    grants_recompute(training)
    return training


def _member_organisation(by: User, organisation: Organisation | None) -> int:
    mine = set(
        Membership.objects.valid_on(timezone.localdate())
        .filter(user_id=by.pk)
        .values_list("organisation_id", flat=True)
    )
    if organisation is not None:
        if organisation.pk not in mine:
            raise ValidationError(
                {
                    "organisation": _("You are not a member of %(organisation)s today.")
                    % {"organisation": organisation}
                }
            )
        return organisation.pk
    if not mine:
        raise PermissionDenied(_("Only members of an organisation register for training."))
    if len(mine) > 1:
        raise ValidationError(
            {"organisation": _("You belong to several organisations: say which one you go for.")}
        )
    return mine.pop()


@transaction.atomic
def training_register(
    *, training: Training, by: User, organisation: Organisation | None = None
) -> TrainingRegistration:
    """Register oneself: a place while there is one, else the waiting list. Once per person;
    registering again after withdrawing goes to the back."""
    organisation_id = _member_organisation(by, organisation)
    training = _lock(training)
    if training.end_date < timezone.localdate():
        raise ValidationError(_("This training is over."))
    existing = TrainingRegistration.objects.filter(training=training, person=by).first()
    if existing is not None and existing.status != RegistrationStatus.WITHDRAWN:
        raise ValidationError(
            _("You are already on this training: %(status)s.")
            % {"status": existing.get_status_display().lower()}
        )
    taken = TrainingRegistration.objects.filter(
        training=training, status__in=HOLDING_A_PLACE
    ).count()
    status = (
        RegistrationStatus.REGISTERED
        if taken < training.capacity
        else RegistrationStatus.WAITLISTED
    )
    if existing is None:
        return TrainingRegistration.objects.create(
            training=training, person=by, organisation_id=organisation_id, status=status
        )
    existing.status = status
    existing.organisation_id = organisation_id
    existing.registered_at = timezone.now()
    existing.version += 1
    existing.save()
    return existing


@transaction.atomic
def training_withdraw(*, training: Training, by: User) -> TrainingRegistration:
    """Withdraw oneself; a place freed goes to the first on the waiting list, who is told."""
    training = _lock(training)
    registration = TrainingRegistration.objects.filter(
        training=training,
        person=by,
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
    ).first()
    if registration is None:
        raise ValidationError(_("You are not registered for this training."))
    held_a_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.WITHDRAWN
    registration.version += 1
    registration.save()
    if held_a_place:
        first = (
            TrainingRegistration.objects.filter(
                training=training, status=RegistrationStatus.WAITLISTED
            )
            .order_by("registered_at", "pk")
            .first()
        )
        if first is not None:
            first.status = RegistrationStatus.REGISTERED
            first.version += 1
            first.save()
            notify(
                recipients=[first.person],
                kind="training.place",
                text=format_lazy(
                    gettext_lazy("A place freed up: you are registered for “{training}”."),
                    training=training.title,
                ),
                url=reverse("training-list"),
                event_key=f"training:{training.pk}:place:{first.pk}:{first.version}",
                actor=by,
            )
    return registration


@transaction.atomic
def training_attendance_record(
    *, training: Training, by: User, person: User, attended: bool
) -> TrainingRegistration:
    """The organiser's planners and administrators record who came, from the first day."""
    if not can_record_attendance(by, training):
        raise PermissionDenied(_("Only the organiser's planners and administrators record this."))
    training = _lock(training)
    if timezone.localdate() < training.start_date:
        raise ValidationError(_("Attendance is recorded once the training has started."))
    registration = TrainingRegistration.objects.filter(
        training=training,
        person=person,
        status__in=[*HOLDING_A_PLACE, RegistrationStatus.NO_SHOW],
    ).first()
    if registration is None:
        raise ValidationError({"person": _("This person has no place on this training.")})
    registration.status = RegistrationStatus.ATTENDED if attended else RegistrationStatus.NO_SHOW
    registration.version += 1
    registration.save()
    return registration
