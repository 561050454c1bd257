"""Lesson page forms: shapes only; `lessons.services` checks every rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import OrganisationsSuggestField, OrganisationSuggestField
from accounts.models import Organisation
from lessons.models import (
    ActionStatus,
    Classification,
    Lesson,
    LessonStatus,
    Releasability,
    RemedialAction,
)
from lessons.selectors import LessonFilters
from lessons.services.actions import ACTION_TRANSITIONS
from missions.forms import MultipleFileField, PlanSuggestField
from missions.models import Domain, Plan
from strategy.forms import OrganisationChoiceField


def _date_input(**attrs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _today_at_most(form: forms.BaseForm, name: str) -> None:
    form.fields[name].widget.attrs["max"] = timezone.localdate().isoformat()


def _active_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).order_by("name")


class LessonFilterForm(forms.Form):
    search = forms.CharField(
        required=False,
        max_length=200,
        label=_("Search"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Words in the lessons"),
                "aria-label": _("Search"),
            }
        ),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *LessonStatus.choices]
    )
    domain = forms.ChoiceField(required=False, choices=[("", _("Any domain")), *Domain.choices])
    classification = forms.ChoiceField(
        required=False, choices=[("", _("Any classification")), *Classification.choices]
    )
    source_organisation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    theatre = forms.CharField(required=False, max_length=120)
    observed_after = forms.DateField(required=False, label=_("Observed from"), widget=_date_input())
    observed_before = forms.DateField(
        required=False, label=_("Observed until"), widget=_date_input()
    )
    # From the daily digest's link: what is new since a day in what the person follows.
    followed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    since = forms.DateField(required=False, widget=forms.HiddenInput)

    def filters(self) -> LessonFilters:
        """The filters that are valid; a bad value is ignored (and shown on the form)."""
        data = self.cleaned_data if self.is_valid() else {}
        return LessonFilters(
            search=(data.get("search") or "").strip(),
            status=data.get("status") or "",
            domain=data.get("domain") or "",
            theatre=(data.get("theatre") or "").strip(),
            source_organisation=data.get("source_organisation") or None,
            classification=data.get("classification") or "",
            observed_after=data.get("observed_after"),
            observed_before=data.get("observed_before"),
            followed=bool(data.get("followed")),
            new_since=data.get("since"),
        )


class LessonCaptureForm(forms.Form):
    """The tablet form: the observation in under a minute; the rest of ODCR is optional."""

    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("In a few words: what did you see?")
    )
    observation = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what happened.")},
    )
    source_plan = PlanSuggestField(
        label=_("Plan"),
        queryset=Plan.objects.none(),
        required=False,
        placeholder=_("No plan"),
        help_text=_("Optional: the plan it happened under. Type part of its title or theatre."),
    )
    theatre = forms.CharField(
        label=_("Where"),
        max_length=120,
        required=False,
        help_text=_("The theatre. Left empty, the chosen plan's theatre is used."),
    )
    observed_on = forms.DateField(label=_("Observed on"), widget=_date_input())
    source_organisation = OrganisationChoiceField(
        label=_("Recorded for"), queryset=Organisation.objects.none()
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Optional: take a photo with the camera."),
    )
    # Under "more": the rest of the ODCR form, for whoever has the time.
    discussion = forms.CharField(
        label=_("Discussion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendation = forms.CharField(
        label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    domains = forms.MultipleChoiceField(
        label=_("Domains"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=Classification.choices,
        initial=Classification.UNCLASSIFIED,
    )

    QUICK = ("title", "observation", "source_plan", "theatre", "observed_on", "photo")
    MORE = ("discussion", "conclusion", "recommendation", "domains", "classification")

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        plans: QuerySet[Plan],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("observed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        organisation = self.fields["source_organisation"]
        organisation.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in self.organisations]
        ).order_by("name")
        if len(self.organisations) == 1:
            # One organisation: nothing to choose, so nothing to show.
            organisation.required = False
            organisation.widget = forms.HiddenInput()
        plan = self.fields["source_plan"]
        plan.queryset = plans  # type: ignore[attr-defined]
        # Choosing a plan fills "Where" with its theatre, unless one is typed (the page
        # answers with the field filled, and htmx swaps it in).
        plan.widget.value_attrs.update(
            {
                "hx-get": reverse("lesson-capture"),
                "hx-trigger": "change",
                "hx-include": "#id_theatre",
                "hx-select": "#id_theatre",
                "hx-target": "#id_theatre",
                "hx-swap": "outerHTML",
            }
        )
        _today_at_most(self, "observed_on")

    def quick_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.QUICK]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MORE]

    def more_has_errors(self) -> bool:
        return any(name in self.errors for name in self.MORE)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("photo")
        if not data["source_organisation"]:
            data["source_organisation"] = self.organisations[0]
        plan = data["source_plan"]
        if not data["theatre"].strip() and plan is not None:
            data["theatre"] = plan.theatre
        return data


class LessonEditForm(forms.ModelForm):
    domains = forms.MultipleChoiceField(
        label=_("Domains"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source_plan = PlanSuggestField(
        label=_("Plan"), queryset=Plan.objects.none(), required=False, placeholder=_("No plan")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Lesson
        fields = [
            "title",
            "observation",
            "discussion",
            "conclusion",
            "recommendation",
            "theatre",
            "observed_on",
            "source_plan",
            "domains",
            "classification",
        ]
        labels = {
            "title": _("Title"),
            "observation": _("What happened"),
            "discussion": _("Discussion"),
            "conclusion": _("Conclusion"),
            "recommendation": _("Recommendation"),
            "theatre": _("Where"),
            "observed_on": _("Observed on"),
            "classification": _("Classification"),
        }
        widgets = {
            "observation": forms.Textarea(attrs={"rows": 5}),
            "discussion": forms.Textarea(attrs={"rows": 4}),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "observed_on": _date_input(),
        }

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lesson = self.instance
        # The plan it has stays choosable even when the editor does not see it.
        self.fields["source_plan"].queryset = (  # type: ignore[attr-defined]
            Plan.objects.filter(pk__in=plans.values("pk"))
            | Plan.objects.filter(pk=lesson.source_plan_id)
        )
        if not self.is_bound:
            self.initial["version"] = lesson.version
            self.initial["domains"] = [row.domain for row in lesson.domain_rows.all()]
        _today_at_most(self, "observed_on")

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Move it to"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to reject it: the author is told why."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, lesson: Lesson, next_statuses: Sequence[str], **kwargs: Any):
        kwargs.setdefault("initial", {"version": lesson.version})
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (s, LessonStatus(s).label) for s in next_statuses
        ]


class ReleaseForm(forms.Form):
    releasability = forms.ChoiceField(
        label=_("Who may read it"), choices=Releasability.choices, widget=forms.RadioSelect
    )
    organisations = OrganisationsSuggestField(
        label=_("Named organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only for a release to named organisations."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why, for the approver who decides a wider release."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, lesson: Lesson, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "releasability": lesson.releasability,
                "organisations": [r.organisation_id for r in lesson.releases.all()],
                "version": lesson.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = _active_organisations().exclude(  # type: ignore[attr-defined]
            pk=lesson.source_organisation_id
        )


class ActionTaskForm(forms.Form):
    action_body = OrganisationSuggestField(
        label=_("Action body"),
        queryset=Organisation.objects.none(),
        help_text=_("The organisation that must act: it must be able to read the lesson."),
    )
    description = forms.CharField(
        label=_("What must change"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Due on"), widget=_date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action_body"].queryset = _active_organisations()  # type: ignore[attr-defined]
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()


class ActionReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, and how we know: needed to mark it done."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to decline it."),
    )
    attachments = MultipleFileField(label=_("Evidence files"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, action: RemedialAction, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": action.status,
                "evidence": action.evidence,
                "reason": action.reason,
                "version": action.version,
            },
        )
        kwargs.setdefault("prefix", f"action-{action.pk}")
        super().__init__(*args, **kwargs)
        allowed = (action.status, *ACTION_TRANSITIONS.get(action.status, ()))
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (s, ActionStatus(s).label) for s in allowed
        ]

    def service_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("status", "evidence", "reason")}


class SubscriptionForm(forms.Form):
    domain = forms.ChoiceField(
        label=_("A domain"), required=False, choices=[("", "—"), *Domain.choices]
    )
    theatre = forms.CharField(label=_("Or a theatre"), required=False, max_length=120)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("domain")) == bool((cleaned.get("theatre") or "").strip()):
            raise forms.ValidationError(_("Choose a domain or type a theatre, not both."))
        return cleaned
