from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.grants import grants_recompute
from accounts.models import AuditEvent, Membership, Organisation, User
from accounts.services import (
    membership_save,
    memberships_sync,
    organisation_delete,
    organisation_save,
)
from accounts.two_factor import two_factor_reset


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "valid_from", "valid_until"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).filter(managed_by="")


class ManagedMembershipInline(admin.TabularInline):
    """Memberships another record keeps (a secondment's host access): shown, never edited
    here, so access follows that record exactly."""

    model = Membership
    verbose_name = _("membership kept by another record")
    verbose_name_plural = _("memberships kept by other records (change them there)")
    extra = 0
    readonly_fields = ("organisation", "role", "valid_from", "valid_until", "managed_by")
    fields = readonly_fields
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).exclude(managed_by="")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline, ManagedMembershipInline]
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "two_factor",
    ]
    actions = ["reset_two_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(confirmed))

    @admin.display(boolean=True, description=_("Two-factor sign-in"), ordering="has_two_factor")
    def two_factor(self, user: User) -> bool:
        return bool(getattr(user, "has_two_factor", False))

    @admin.action(description=_("Reset two-factor sign-in (lost phone and recovery codes)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        people = list(queryset)
        had = two_factor_reset(users=people)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(had)d of %(count)d selected person. They sign "
                "in with their password alone until they turn it on again; staff are asked to "
                "set it up at once.",
                "Two-factor sign-in reset for %(had)d of %(count)d selected people. They sign "
                "in with their password alone until they turn it on again; staff are asked to "
                "set it up at once.",
                len(people),
            )
            % {"had": had, "count": len(people)},
            messages.SUCCESS,
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        memberships_sync(users=[form.instance])


class VersionCheckedForm(forms.ModelForm):
    """An admin form that refuses to overwrite a change saved since it was opened."""

    # Not named `version`: the model's field of that name is not editable in forms.
    edited_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edited_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk:
            current = (
                type(self.instance)
                .objects.values_list("version", flat=True)
                .get(pk=self.instance.pk)
            )
            if cleaned.get("edited_version") != current:
                raise forms.ValidationError(
                    gettext(
                        "Someone else changed this since you opened it. Reload the page to see "
                        "their changes, then make yours again."
                    )
                )
        return cleaned


class OrganisationAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "acronym", "slug", "country"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["version", "created"]
    actions = ["recompute_grants"]
    form = VersionCheckedForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        organisation_save(organisation=obj, is_new=not change)

    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        organisation_delete(organisation=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            organisation_delete(organisation=organisation)

    @admin.action(description=_("Recompute object permissions from the rules"))
    def recompute_grants(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            grants_recompute(organisation)
        self.message_user(
            request,
            gettext("Recomputed %(count)d organisation(s).") % {"count": queryset.count()},
            messages.SUCCESS,
        )


admin.site.register(Organisation, OrganisationAdmin)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "valid_from", "valid_until", "managed_by"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "valid_from"
    form = VersionCheckedForm

    readonly_fields = ["managed_by"]

    # A membership another record keeps (a secondment's host access) is shown, and changed
    # or ended only there, so that access follows that record exactly.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.managed_by) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.managed_by) and super().has_delete_permission(
            request, obj
        )

    # The admin wraps each save and delete in a transaction; group changes join it.
    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        membership_save(membership=obj, is_new=not change)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        super().delete_model(request, obj)
        memberships_sync(users=[obj.user])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        queryset = queryset.filter(managed_by="")  # the kept ones are ended where kept
        users = list(User.objects.filter(memberships__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        memberships_sync(users=users)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, to read and filter: records are written by the application only and
    never changed or deleted (see accounts/audit.py)."""

    list_display = [
        "at",
        "category",
        "username",
        "organisation",
        "action",
        "outcome",
        "status_code",
        "content_type",
        "object_id",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["category", "action", "outcome", "organisation", "at"]
    search_fields = ["username", "user__username", "user__last_name", "object_repr", "path"]
    list_select_related = ["organisation", "content_type"]
    date_hierarchy = "at"
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
