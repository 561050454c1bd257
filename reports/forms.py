from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.registry import all_kinds, standalone_kinds


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("pdf", "PDF"), ("csv", gettext_lazy("CSV (spreadsheet)"))],
        initial="pdf",
    )
    # Sent by the button on a strategy's page; a strategy status report is about one strategy.
    strategy = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Sent by the button on a plan's page; a plan brief is about one plan.
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kind = self.fields["kind"]
        # Every kind is accepted (the plan and strategy pages post theirs here), but the
        # reports page offers only those it can ask for: the others need their object.
        kind.choices = [(k.name, k.label) for k in all_kinds()]  # type: ignore[attr-defined]
        kind.widget.choices = [(k.name, k.label) for k in standalone_kinds()]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        kind = next((k for k in all_kinds() if k.name == cleaned.get("kind")), None)
        if kind and cleaned.get("format") not in kind.formats:
            self.add_error(
                "format",
                _("%(kind)s is available as %(formats)s.")
                % {"kind": kind.label, "formats": ", ".join(kind.formats).upper()},
            )
        if kind and kind.subject_param and not cleaned.get(kind.subject_param):
            if kind.subject_param == "plan":
                message = _("Ask for this report (%(kind)s) from the plan's own page.")
            else:
                message = _("Ask for this report (%(kind)s) from the strategy's own page.")
            self.add_error(None, message % {"kind": str(kind.label).lower()})
        return cleaned

    def params(self) -> dict[str, object]:
        params: dict[str, object] = {"format": self.cleaned_data["format"]}
        kind = next(k for k in all_kinds() if k.name == self.cleaned_data["kind"])
        if kind.subject_param:
            params[kind.subject_param] = self.cleaned_data[kind.subject_param]
        # The kind's own filters (the lessons list sends its search and facets): checked by
        # the kind's parameter serializer when the report is requested.
        for name in list(kind.params_serializer().fields):
            value = self.data.get(str(name))
            if name not in params and value:
                params[name] = value
        return params


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        widget=forms.Select(attrs={"aria-label": gettext_lazy("Kind of report")}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Every kind")),
            *((k.name, k.label) for k in all_kinds()),
        ]
