from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from publication.models import PlanPublication


class PublicationForm(forms.Form):
    public_title = forms.CharField(
        label=_("Public name of the mission"),
        max_length=200,
        help_text=_("Shown as the page's heading; the plan's own title is not shown."),
    )
    public_summary = forms.CharField(
        label=_("Public summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the joined-up mission is and why, in words for the public. The plan's "
            "internal summary, activity descriptions, field reports and consultation notes are "
            "never shown."
        ),
    )
    slug = forms.SlugField(
        label=_("Address"),
        max_length=PlanPublication._meta.get_field("slug").max_length,
        required=False,
        help_text=_(
            "The page's address, /public/plans/<address>/. Left empty: made from the name."
        ),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
