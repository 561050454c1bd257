"""Page forms for plans. They validate input only; missions.services does every write and
decides every rule (the services' refusals are put back on these forms by the views)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.forms import OrganisationsSuggestField, OrganisationSuggestField
from accounts.models import Organisation, User
from accounts.selectors import organisation_list
from accounts.suggest import SuggestChoiceField
from missions.models import (
    Activity,
    ActivityStatus,
    ActorType,
    Consultation,
    LineOfEffort,
    Milestone,
    ParticipantRole,
    Phase,
    Plan,
    PlanStatus,
    TaskNature,
)
from missions.services import (
    ACTIVITY_FIELDS,
    CONSULTATION_FIELDS,
    LINE_FIELDS,
    MILESTONE_FIELDS,
    PLAN_FIELDS,
)
from secondments.models import Post
from strategy.forms import (
    OrganisationChoiceField,
    StrategySuggestField,
)
from strategy.models import Goal, Strategy
from strategy.selectors import visible_strategies

# A date input takes ISO dates whatever the language.
DATE_WIDGET = {"type": "date"}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


def _version_field(form: forms.BaseForm, instance: Any) -> None:
    if instance.pk:
        form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)


def _participant_organisations(plan: Plan) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=plan.participants.values("organisation_id")).order_by(
        "name"
    )


PLAN_SEARCH = ("title", "theatre")


def plan_label(plan: Plan) -> str:
    return f"{plan.title} ({plan.theatre})" if plan.theatre else str(plan.title)


class PlanSuggestField(SuggestChoiceField):
    """A plan of `queryset`, chosen by typing its title or theatre."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", _("Type a plan's title or theatre"))
        super().__init__(url_name="suggest-plans", search_fields=PLAN_SEARCH, noun="plan", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return plan_label(obj)


class PlanFilterForm(forms.Form):
    theatre = forms.CharField(
        required=False,
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Theatre"),
                "aria-label": _("Theatre"),
            }
        ),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Any status")), *PlanStatus.choices],
        widget=forms.Select(attrs={"aria-label": _("Status")}),
    )
    phase = forms.ChoiceField(
        required=False,
        choices=[("", _("Any phase")), *Phase.choices],
        widget=forms.Select(attrs={"aria-label": _("Phase")}),
    )
    strategy = StrategySuggestField(
        required=False,
        queryset=Strategy.objects.none(),
        placeholder=_("Any strategy"),
        widget_attrs={"aria-label": _("Strategy")},
    )
    participant = OrganisationSuggestField(
        required=False,
        queryset=Organisation.objects.none(),
        placeholder=_("Any participant"),
        widget_attrs={"aria-label": _("Participating organisation")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strategy: Any = self.fields["strategy"]
        strategy.queryset = visible_strategies(user)
        participant: Any = self.fields["participant"]
        participant.queryset = organisation_list(user=user)


class PlanForm(forms.ModelForm):
    """Create (with a lead) or edit (with the version). Participants are chosen in two lists,
    contributors (who review the plan) and consulted organisations (who do not)."""

    contributors = OrganisationsSuggestField(
        label=_("Contributing organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Each contributor's approvers review the plan before the lead approves it."),
    )
    consulted = OrganisationsSuggestField(
        label=_("Consulted organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("They see the plan and can be recorded as consulted; they do not review it."),
    )
    strategy = StrategySuggestField(
        label=_("Strategy it serves"),
        queryset=Strategy.objects.none(),
        required=False,
        placeholder=_("None yet: the crisis is being assessed"),
        help_text=_("Type part of its title or theatre, then choose it."),
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("Posts serving this plan"),
        queryset=Post.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Posts of the participating organisations; linking them is not an amendment."),
    )

    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "start_date": _date_input(),
            "end_date": _date_input(),
        }

    def __init__(
        self,
        *args: Any,
        strategies: QuerySet[Strategy],
        lead_choices: list[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance
        current = dict(plan.participants.values_list("organisation_id", "role")) if plan.pk else {}
        # Organisations already taking part stay choosable even if since deactivated, so
        # saving the form does not silently drop them.
        organisations = Organisation.objects.filter(
            Q(is_active=True) | Q(pk__in=list(current))
        ).order_by("name")
        strategy_field: Any = self.fields["strategy"]
        strategy_field.queryset = Strategy.objects.filter(
            Q(pk__in=strategies.values("pk")) | Q(pk=plan.strategy_id or 0)
        )
        for name in ("contributors", "consulted"):
            field: Any = self.fields[name]
            field.queryset = organisations
        if plan.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            for name in ("contributors", "consulted"):
                field = self.fields[name]
                field.queryset = organisations.exclude(pk=plan.lead_organisation_id)
            self.initial.setdefault(
                "contributors",
                [o for o, role in current.items() if role == ParticipantRole.CONTRIBUTOR],
            )
            self.initial.setdefault(
                "consulted", [o for o, role in current.items() if role == ParticipantRole.CONSULTED]
            )
            linked = list(plan.posts.values_list("pk", flat=True))
            posts: Any = self.fields["posts"]
            # Posts already linked stay listed, so a host that stopped taking part is named
            # in the error rather than its post silently dropped.
            posts.queryset = Post.objects.filter(
                Q(host_organisation_id__in=list(current)) | Q(pk__in=linked)
            ).select_related("host_organisation")
            self.initial.setdefault("posts", linked)
            return
        # A new plan has no participants yet: its posts are linked once it is saved.
        del self.fields["posts"]
        leads = lead_choices or []
        self.fields["lead_organisation"] = OrganisationChoiceField(
            label=_("Lead organisation"),
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in leads]).order_by("name"),
            empty_label=None if len(leads) == 1 else "Choose the lead",
            help_text=_("Organisations where you are a planner. The lead's approvers approve it."),
        )
        contributors: Any = self.fields["contributors"]
        contributors.help_text = _(
            "Each contributor's approvers review the plan before the lead approves it. "
            "The lead takes part as the lead, whether chosen or not."
        )
        self.order_fields(
            ["title", "theatre", "strategy", "phase", "lead_organisation", "start_date", "end_date"]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        both = set(cleaned.get("contributors") or []) & set(cleaned.get("consulted") or [])
        if both:
            names = ", ".join(sorted(o.name for o in both))
            self.add_error(
                "consulted",
                gettext("Choose one role for %(names)s: contributor or consulted.")
                % {"names": names},
            )
        return cleaned

    def participants(self) -> list[tuple[Organisation, str]]:
        return [(o, ParticipantRole.CONTRIBUTOR) for o in self.cleaned_data["contributors"]] + [
            (o, ParticipantRole.CONSULTED) for o in self.cleaned_data["consulted"]
        ]


class LineOfEffortForm(forms.ModelForm):
    order = forms.IntegerField(
        required=False, min_value=0, help_text=_("Lines of effort are listed by this number.")
    )
    lead_organisation = OrganisationChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none()
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Strategy goals it serves"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LineOfEffort
        fields = (*LINE_FIELDS, "goals")

    def __init__(self, *args: Any, plan: Plan, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _version_field(self, self.instance)
        self.fields["lead_organisation"].queryset = _participant_organisations(plan)  # type: ignore[attr-defined]
        self.fields["lead_organisation"].help_text = _("One of the organisations taking part.")
        if plan.strategy_id is None:
            del self.fields["goals"]
        else:
            self.fields["goals"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]
                strategy_id=plan.strategy_id, strategy__in=visible_strategies(user)
            ).order_by("order", "id")

    def data_for_service(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in LINE_FIELDS}
        if data["order"] is None:
            data["order"] = 0
        if "goals" in self.fields:
            data["goals"] = list(self.cleaned_data["goals"])
        return data


class ActivityForm(forms.ModelForm):
    line_of_effort = forms.ModelChoiceField(
        label=_("Line of effort"), queryset=LineOfEffort.objects.none(), empty_label=None
    )
    responsible_organisation = OrganisationChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("One of the organisations taking part; its planners update the progress."),
    )

    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS
        labels = {
            "actor_type": _("Who carries it out"),
            "task_nature": _("Nature of the task"),
            "place_name": _("Place"),
            "sector": _("DAC sector code"),
            "public": _("Show on the public page"),
        }
        help_texts = {
            "military_justification": _(
                "As civilian as possible, as military as necessary: a military actor on a "
                "non-military task must say why no civilian actor can do it."
            ),
            "latitude": _("Optional, in decimal degrees."),
            "longitude": _("Optional, in decimal degrees."),
            "sector": _(
                "For development activities published to IATI: the OECD DAC 5-digit purpose "
                "code, e.g. 15130 for legal and judicial development."
            ),
            "public": _(
                "Once the lead publishes the plan, its public page shows this activity's title, "
                "status and progress (never its description)."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "sector": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{5}"}),
            "military_justification": forms.Textarea(attrs={"rows": 3}),
            "actor_type": forms.RadioSelect,
            "task_nature": forms.RadioSelect,
            "start_date": _date_input(),
            "end_date": _date_input(),
        }

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _version_field(self, self.instance)
        self.fields["responsible_organisation"].queryset = _participant_organisations(plan)  # type: ignore[attr-defined]
        self.fields["line_of_effort"].queryset = plan.lines_of_effort.order_by("order", "id")  # type: ignore[attr-defined]
        # Radio buttons without the blank "---------" choice a model field brings.
        self.fields["actor_type"].choices = ActorType.choices  # type: ignore[attr-defined]
        self.fields["task_nature"].choices = TaskNature.choices  # type: ignore[attr-defined]
        if not self.instance.pk:
            # A new activity goes under the line of effort it was added from.
            del self.fields["line_of_effort"]

    def data_for_service(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in ACTIVITY_FIELDS if f in self.cleaned_data}


class ProgressForm(forms.Form):
    """Status and progress of one activity, made for a tablet in the field."""

    status = forms.ChoiceField(
        label=_("Status"), choices=ActivityStatus.choices, widget=forms.RadioSelect
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(
            attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric", "class": "big-number"}
        ),
        error_messages={
            "min_value": _("Progress is a percentage, from 0 to 100."),
            "max_value": _("Progress is a percentage, from 0 to 100."),
            "required": _("Give the progress, from 0 to 100."),
            "invalid": _("Give the progress as a whole number, from 0 to 100."),
        },
        help_text=_(
            "At 100 % the activity is marked done, unless it is cancelled or you choose "
            "another status."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": "image/*,application/pdf",
                    "capture": "environment",
                    "multiple": True,
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        files: Iterable[Any] = data if isinstance(data, list | tuple) else [data]
        return [single(f, initial) for f in files if f]


class _ActivityChoice(forms.Select):
    """Each activity's option carries the activity's version; the page (static/js/app.js)
    copies the chosen one into `activity_version`, so a progress update names what it read."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        activity = getattr(option["value"], "instance", None)
        if activity is not None:
            option["attrs"]["data-version"] = activity.version
        return option


class FieldReportForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("The plan as a whole"),
        help_text=_("Choose an activity to report on it and update its progress."),
        widget=_ActivityChoice(attrs={"data-version-into": "activity_version"}),
    )
    activity_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), widget=_date_input())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    situation = forms.CharField(
        label=_("Situation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe the situation you found.")},
    )
    progress_update = forms.IntegerField(
        label=_("Activity progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(
            attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric", "class": "big-number"}
        ),
        error_messages={
            "min_value": _("Progress is a percentage, from 0 to 100."),
            "max_value": _("Progress is a percentage, from 0 to 100."),
            "invalid": _("Give the progress as a whole number, from 0 to 100."),
        },
        help_text=_("Optional: the activity's progress as you saw it."),
    )
    attachments = MultipleFileField(
        label=_("Photos or PDF documents"),
        required=False,
        help_text=_("Take photos with the camera or choose files: images or PDF only."),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = (  # type: ignore[attr-defined]
            Activity.objects.filter(line_of_effort__plan=plan)
            .select_related("line_of_effort")
            .order_by("line_of_effort__order", "line_of_effort_id", "start_date", "id")
        )
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A field report cannot be dated in the future."))
        return date

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("progress_update") is not None and not cleaned.get("activity"):
            self.add_error(
                "progress_update", _("A progress update is for an activity: choose one.")
            )
        return cleaned


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = MILESTONE_FIELDS
        labels = {"achieved_on": _("Achieved on")}
        help_texts = {"achieved_on": _("Leave empty until it is achieved.")}
        widgets = {"due_date": _date_input(), "achieved_on": _date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _version_field(self, self.instance)


class ConsultationForm(forms.ModelForm):
    stakeholder = OrganisationChoiceField(
        label=_("Stakeholder consulted"),
        queryset=Organisation.objects.none(),
        help_text=_("An organisation taking part in the plan; add it as consulted first."),
    )

    class Meta:
        model = Consultation
        fields = CONSULTATION_FIELDS
        labels = {"follow_up": _("Follow-up")}
        widgets = {
            "date": _date_input(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _version_field(self, self.instance)
        self.fields["stakeholder"].queryset = _participant_organisations(plan)  # type: ignore[attr-defined]
