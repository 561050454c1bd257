"""Choosing one of a set that grows with the data (strategies, plans, organisations) by typing.

A drop-down of every option costs a page its size and its speed (5,000 strategies, 357 KB).
Instead the person types; a suggestion endpoint per kind answers the first matches from the
selector that decides what they may see, and the page carries only the chosen one.

The field is two inputs: a hidden one with the field's own name holding the chosen id (so
`?strategy=12` links keep working) and a text box `<name>_name` holding its label. Without
scripts the text box alone does the job: the field accepts an id or the typed name.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Model, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

SUGGESTIONS = 20
"""How many matches a suggestion list shows; more means typing more of the name."""

NAME_SUFFIX = "_name"


def choose_by_name(
    queryset: QuerySet[Any], typed: str, *, search_fields: tuple[str, ...], noun: StrOrPromise
) -> Model:
    """The one object of `queryset` whose `search_fields` match `typed` (exactly, else as a
    part; else its id), or a form error in plain words."""
    exact = Q()
    part = Q()
    for field in search_fields:
        exact |= Q(**{f"{field}__iexact": typed})
        part |= Q(**{f"{field}__icontains": typed})
    for condition in (exact, part):
        found: list[Model] = list(queryset.filter(condition).order_by("pk")[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(
                gettext(
                    "More than one %(noun)s matches “%(typed)s”: type more of the name, "
                    "or choose one from the suggestions."
                )
                % {"noun": noun, "typed": typed},
                code="ambiguous",
            )
    by_id: Model | None = queryset.filter(pk=int(typed)).first() if typed.isdigit() else None
    if by_id is not None:
        return by_id
    raise ValidationError(
        gettext("No %(noun)s you can see matches “%(typed)s”.") % {"noun": noun, "typed": typed},
        code="no_match",
    )


class SuggestInput(forms.Widget):
    """A text box that asks `url_name` for matches as the person types (htmx, with the
    keyboard handled by static/js/suggest.js), and a hidden input with the chosen id.

    `attrs` go on the text box; `value_attrs` on the hidden input, whose `change` event
    fires when a suggestion is chosen."""

    template_name = "suggest_input.html"

    def __init__(
        self,
        *,
        url_name: str,
        placeholder: str = "",
        attrs: dict[str, Any] | None = None,
        value_attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder
        self.value_attrs = dict(value_attrs or {})

    def __deepcopy__(self, memo: dict[int, Any]) -> SuggestInput:
        copy: SuggestInput = super().__deepcopy__(memo)
        copy.value_attrs = dict(self.value_attrs)
        return copy

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[Any, Any]:
        return data.get(name), data.get(name + NAME_SUFFIX)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + NAME_SUFFIX not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen_id, label = value if isinstance(value, tuple) else ("", "")
        widget = context["widget"]
        widget["attrs"].setdefault("id", f"id_{name}")
        widget.update(
            {
                "chosen_id": "" if chosen_id is None else chosen_id,
                "label": label or "",
                "text_name": name + NAME_SUFFIX,
                "url": reverse(self.url_name),
                "placeholder": self.placeholder,
                "value_attrs": self.value_attrs,
            }
        )
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (the form renderer knows only Django's own widgets).
        html = render_to_string(self.template_name, self.get_context(name, value, attrs))
        return mark_safe(html)  # noqa: S308 (rendered by the template engine, which escapes)

    def id_for_label(self, id_: str) -> str:
        return id_


class SuggestChoiceField(forms.ModelChoiceField):
    """One object of `queryset` (what the person may choose), by id or by typed name.

    A typed name that matches one object by `search_fields` (exactly, else as a part) is
    that object; none or several is a form error in plain words. An id outside `queryset`
    is refused with the same words whether it exists or not."""

    def __init__(
        self,
        *,
        queryset: QuerySet[Any],
        url_name: str,
        search_fields: tuple[str, ...],
        noun: StrOrPromise,
        placeholder: str = "",
        widget_attrs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": format_lazy(
                    _("That {noun} is not among those you can see: choose another."), noun=noun
                )
            },
        )
        super().__init__(
            queryset=queryset,
            widget=SuggestInput(url_name=url_name, placeholder=placeholder, attrs=widget_attrs),
            **kwargs,
        )
        self.search_fields = search_fields
        self.noun = noun
        self.chosen: Model | None = None

    def to_python(self, value: Any) -> Model | None:
        chosen_id, typed = value if isinstance(value, tuple | list) else (value, None)
        self.chosen = self._choose(chosen_id, typed)
        return self.chosen

    def _choose(self, chosen_id: Any, typed: Any) -> Model | None:
        if typed is None:  # only an id came (a link, or a page that posts ids)
            return super().to_python(chosen_id)
        typed = str(typed).strip()
        if not typed:
            return None
        if chosen_id not in self.empty_values:
            chosen = super().to_python(chosen_id)
            if self.label_from_instance(chosen) == typed:
                return chosen
        return self._by_name(typed)

    def _choosable(self) -> QuerySet[Any]:
        return cast("QuerySet[Any]", self.queryset)

    def _by_name(self, typed: str) -> Model:
        return choose_by_name(
            self._choosable(), typed, search_fields=self.search_fields, noun=self.noun
        )

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        initial_id = initial.pk if isinstance(initial, Model) else initial
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        return str(initial_id or "") != str(chosen.pk if chosen is not None else "")

    def prepare_value(self, value: Any) -> tuple[Any, str]:
        """(id, label) for the widget: the chosen object's, or what was typed."""
        if isinstance(value, tuple | list):
            if self.chosen is not None:
                return self.chosen.pk, self.label_from_instance(self.chosen)
            chosen_id, typed = value
            return chosen_id or "", typed or ""
        if value in self.empty_values:
            return "", ""
        chosen = value if isinstance(value, Model) else self._initial(value)
        if chosen is None:
            return "", ""
        return chosen.pk, self.label_from_instance(chosen)

    def _initial(self, pk: Any) -> Model | None:
        try:
            return self._choosable().filter(pk=pk).first()
        except (ValueError, TypeError, ValidationError):
            return None


class SuggestMultipleInput(SuggestInput):
    """The chosen objects as ticked boxes (untick to drop one) and a text box that adds one
    more: a suggestion chosen adds its box (static/js/suggest.js); a name typed without
    scripts is added when the form is sent."""

    template_name = "suggest_multiple_input.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[Any, Any]:
        ids = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return ids or [], data.get(name + NAME_SUFFIX)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        chosen, typed = value if isinstance(value, tuple) else ([], "")
        context = super().get_context(name, ("", typed), attrs)
        context["widget"]["chosen"] = chosen
        return context


class SuggestMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several objects of `queryset`: the ids of the ticked boxes, plus one typed name."""

    def __init__(
        self,
        *,
        queryset: QuerySet[Any],
        url_name: str,
        search_fields: tuple[str, ...],
        noun: StrOrPromise,
        placeholder: str = "",
        **kwargs: Any,
    ) -> None:
        refused = format_lazy(_("That {noun} cannot be chosen here: choose another."), noun=noun)
        kwargs.setdefault(
            "error_messages", {"invalid_choice": refused, "invalid_pk_value": refused}
        )
        super().__init__(
            queryset=queryset,
            widget=SuggestMultipleInput(url_name=url_name, placeholder=placeholder),
            **kwargs,
        )
        self.search_fields = search_fields
        self.noun = noun
        self.chosen: list[Model] | None = None

    def clean(self, value: Any) -> list[Model]:  # type: ignore[override]
        ids, typed = value if isinstance(value, tuple) else (value, None)
        if not isinstance(ids, list | tuple):
            ids = [ids] if ids else []
        chosen = list(self._check_values(ids)) if ids else []  # type: ignore[attr-defined]
        typed = (typed or "").strip()
        if typed:
            extra = choose_by_name(
                cast("QuerySet[Any]", self.queryset),
                typed,
                search_fields=self.search_fields,
                noun=self.noun,
            )
            if extra.pk not in {each.pk for each in chosen}:
                chosen.append(extra)
        if self.required and not chosen:
            raise ValidationError(self.error_messages["required"], code="required")
        self.chosen = chosen
        return chosen

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = {str(each.pk if isinstance(each, Model) else each) for each in initial or []}
        try:
            after = {str(each.pk) for each in self.clean(data)}
        except ValidationError:
            return True
        return before != after

    def prepare_value(self, value: Any) -> tuple[list[tuple[Any, str]], str]:
        """([(id, label)] of the chosen objects, the typed text) for the widget."""
        typed = ""
        if isinstance(value, tuple):
            if self.chosen is not None:
                return [(each.pk, self.label_from_instance(each)) for each in self.chosen], ""
            value, typed = value[0], value[1] or ""
        pks = [each.pk if isinstance(each, Model) else each for each in value or []]
        pks = [pk for pk in pks if str(pk).isdigit()]
        if not pks:
            return [], typed
        found = cast("QuerySet[Any]", self.queryset).filter(pk__in=pks)
        return [(each.pk, self.label_from_instance(each)) for each in found], typed


def suggestions(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    search_fields: tuple[str, ...],
    order_by: str,
    label: Any,
) -> HttpResponse:
    """The first `SUGGESTIONS` of `queryset` (already filtered by what the person may see)
    matching `?q=`, those starting with it first, as the options of a suggestion list."""
    typed = request.GET.get("q", "").strip()[:200]
    matches = queryset
    if typed:
        condition = Q()
        starts = Q()
        for field in search_fields:
            condition |= Q(**{f"{field}__icontains": typed})
            starts |= Q(**{f"{field}__istartswith": typed})
        matches = matches.filter(condition).annotate(
            starts_with_it=Case(When(starts, then=Value(0)), default=Value(1))
        )
        matches = matches.order_by("starts_with_it", order_by, "pk")
    else:
        matches = matches.order_by(order_by, "pk")
    found = list(matches[: SUGGESTIONS + 1])
    return render(
        request,
        "suggestions.html",
        {
            "options": [(item.pk, label(item)) for item in found[:SUGGESTIONS]],
            "more": len(found) > SUGGESTIONS,
            "typed": typed,
        },
    )
