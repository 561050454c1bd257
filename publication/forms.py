from __future__ import annotations

from django import forms

from publication.models import PlanPublication


class PublicationForm(forms.Form):
    public_title = forms.CharField(
        label="Public name of the mission",
        max_length=200,
        help_text="Shown as the page's heading; the plan's own title is not shown.",
    )
    public_summary = forms.CharField(
        label="Public summary",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the joined-up mission is and why, in words for the public. The plan's "
        "internal summary, activity descriptions, field reports and consultation notes are "
        "never shown.",
    )
    slug = forms.SlugField(
        label="Address",
        max_length=PlanPublication._meta.get_field("slug").max_length,
        required=False,
        help_text="The page's address, /public/plans/<address>/. Left empty: made from the name.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
