from __future__ import annotations

from django import forms

from reports.registry import all_kinds


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Report")
    format = forms.ChoiceField(
        choices=[("pdf", "PDF"), ("csv", "CSV (spreadsheet)")], initial="pdf"
    )
    # Sent by the button on a strategy's page; a strategy status report is about one strategy.
    strategy = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Sent by the button on a plan's page; a plan brief is about one plan.
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(k.name, k.label) for k in all_kinds()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        kind = next((k for k in all_kinds() if k.name == cleaned.get("kind")), None)
        if kind and cleaned.get("format") not in kind.formats:
            self.add_error(
                "format", f"{kind.label} is available as {', '.join(kind.formats).upper()}."
            )
        if cleaned.get("kind") == "strategy_status" and not cleaned.get("strategy"):
            self.add_error(None, "Ask for a strategy status report from the strategy's own page.")
        if cleaned.get("kind") == "plan_brief" and not cleaned.get("plan"):
            self.add_error(None, "Ask for a plan brief from the plan's own page.")
        return cleaned

    def params(self) -> dict[str, object]:
        params: dict[str, object] = {"format": self.cleaned_data["format"]}
        if self.cleaned_data["kind"] == "strategy_status":
            params["strategy"] = self.cleaned_data["strategy"]
        if self.cleaned_data["kind"] == "plan_brief":
            params["plan"] = self.cleaned_data["plan"]
        return params
