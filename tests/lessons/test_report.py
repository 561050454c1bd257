"""The lessons digest report (PDF, SOLLIMS-digest style, and CSV), built by a real worker:
it holds exactly the lessons the requester may read, each with its marking."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError

from lessons import services as lessons
from lessons.models import Lesson
from missions.models import Domain
from reports import services as reports
from reports.models import Report, ReportStatus
from tests.lessons.conftest import days, fresh, record

HEADER = [
    "id",
    "title",
    "status",
    "classification",
    "releasability",
    "source_organisation",
    "source_plan",
    "theatre",
    "domains",
    "observed_on",
    "observation",
    "discussion",
    "conclusion",
    "recommendation",
]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _release(world: dict[str, Any], lesson: Lesson, releasability: str, *names: str) -> Lesson:
    lessons.lesson_release(
        lesson=lesson,
        by=world["mfa_approver"],
        version=fresh(lesson).version,
        releasability=releasability,
        organisations=[world[name] for name in names],
    )
    return fresh(lesson)


def _marked(world: dict[str, Any]) -> dict[str, Lesson]:
    """One lesson of `mfa` per marking; `dev` reads `named_dev` and `everyone` only."""
    named_dev = record(
        world,
        title="Interpreters arrived without vetting",
        observation="Two interpreters joined the patrols before their vetting ended.",
        discussion="The vetting office had no deadline.",
        conclusion="Vetting must finish before deployment.",
        recommendation="Give the vetting office a ten-day deadline.",
        classification="restricted",
        observed_on=days(-20),
        domains=[Domain.SECURITY, Domain.POLICING],
    )
    participants = record(world, title="Fuel convoys bunched at the border", observed_on=days(-15))
    everyone = record(
        world,
        title="Market days drew the crowds",
        observation="The courts sat on market days and the villages came.",
        classification="public",
        theatre="Valeria (north)",
        source_plan=None,
        observed_on=days(-5),
        domains=[Domain.RULE_OF_LAW],
    )
    originator = record(world, title="Radios ran flat overnight", observed_on=days(-3))
    named_mod = record(
        world, title="Night patrols met no one", classification="restricted", observed_on=days(-2)
    )
    lessons.lesson_transition(
        lesson=everyone, by=world["mfa_analyst"], to="observation", version=everyone.version
    )
    return {
        "named_dev": _release(world, named_dev, "named", "dev"),
        "participants": _release(world, participants, "participants"),
        "everyone": _release(world, everyone, "all_members"),
        "originator": originator,
        "named_mod": _release(world, named_mod, "named", "mod"),
    }


def _built(world: dict[str, Any], persona: str, params: dict[str, Any]) -> bytes:
    report = reports.report_request(by=world[persona], kind="lessons_digest", params=params)
    deadline = time.monotonic() + 60
    while Report.objects.get(pk=report.pk).status not in (ReportStatus.DONE, ReportStatus.FAILED):
        assert time.monotonic() < deadline, "the worker never finished the report"
        time.sleep(0.05)
    report = Report.objects.get(pk=report.pk)
    assert (report.status, report.error) == (ReportStatus.DONE, "")
    with report.file.open("rb") as stored:
        return stored.read()


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def _row(
    lesson: Lesson,
    status: str,
    classification: str,
    releasability: str,
    *,
    plan_seen: bool = True,
) -> list[str]:
    """A lesson's CSV row; its source plan only for those who take part in the plan."""
    return [
        str(lesson.pk),
        lesson.title,
        status,
        classification,
        releasability,
        "Ministry of Foreign Affairs",
        lesson.source_plan.title if lesson.source_plan and plan_seen else "",
        lesson.theatre,
        "; ".join(
            str(label) for value, label in Domain.choices if lesson.domain_rows.filter(domain=value)
        ),
        lesson.observed_on.isoformat(),
        lesson.observation,
        lesson.discussion,
        lesson.conclusion,
        lesson.recommendation,
    ]


@pytest.mark.celery_worker
def test_another_organisation_reads_exactly_what_is_released_to_it(
    celery_worker: object, world: dict[str, Any]
) -> None:
    marked = _marked(world)

    text = _text(_built(world, "dev_planner", {"format": "pdf"}))
    assert "Lessons digest" in text
    assert "2 lessons you may read" in text
    assert "Submitted 1 Observation 1" in text
    assert "Lessons by status" in text
    assert text.count("RESTRICTED // Releasable to Development Cooperation") == 2
    assert text.count("PUBLIC // All member organisations") == 2
    for shown in (
        "Interpreters arrived without vetting",
        "Two interpreters joined the patrols before their vetting ended.",
        "The vetting office had no deadline.",
        "Vetting must finish before deployment.",
        "Give the vetting office a ten-day deadline.",
        "Source Ministry of Foreign Affairs Observed on",
        f"Observed on {days(-20):%-d %b %Y}",
        "Domains Security, Policing",
        "Market days drew the crowds",
        "Theatre Valeria (north)",
        "Domains Rule of law",
        "Status Observation",
    ):
        assert shown in text, shown
    for hidden in (
        # Released the lesson, not the plan: dev does not take part in it.
        "Valeria stabilisation plan",
        "Fuel convoys bunched at the border",
        "Radios ran flat overnight",
        "Night patrols met no one",
        "Releasable to Ministry of Defence",
        "Participants of the source plan",
    ):
        assert hidden not in text, hidden

    assert _rows(_built(world, "dev_planner", {"format": "csv"})) == [
        HEADER,
        _row(
            marked["everyone"],
            "Observation",
            "Public",
            "All member organisations",
            plan_seen=False,
        ),
        _row(
            marked["named_dev"],
            "Submitted",
            "Restricted",
            "Releasable to Development Cooperation",
            plan_seen=False,
        ),
    ]
    assert _rows(_built(world, "mod_planner", {"format": "csv"})) == [
        HEADER,
        _row(marked["named_mod"], "Submitted", "Restricted", "Releasable to Ministry of Defence"),
        _row(marked["everyone"], "Observation", "Public", "All member organisations"),
        _row(
            marked["participants"],
            "Submitted",
            "Unclassified",
            "Participants of the source plan",
        ),
    ]


@pytest.mark.celery_worker
def test_filters_narrow_the_digest_and_nothing_readable_says_so(
    celery_worker: object, world: dict[str, Any]
) -> None:
    marked = _marked(world)
    filtered = {
        "format": "csv",
        "status": "submitted",
        "domain": "policing",
        "observed_after": days(-25).isoformat(),
        "observed_before": days(-10).isoformat(),
    }
    assert [row[1] for row in _rows(_built(world, "mfa_planner", filtered))[1:]] == [
        "Fuel convoys bunched at the border",
        "Interpreters arrived without vetting",
    ]
    searched = {"format": "csv", "search": "vetting", "theatre": "valeria"}
    assert _rows(_built(world, "dev_planner", searched)) == [
        HEADER,
        _row(
            marked["named_dev"],
            "Submitted",
            "Restricted",
            "Releasable to Development Cooperation",
            plan_seen=False,
        ),
    ]
    nothing = _text(_built(world, "nobody", {"format": "pdf"}))
    assert "0 lessons you may read" in nothing
    assert "No lesson you may read matches." in nothing
    assert "Market days drew the crowds" not in nothing
    police = _text(_built(world, "police_planner", {"status": "observation"}))
    assert "Status: Observation" in police
    assert "1 lesson you may read" in police
    assert "Market days drew the crowds" in police


def test_the_parameters_are_checked_and_kept_as_asked(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        reports.report_request(
            by=world["dev_planner"],
            kind="lessons_digest",
            params={"status": "forgotten", "observed_after": "soon"},
        )
    assert refused.value.message_dict == {
        "params": [
            'status: "forgotten" is not a valid choice.',
            "observed_after: Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ]
    }
    report = reports.report_request(
        by=world["dev_planner"],
        kind="lessons_digest",
        params={"format": "csv", "domain": "policing", "observed_before": "2026-01-31"},
    )
    assert (report.title, report.params) == (
        "Lessons digest",
        {"format": "csv", "domain": "policing", "observed_before": "2026-01-31"},
    )
