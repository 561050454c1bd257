from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from benchmarks.world import WorldBuilder


class Command(BaseCommand):
    help = (
        "Build the benchmark world on top of the demo (run seed_demo first): per unit of "
        "scale 200 organisations, 2,000 people, 5,000 strategies, 20,000 plans, 2,000 lessons."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=17, help="The same seed, the same world.")

    def handle(self, *args: Any, scale: float, seed: int, **options: Any) -> None:
        started = time.perf_counter()
        self.stdout.write(f"Building the benchmark world at scale {scale:g} (seed {seed})...")
        try:
            world = WorldBuilder(scale=scale, seed=seed, log=self.stdout.write).build()
        except ValueError as error:
            raise CommandError(str(error)) from error
        size = world.size
        self.stdout.write(
            f"Benchmark world ready in {time.perf_counter() - started:.0f} s: "
            f"{size.organisations:,} organisations, {size.users:,} people, "
            f"{size.strategies:,} strategies, {size.plans:,} plans, "
            f"{size.activities():,} activities, {size.lessons:,} lessons; "
            f"{world.grants_added:,} grant rows added."
        )
