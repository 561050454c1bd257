"""Page forms for strategies. They validate input only; strategy.services does every write."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import OrganisationsSuggestField, OrganisationSuggestField, organisation_label
from accounts.models import Organisation, User
from accounts.selectors import organisation_list
from accounts.suggest import SuggestChoiceField
from strategy.models import (
    Approach,
    ConflictDriver,
    GlossaryTerm,
    Goal,
    Indicator,
    IndicatorReading,
    PlanningProcess,
    Strategy,
    StrategyStatus,
)
from strategy.services import (
    DRIVER_FIELDS,
    GLOSSARY_FIELDS,
    GOAL_FIELDS,
    INDICATOR_FIELDS,
    STRATEGY_FIELDS,
)


def _active_organisations(also: Iterable[int] = ()) -> Any:
    # Partners already on a strategy stay choosable even if they were since deactivated,
    # so saving the form does not silently drop them.
    return Organisation.objects.filter(Q(is_active=True) | Q(pk__in=list(also))).order_by("name")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


STRATEGY_SEARCH = ("title", "theatre")


class StrategySuggestField(SuggestChoiceField):
    """A strategy of `queryset`, chosen by typing its title or theatre."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", _("Type a strategy's title or theatre"))
        super().__init__(
            url_name="suggest-strategies",
            search_fields=STRATEGY_SEARCH,
            noun=_("strategy"),
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class StrategyFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label=_("Theatre"),
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Theatre or title"),
                "aria-label": _("Search by theatre or title"),
                "type": "search",
            }
        ),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Any status")), *StrategyStatus.choices],
        widget=forms.Select(attrs={"aria-label": _("Status")}),
    )
    approach = forms.ChoiceField(
        required=False,
        choices=[("", _("Any approach")), *Approach.choices],
        widget=forms.Select(attrs={"aria-label": _("Approach")}),
    )
    partner = OrganisationSuggestField(
        required=False,
        queryset=Organisation.objects.none(),
        placeholder=_("Any partner"),
        widget_attrs={"aria-label": _("Partner organisation")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner: Any = self.fields["partner"]
        partner.queryset = organisation_list(user=user)


class StrategyForm(forms.ModelForm):
    """Create (with a lead and an optional predecessor) or edit (with the version)."""

    processes = forms.MultipleChoiceField(
        label=_("Parallel planning processes it links"),
        choices=PlanningProcess.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = OrganisationsSuggestField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The lead organisation is always a partner. Every partner must endorse."),
    )

    class Meta:
        model = Strategy
        fields = STRATEGY_FIELDS
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        *args: Any,
        lead_choices: list[Organisation] | None = None,
        predecessor_choices: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        current = (
            list(self.instance.partnerships.values_list("organisation_id", flat=True))
            if self.instance.pk
            else []
        )
        self.fields["partners"].queryset = _active_organisations(current)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["partners"].queryset = self.fields["partners"].queryset.exclude(  # type: ignore[attr-defined]
                pk=self.instance.lead_organisation_id
            )
            return
        self.fields["partners"].help_text = _(
            "The lead organisation is always a partner, whether chosen or not. "
            "Every partner must endorse."
        )
        self.fields["lead_organisation"] = OrganisationChoiceField(
            label=_("Lead organisation"),
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in lead_choices or []]),
            empty_label=None if len(lead_choices or []) == 1 else _("Choose the political lead"),
            help_text=_("Organisations where you are a planner."),
        )
        self.fields["predecessor"] = StrategySuggestField(
            label=_("Supersedes"),
            queryset=predecessor_choices
            if predecessor_choices is not None
            else Strategy.objects.none(),
            required=False,
            placeholder=_("Nothing: this is a new strategy"),
            help_text=_(
                "An agreed strategy your organisation leads. Once this strategy is agreed, the "
                "one it supersedes is marked superseded."
            ),
            error_messages={
                "invalid_choice": _(
                    "Only an agreed strategy your organisation leads, not yet "
                    "superseded, can be superseded: choose another."
                )
            },
        )
        self.order_fields(
            ["title", "theatre", "approach", "lead_organisation", "partners", "processes"]
        )


class DriverForm(forms.ModelForm):
    order = forms.IntegerField(
        label=_("Order"),
        required=False,
        min_value=0,
        help_text=_("Drivers are listed by this number."),
    )

    class Meta:
        model = ConflictDriver
        fields = DRIVER_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)


class GoalForm(forms.ModelForm):
    order = forms.IntegerField(
        label=_("Order"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to add the goal at the end."),
    )
    drivers = forms.ModelMultipleChoiceField(
        label=_("Conflict drivers this goal addresses"),
        queryset=ConflictDriver.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Goal
        fields = GOAL_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["drivers"].queryset = strategy.drivers.order_by("order", "id")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["drivers"].initial = [d.pk for d in self.instance.drivers.all()]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        labels = {
            "warning_threshold": _("Early-warning threshold"),
            "warning_direction": _("Warn when readings are"),
        }
        help_texts = {
            "warning_threshold": _("Optional. Partners are told when a reading crosses it."),
        }
        widgets = {"warning_direction": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warning_direction"].choices = [  # type: ignore[attr-defined]
            ("", _("No early warning")),
            ("above", _("Above the threshold")),
            ("below", _("Below the threshold")),
        ]
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        threshold = cleaned.get("warning_threshold")
        direction = cleaned.get("warning_direction")
        if threshold is not None and not direction:
            self.add_error("warning_direction", _("Say whether to warn above or below it."))
        if threshold is None and direction and "warning_threshold" not in self.errors:
            self.add_error("warning_threshold", _("Give the value that should raise a warning."))
        return cleaned


class ReadingForm(forms.ModelForm):
    class Meta:
        model = IndicatorReading
        fields = ("date", "value", "note")
        # A date input takes ISO dates whatever the language.
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, unit: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if unit:
            self.fields["value"].label = format_lazy(_("Value ({unit})"), unit=unit)

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A reading cannot be in the future."))
        return date


class GlossarySearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("A term, or what UN, NATO, EU or a ministry calls it"),
                "aria-label": _("Search the glossary"),
            }
        ),
    )


class GlossaryTermForm(forms.ModelForm):
    class Meta:
        model = GlossaryTerm
        fields = GLOSSARY_FIELDS
        labels = {
            "un_impp": _("UN integrated planning (IMPP)"),
            "nato_cpa": _("NATO planning"),
            "eu_integrated": _("EU integrated approach"),
            "whole_of_government": _("National whole-of-government"),
        }
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"term": {"unique": _("This term is already in the glossary.")}}


class GlossaryDecisionForm(forms.Form):
    """What every decision on a glossary proposal carries: the version the curator saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GlossaryMergeForm(GlossaryDecisionForm):
    into = forms.ModelChoiceField(
        queryset=GlossaryTerm.objects.none(),
        label=_("Merge into"),
        error_messages={
            "required": _("Choose the term to merge it into."),
            "invalid_choice": _("Choose a term that is in the glossary (approved)."),
        },
    )

    def __init__(self, *args: Any, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = terms  # type: ignore[attr-defined]


class GlossaryDeclineForm(GlossaryDecisionForm):
    reason = forms.CharField(
        label=_("Why it is declined"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why, so the proposer can improve it.")},
    )
