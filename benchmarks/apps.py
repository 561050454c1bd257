from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`make bench`: builds a large world and measures the lists, pages and reports on it.
    The top layer: it may import every app, and none imports it."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
