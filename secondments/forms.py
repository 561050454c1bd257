"""Secondment page forms: shapes only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import OrganisationSuggestField
from accounts.models import Organisation, Role, User
from accounts.suggest import SuggestChoiceField
from secondments.models import Post, SecondmentKind


class DateInput(forms.DateInput):
    input_type = "date"


POST_SEARCH = ("title", "host_organisation__name", "host_organisation__acronym")


def post_label(post: Post) -> str:
    host = post.host_organisation
    return f"{post.title} ({host.acronym or host.name})"


class PostSuggestField(SuggestChoiceField):
    """A post, chosen by typing its title or its host's name or acronym."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            url_name="suggest-posts", search_fields=POST_SEARCH, noun=_("post"), **kwargs
        )

    def label_from_instance(self, obj: Any) -> str:
        return post_label(obj)


class SecondmentRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Person"), max_length=150, help_text=_("Their username in Joined Forces.")
    )
    home_organisation = OrganisationSuggestField(
        queryset=Organisation.objects.filter(is_active=True),
        label=_("Home organisation"),
        help_text=_("Where the person is a member on the start day."),
    )
    host_organisation = OrganisationSuggestField(
        queryset=Organisation.objects.filter(is_active=True), label=_("Host organisation")
    )
    post = PostSuggestField(
        queryset=Post.objects.select_related("host_organisation"),
        required=False,
        label=_("Post"),
        placeholder=_("No post"),
    )
    kind = forms.ChoiceField(
        choices=SecondmentKind.choices, initial=SecondmentKind.SECONDMENT, label=_("Kind")
    )
    role = forms.ChoiceField(
        choices=Role.choices, label=_("Role"), help_text=_("Their role in the host.")
    )
    start_date = forms.DateField(widget=DateInput, label=_("Start date"))
    end_date = forms.DateField(
        widget=DateInput, label=_("End date"), help_text=_("The last day included.")
    )
    purpose = forms.CharField(
        required=False, label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("No one has this username."))
        return person

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["person"] = data.pop("username")
        return data


class EndDateForm(forms.Form):
    end_date = forms.DateField(widget=DateInput, label=_("End date"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
