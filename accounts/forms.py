from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from accounts.locale import time_zone_choices
from accounts.models import EmailPreference, Organisation
from accounts.services import ORGANISATION_EDITABLE_FIELDS
from accounts.suggest import SuggestChoiceField, SuggestMultipleChoiceField

ORGANISATION_SEARCH = ("name", "acronym")


def organisation_label(organisation: Organisation) -> str:
    if organisation.acronym and organisation.acronym != organisation.name:
        return f"{organisation.name} ({organisation.acronym})"
    return organisation.name


class OrganisationSuggestField(SuggestChoiceField):
    """An organisation of `queryset`, chosen by typing its name or acronym."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", _("Type an organisation's name or acronym"))
        super().__init__(
            url_name="suggest-organisations",
            search_fields=ORGANISATION_SEARCH,
            noun=_("organisation"),
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class OrganisationsSuggestField(SuggestMultipleChoiceField):
    """Organisations of `queryset`, each chosen by typing its name or acronym."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", _("Type to add an organisation"))
        super().__init__(
            url_name="suggest-organisations",
            search_fields=ORGANISATION_SEARCH,
            noun=_("organisation"),
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class OrganisationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ORGANISATION_EDITABLE_FIELDS
        labels = {
            "name": _("Name"),
            "acronym": _("Acronym"),
            "kind": _("Kind"),
            "country": _("Country"),
            "description": _("Description"),
            "website": _("Website"),
        }


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        widget=forms.Select(attrs={"aria-label": _("Kind of organisation")}),
        choices=[("", _("All kinds")), *Organisation._meta.get_field("kind").choices],  # type: ignore[misc]
    )
    q = forms.CharField(
        required=False,
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name, acronym or country"),
                "aria-label": _("Search organisations"),
                "type": "search",
            }
        ),
    )


class EmailPreferenceForm(forms.Form):
    email_preference = forms.ChoiceField(
        label=_("E-mail me about notifications"),
        choices=EmailPreference.choices,
        widget=forms.RadioSelect,
    )


class LanguageAndTimeZoneForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages, e-mails and reports in this language."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Dates and times are shown in this zone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("As my browser asks")),
            *settings.LANGUAGES,
        ]
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]
            ("", _("The site's (%(zone)s)") % {"zone": settings.TIME_ZONE}),
            *time_zone_choices(),
        ]


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app or, where `recovery` allows, a recovery code. Pages
    draw the field with `accounts/_two_factor_code_field.html` (one-time-code autofill)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        error_messages={
            "required": _("Enter the code, then press the button again."),
            "max_length": _("That is longer than any code. Enter the 6-digit code from your app."),
        },
    )

    def __init__(self, *args: object, recovery: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].label = (
            _("Code from your authenticator app, or a recovery code")
            if recovery
            else _("6-digit code from your authenticator app")
        )


def without_null_character_check(field: Any) -> None:
    """A username with NUL is one nobody has: it fails as a wrong one, in plain words, like
    any other (`accounts.inputs.ImpossibleUsernameBackend`), not with a message about NUL."""
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        without_null_character_check(self.fields["username"])
