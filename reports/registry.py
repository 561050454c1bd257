"""Report kinds: each registers what it gathers (only what the requester may see), how it
looks (an HTML template rendered to PDF) and, where tabular, its CSV rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

from accounts.models import User


class ReportError(Exception):
    """A failure the requester can understand and act on; its message is shown to them."""


@dataclass
class BuildContext:
    report_id: int
    user: User
    params: dict[str, Any]
    progress: Callable[[int], None]


@dataclass(frozen=True)
class ReportKind:
    name: str
    label: StrOrPromise
    params_serializer: type[serializers.Serializer]
    gather: Callable[[BuildContext], dict[str, Any]]
    template: str
    csv_rows: Callable[[dict[str, Any]], Iterable[list[str]]] | None = None
    description: StrOrPromise = ""
    # The parameter naming the one object a report is about ("plan", "strategy"): such a
    # report is asked for from that object's page, never from the reports page.
    subject_param: str | None = None
    # What the report is about, named from its validated parameters when it is requested
    # ("Plan brief: Northern Valeria integrated plan"); the label where it is about no one thing.
    subject: Callable[[dict[str, Any]], str] | None = None
    formats: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", ("pdf", "csv") if self.csv_rows else ("pdf",))

    def title(self, params: dict[str, Any]) -> str:
        if self.subject is None:
            return str(self.label)
        # Translators: a report's title: its kind, then what it is about ("Plan brief: …").
        return gettext("%(kind)s: %(subject)s") % {
            "kind": self.label,
            "subject": self.subject(params),
        }


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    _kinds[kind.name] = kind
    return kind


def get_kind(name: str) -> ReportKind:
    return _kinds[name]


def all_kinds() -> list[ReportKind]:
    return list(_kinds.values())


def standalone_kinds() -> list[ReportKind]:
    """The kinds the reports page offers: those not about one plan or strategy."""
    return [kind for kind in _kinds.values() if kind.subject_param is None]
