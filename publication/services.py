"""Publishing a plan's public page and withdrawing it: the lead's approvers, one
transaction each, recorded in the audit trail of decisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_decision
from accounts.concurrency import check_version
from accounts.models import User
from missions.models import Plan, PlanStatus
from publication.models import PlanPublication
from publication.permissions import can_publish_plan

PUBLISHABLE = (PlanStatus.APPROVED, PlanStatus.ACTIVE, PlanStatus.CLOSED)
"""A plan is published once its partners agreed it: approved, active, or closed (its record)."""

REFUSED = gettext_lazy(
    "Only an approver of the lead organisation can publish this plan or withdraw it."
)
MISSING_VERSION = gettext_lazy(
    "Send the version of the publication you edited, so no change is lost."
)
SLUG_MAX = PlanPublication._meta.get_field("slug").max_length or 80


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _current(plan: Plan) -> PlanPublication | None:
    return PlanPublication.objects.select_for_update().filter(plan=plan).first()


def _slug(wanted: str, title: str, publication: PlanPublication | None) -> str:
    slug = wanted.strip() or (publication.slug if publication else slugify(title)[:SLUG_MAX])
    if not slug:
        raise ValidationError(
            {"slug": _("Give the public page an address of letters, digits and hyphens.")}
        )
    try:
        validate_slug(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error.messages}) from error
    if len(slug) > SLUG_MAX:
        raise ValidationError(
            {"slug": _("An address has at most %(count)d characters.") % {"count": SLUG_MAX}}
        )
    taken = PlanPublication.objects.filter(slug=slug)
    if publication is not None:
        taken = taken.exclude(pk=publication.pk)
    if taken.exists():
        raise ValidationError(
            {"slug": _("Another plan's public page has this address: choose another.")}
        )
    return slug


@transaction.atomic
def plan_publish(
    *,
    plan: Plan,
    by: User,
    public_title: str,
    public_summary: str,
    slug: str = "",
    version: int | None = None,
) -> PlanPublication:
    """Publish the plan's public page, or change its public words while published.

    The words are the lead's own, written for the public; nothing of the plan's internal
    text is copied into them. A publication already made (published or withdrawn) is
    changed only at the version the approver read (`version`), else 409.
    """
    plan = _lock(plan)
    if not can_publish_plan(by, plan):
        raise PermissionDenied(REFUSED)
    if plan.status not in PUBLISHABLE:
        raise ValidationError(
            _("Only an approved, active or closed plan can be published; this plan is %(status)s.")
            % {"status": plan.get_status_display().lower()}
        )
    errors = {}
    public_title, public_summary = public_title.strip(), public_summary.strip()
    if not public_title:
        errors["public_title"] = _("Give the mission a name for the public.")
    if not public_summary:
        errors["public_summary"] = _(
            "Write the public summary: what the mission is, for the public."
        )
    if errors:
        raise ValidationError(errors)
    publication = _current(plan)
    if publication is not None:
        if version is None:
            raise ValidationError({"version": MISSING_VERSION})
        check_version(publication, version)
    slug = _slug(slug, public_title, publication)
    now = timezone.now()
    if publication is None:
        publication = PlanPublication(plan=plan)
    else:
        publication.version += 1
    if not publication.published:
        publication.published_at = now
        publication.published_by = by
    publication.published = True
    publication.public_title = public_title
    publication.public_summary = public_summary
    publication.slug = slug
    publication.save()
    audit_decision(
        by=by,
        subject=plan,
        action="publish_plan",
        outcome="publish",
        organisation_id=plan.lead_organisation_id,
    )
    return publication


@transaction.atomic
def plan_unpublish(*, plan: Plan, by: User, version: int | None = None) -> PlanPublication:
    """Withdraw the public page: it answers 404 at once. Its address and words are kept for
    publishing again."""
    plan = _lock(plan)
    if not can_publish_plan(by, plan):
        raise PermissionDenied(REFUSED)
    publication = _current(plan)
    if publication is None or not publication.published:
        raise ValidationError(_("This plan is not published."))
    if version is not None:
        check_version(publication, version)
    publication.published = False
    publication.published_at = None
    publication.version += 1
    publication.save(update_fields=["published", "published_at", "version", "updated"])
    audit_decision(
        by=by,
        subject=plan,
        action="unpublish_plan",
        outcome="unpublish",
        organisation_id=plan.lead_organisation_id,
    )
    return publication
