from __future__ import annotations

from django import forms

from accounts.models import EmailPreference, Organisation
from accounts.services import ORGANISATION_EDITABLE_FIELDS


class OrganisationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ORGANISATION_EDITABLE_FIELDS


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        widget=forms.Select(attrs={"aria-label": "Kind of organisation"}),
        choices=[("", "All kinds"), *Organisation._meta.get_field("kind").choices],  # type: ignore[misc]
    )
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": "Name, acronym or country",
                "aria-label": "Search organisations",
                "type": "search",
            }
        ),
    )


class EmailPreferenceForm(forms.Form):
    email_preference = forms.ChoiceField(
        label="E-mail me about notifications",
        choices=EmailPreference.choices,
        widget=forms.RadioSelect,
    )
