"""Capabilities page forms: shapes only; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from accounts.forms import OrganisationsSuggestField, organisation_label
from accounts.models import Organisation
from capabilities.models import (
    CapabilityKind,
    CapabilityOffer,
    OfferVisibility,
    Priority,
    Requirement,
)
from missions.models import Activity, Domain, LineOfEffort, Plan


class DateInput(forms.DateInput):
    input_type = "date"


def _quantity(**kwargs: Any) -> forms.DecimalField:
    kwargs.setdefault("min_value", Decimal("0.01"))
    return forms.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class OfferForm(forms.Form):
    organisation = OrganisationChoice(queryset=Organisation.objects.none(), empty_label=None)
    kind = forms.ChoiceField(choices=CapabilityKind.choices)
    domain = forms.ChoiceField(choices=Domain.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    quantity = _quantity()
    unit = forms.CharField(max_length=40, help_text="What the quantity counts: teams, experts.")
    available_from = forms.DateField(widget=DateInput)
    available_until = forms.DateField(widget=DateInput, help_text="The last day included.")
    constraints = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='Caveats, e.g. "no deployment south of the river".',
    )
    visibility = forms.ChoiceField(
        choices=OfferVisibility.choices, widget=forms.RadioSelect, initial="organisation"
    )
    shared_with = OrganisationsSuggestField(
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text="Who sees it when shared with named organisations.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        offer: CapabilityOffer | None = None,
        **kwargs: Any,
    ) -> None:
        if offer is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{
                        name: getattr(offer, name)
                        for name in (
                            "kind",
                            "domain",
                            "description",
                            "quantity",
                            "unit",
                            "available_from",
                            "available_until",
                            "constraints",
                            "visibility",
                        )
                    },
                    "organisation": offer.organisation_id,
                    "shared_with": list(offer.shared_with.all()),
                    "version": offer.version,
                },
            )
        super().__init__(*args, **kwargs)
        organisation: Any = self.fields["organisation"]
        if offer is not None:
            organisation.queryset = Organisation.objects.filter(pk=offer.organisation_id)
            organisation.disabled = True
        else:
            organisation.queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in organisations]
            ).order_by("name")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(choices=CapabilityKind.choices)
    domain = forms.ChoiceField(choices=Domain.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    quantity = _quantity(min_value=Decimal(0), help_text="Zero keeps a need met another way.")
    unit = forms.CharField(max_length=40, help_text="What the quantity counts: teams, experts.")
    needed_from = forms.DateField(widget=DateInput)
    needed_until = forms.DateField(widget=DateInput, help_text="The last day included.")
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.MEDIUM)
    line_of_effort = forms.ModelChoiceField(
        queryset=LineOfEffort.objects.none(), required=False, empty_label="The whole plan"
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(), required=False, empty_label="No one activity"
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        line: Any = self.fields["line_of_effort"]
        line.queryset = LineOfEffort.objects.filter(plan=plan).order_by("order", "pk")
        activity: Any = self.fields["activity"]
        activity.queryset = Activity.objects.filter(line_of_effort__plan=plan).order_by(
            "start_date", "pk"
        )


class OfferChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (
            f"{obj.organisation.acronym or obj.organisation.name}: {obj.description[:60]} "
            f"({obj.quantity.normalize():f} {obj.unit}, "
            f"{obj.available_from:%-d %b %Y} to {obj.available_until:%-d %b %Y})"
        )


class RequirementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.description[:70]} ({obj.quantity.normalize():f} {obj.unit})"


class PledgeForm(forms.Form):
    requirement = RequirementChoice(queryset=Requirement.objects.none(), label="Need")
    offer = OfferChoice(queryset=CapabilityOffer.objects.none())
    quantity = _quantity(help_text="In the need's unit; part of the offer is fine.")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, requirements: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requirement: Any = self.fields["requirement"]
        requirement.queryset = requirements
        offer: Any = self.fields["offer"]
        offer.queryset = offers
