"""Report kinds: each registers what it gathers (only what the requester may see), how it
looks (an HTML template rendered to PDF) and, where tabular, its CSV rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

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
    label: str
    params_serializer: type[serializers.Serializer]
    gather: Callable[[BuildContext], dict[str, Any]]
    template: str
    csv_rows: Callable[[dict[str, Any]], Iterable[list[str]]] | None = None
    description: str = ""
    formats: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", ("pdf", "csv") if self.csv_rows else ("pdf",))


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    _kinds[kind.name] = kind
    return kind


def get_kind(name: str) -> ReportKind:
    return _kinds[name]


def all_kinds() -> list[ReportKind]:
    return list(_kinds.values())
