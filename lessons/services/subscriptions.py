"""A person follows domains and theatres, for the daily digest (`lessons.reminders`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from lessons.models import LessonSubscription
from missions.models import Domain


@transaction.atomic
def lesson_subscription_add(*, by: User, domain: str = "", theatre: str = "") -> LessonSubscription:
    domain, theatre = domain.strip(), theatre.strip()
    if bool(domain) == bool(theatre):
        raise ValidationError(_("Follow either a domain or a theatre."))
    if domain and domain not in Domain.values:
        raise ValidationError({"domain": _("Unknown domain: %(domains)s.") % {"domains": domain}})
    subscription = LessonSubscription(person=by, domain=domain, theatre=theatre)
    subscription.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        raise ValidationError(_("You already follow this.")) from None
    return subscription


@transaction.atomic
def lesson_subscription_remove(*, subscription: LessonSubscription, by: User) -> None:
    if subscription.person_id != by.pk:
        raise PermissionDenied(_("You can only stop following what you follow."))
    subscription.delete()
