from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from benchmarks.measure import markdown, run


class Command(BaseCommand):
    help = (
        "Measure every list endpoint and page, the plan page and the plan brief on the "
        "benchmark world, as the superuser and as an ordinary planner; print the table and "
        "write it to a markdown file."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per row.")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first.")
        parser.add_argument("--out", default="docs/benchmarks.md", help="The markdown file.")
        parser.add_argument(
            "--brief-runs", type=int, default=3, help="Plan brief PDFs built (0: none)."
        )
        parser.add_argument(
            "--only", default="", help="Only the rows whose label contains this (plans, API)."
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="Also time grants_rebuild() over everything."
        )

    def handle(
        self,
        *args: Any,
        requests: int,
        warmup: int,
        brief_runs: int,
        out: str,
        rebuild: bool,
        only: str,
        **options: Any,
    ) -> None:
        if requests < 1 or warmup < 0 or brief_runs < 0:
            raise CommandError("--requests is at least 1, --warmup and --brief-runs at least 0.")
        try:
            results = run(
                requests=requests,
                warmup=warmup,
                brief_runs=brief_runs,
                rebuild=rebuild,
                only=only,
                log=self.stdout.write,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        report = markdown(results)
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report + "\n")
        self.stdout.write(report)
        self.stdout.write(f"Written to {path}.")
