"""docker-compose.yml and the Dockerfile: the services exist and their commands name real code.

No Docker engine runs here, so the files are parsed and every module, app and management
command they name is resolved in this process instead.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import get_commands
from django.urls import resolve

from config.health import healthz

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ["migrate", "web", "worker", "beat"]


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"]


def dockerfile_cmd() -> list[str]:
    found = re.findall(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert len(found) == 1
    return json.loads(found[0])


def test_services_are_the_documented_stack(services: dict[str, Any]) -> None:
    assert set(services) == {"migrate", "web", "worker", "beat", "db", "redis"}
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_build_the_repository_dockerfile(services: dict[str, Any], name: str) -> None:
    service = services[name]
    assert service["build"] == "."
    assert (ROOT / service["build"] / "Dockerfile").is_file()
    assert service["image"] == services["web"]["image"]
    assert service["environment"] == services["web"]["environment"]


def test_environment_points_at_the_compose_database_and_broker(services: dict[str, Any]) -> None:
    environment = services["web"]["environment"]
    assert environment["DEBUG"] == "0"
    assert environment["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert environment["DATABASE_URL"] == "postgres://joined:joined@db:5432/joined_forces"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_the_stack_keeps_database_connections_and_checks_them(
    services: dict[str, Any], settings: Any
) -> None:
    assert services["web"]["environment"]["CONN_MAX_AGE"] == "${CONN_MAX_AGE:-60}"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_web_runs_gunicorn_on_the_django_wsgi_application(services: dict[str, Any]) -> None:
    assert "command" not in services["web"]
    command = dockerfile_cmd()
    assert command == [
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        "0.0.0.0:8000",
        "--access-logfile",
        "-",
    ]
    module_name, attribute = command[1].split(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(application, WSGIHandler)
    assert services["web"]["ports"] == ["8000:8000"]


def test_web_waits_for_migrations_and_checks_healthz(services: dict[str, Any]) -> None:
    web = services["web"]
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    probe = web["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"]
    assert "'http://127.0.0.1:8000/healthz'" in probe[3]
    compile(probe[3], "healthcheck", "exec")
    assert resolve("/healthz").func is healthz


def test_migrate_names_a_real_management_command(services: dict[str, Any]) -> None:
    command = services["migrate"]["command"]
    assert command == ["python", "manage.py", "migrate", "--noinput"]
    assert (ROOT / command[1]).is_file()
    assert get_commands()[command[2]] == "django.core"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("worker", ["celery", "-A", "config", "worker", "--loglevel=INFO"]),
        (
            "beat",
            [
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule=/tmp/celerybeat-schedule",
            ],
        ),
    ],
)
def test_celery_services_name_the_config_app(
    services: dict[str, Any], name: str, expected: list[str]
) -> None:
    command = services[name]["command"]
    assert command == expected
    app = find_app(command[2])
    assert isinstance(app, Celery)
    assert app is importlib.import_module("config.celery").app
