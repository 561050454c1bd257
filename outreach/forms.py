"""Communication and perception page forms: shapes only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from missions.models import Activity, Plan
from outreach.models import Audience, Channel, CommunicationItem, Measure
from strategy.models import Indicator


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ItemForm(forms.Form):
    """Add or change a message; the choices are the plan's participants and activities."""

    title = forms.CharField(max_length=200, help_text=_("A short headline for the calendar."))
    audience = forms.ChoiceField(choices=Audience.choices)
    channel = forms.ChoiceField(choices=Channel.choices)
    planned_date = forms.DateField(label=_("Planned date"), widget=DateInput)
    key_message = forms.CharField(
        label=_("Key message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    languages = forms.CharField(
        max_length=200,
        required=False,
        help_text=_("The languages it goes out in, e.g. Arabic, French."),
    )
    spokesperson = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("Its planners publish the message."),
    )
    named_participants = forms.ModelMultipleChoiceField(
        label=_("Participants whose work it names"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each one's approvers clear the message before it is published."),
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(), required=False, empty_label=_("No particular activity")
    )
    public = forms.BooleanField(
        label=_("Public: show it on the plan's public page once published"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = Organisation.objects.filter(
            pk__in=plan.participants.values("organisation_id")
        ).order_by("name")
        spokesperson: Any = self.fields["spokesperson"]
        spokesperson.queryset = participants
        named: Any = self.fields["named_participants"]
        named.queryset = participants
        activity: Any = self.fields["activity"]
        activity.queryset = Activity.objects.filter(line_of_effort__plan=plan).order_by("title")

    @staticmethod
    def initial_for(item: CommunicationItem) -> dict[str, Any]:
        return {
            "title": item.title,
            "audience": item.audience,
            "channel": item.channel,
            "planned_date": item.planned_date,
            "key_message": item.key_message,
            "languages": item.languages,
            "spokesperson": item.spokesperson_id,
            "named_participants": [o.pk for o in item.named_participants.all()],
            "activity": item.activity_id,
            "public": item.public,
            "version": item.version,
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["named_participants"] = list(data["named_participants"])
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PerceptionForm(forms.Form):
    """The tablet form: one indicator, one area, one figure; big targets, few words."""

    indicator = forms.ModelChoiceField(
        label=_("What was measured"),
        queryset=Indicator.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    area = forms.CharField(
        max_length=120, help_text=_("District, town or community surveyed."), label=_("Area")
    )
    date = forms.DateField(widget=DateInput, label=_("Date of the survey"))
    value = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        label=_("Result"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )
    measure = forms.ChoiceField(
        choices=Measure.choices, initial=Measure.PERCENT, widget=forms.RadioSelect, label=_("As a")
    )
    sample_size = forms.IntegerField(
        min_value=1,
        required=False,
        label=_("People asked"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Leave empty for community feedback."),
    )
    source = forms.CharField(max_length=200, help_text=_("Who ran the survey or meeting."))
    public = forms.BooleanField(
        label=_("Public: show this figure on the plan's public page"), required=False
    )
    note = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note")
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        indicator: Any = self.fields["indicator"]
        indicator.queryset = indicators
        choices = list(indicators[:2])
        if len(choices) == 1:  # one thing to measure: chosen already, one tap less
            self.initial.setdefault("indicator", choices[0].pk)
        indicator.label_from_instance = lambda i: f"{i.name}{f' ({i.unit})' if i.unit else ''}"
