"""Funding page forms: the shape of input; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from funding.models import Allocation, FundingInstrument
from missions.models import Activity


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("help_text", _("In the instrument's currency, e.g. 1500.00."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("step", "0.01")


class AllocationForm(forms.Form):
    instrument = forms.ModelChoiceField(
        queryset=FundingInstrument.objects.none(), empty_label=None, label=_("From instrument")
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(), empty_label=None, label=_("To activity")
    )
    amount = AmountField(label=_("Amount"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        instruments: QuerySet[FundingInstrument],
        activities: QuerySet[Activity],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        instrument: Any = self.fields["instrument"]
        instrument.queryset = instruments
        instrument.label_from_instance = lambda i: f"{i.name} ({i.currency}, {i.owner.name})"
        activity: Any = self.fields["activity"]
        activity.queryset = activities
        activity.label_from_instance = lambda a: a.title


class DisbursementRequestForm(forms.Form):
    allocation = forms.ModelChoiceField(
        queryset=Allocation.objects.none(), empty_label=None, label=_("From allocation")
    )
    amount = AmountField(
        label=_("Amount"), help_text=_("In the allocation's currency; at most what is left of it.")
    )
    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requested_on = forms.DateField(
        label=_("Requested on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today unless you asked earlier (on paper)."),
    )

    def __init__(self, *args: Any, allocations: QuerySet[Allocation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allocation: Any = self.fields["allocation"]
        allocation.queryset = allocations
        allocation.label_from_instance = lambda a: (
            f"{a.instrument.name} → {a.activity.title}: {a.amount:,} {a.currency}"
        )


class DisbursedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    disbursed_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("Money arrived on"),
        help_text=_("Today unless given."),
    )
