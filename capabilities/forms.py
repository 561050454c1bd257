"""Capabilities page forms: shapes only; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    organisation = OrganisationChoice(
        queryset=Organisation.objects.none(), empty_label=None, label=gettext_lazy("Organisation")
    )
    kind = forms.ChoiceField(choices=CapabilityKind.choices, label=gettext_lazy("Kind"))
    domain = forms.ChoiceField(choices=Domain.choices, label=gettext_lazy("Domain"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Description")
    )
    quantity = _quantity(label=gettext_lazy("Quantity"))
    unit = forms.CharField(
        max_length=40,
        label=gettext_lazy("Unit"),
        help_text=gettext_lazy("What the quantity counts: teams, experts."),
    )
    available_from = forms.DateField(widget=DateInput, label=gettext_lazy("Available from"))
    available_until = forms.DateField(
        widget=DateInput,
        label=gettext_lazy("Available until"),
        help_text=gettext_lazy("The last day included."),
    )
    constraints = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Constraints"),
        help_text=gettext_lazy('Caveats, e.g. "no deployment south of the river".'),
    )
    visibility = forms.ChoiceField(
        choices=OfferVisibility.choices,
        widget=forms.RadioSelect,
        initial="organisation",
        label=gettext_lazy("Visibility"),
    )
    shared_with = OrganisationsSuggestField(
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        label=gettext_lazy("Shared with"),
        help_text=gettext_lazy("Who sees it when shared with named organisations."),
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
    kind = forms.ChoiceField(choices=CapabilityKind.choices, label=gettext_lazy("Kind"))
    domain = forms.ChoiceField(choices=Domain.choices, label=gettext_lazy("Domain"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Description")
    )
    quantity = _quantity(
        min_value=Decimal(0),
        label=gettext_lazy("Quantity"),
        help_text=gettext_lazy("Zero keeps a need met another way."),
    )
    unit = forms.CharField(
        max_length=40,
        label=gettext_lazy("Unit"),
        help_text=gettext_lazy("What the quantity counts: teams, experts."),
    )
    needed_from = forms.DateField(widget=DateInput, label=gettext_lazy("Needed from"))
    needed_until = forms.DateField(
        widget=DateInput,
        label=gettext_lazy("Needed until"),
        help_text=gettext_lazy("The last day included."),
    )
    priority = forms.ChoiceField(
        choices=Priority.choices, initial=Priority.MEDIUM, label=gettext_lazy("Priority")
    )
    line_of_effort = forms.ModelChoiceField(
        queryset=LineOfEffort.objects.none(),
        required=False,
        label=gettext_lazy("Line of effort"),
        empty_label=gettext_lazy("The whole plan"),
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        label=gettext_lazy("Activity"),
        empty_label=gettext_lazy("No one activity"),
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
        return _("%(organisation)s: %(offer)s (%(amount)s, %(start)s to %(end)s)") % {
            "organisation": obj.organisation.acronym or obj.organisation.name,
            "offer": obj.description[:60],
            "amount": f"{obj.quantity.normalize():f} {obj.unit}",
            "start": date_format(obj.available_from, "j M Y"),
            "end": date_format(obj.available_until, "j M Y"),
        }


class RequirementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.description[:70]} ({obj.quantity.normalize():f} {obj.unit})"


class PledgeForm(forms.Form):
    requirement = RequirementChoice(queryset=Requirement.objects.none(), label=gettext_lazy("Need"))
    offer = OfferChoice(queryset=CapabilityOffer.objects.none(), label=gettext_lazy("Offer"))
    quantity = _quantity(
        label=gettext_lazy("Quantity"),
        help_text=gettext_lazy("In the need's unit; part of the offer is fine."),
    )
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Comment")
    )

    def __init__(self, *args: Any, requirements: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requirement: Any = self.fields["requirement"]
        requirement.queryset = requirements
        offer: Any = self.fields["offer"]
        offer.queryset = offers
