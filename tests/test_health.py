from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_each_check_when_up() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_healthz_is_503_naming_the_broker_when_it_is_down(settings: object) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]  # nothing listens there
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "error: ConnectionError"},
    }


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_naming_the_database_when_it_is_down() -> None:
    from django.db import connection

    real = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = Client().get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: OperationalError"
