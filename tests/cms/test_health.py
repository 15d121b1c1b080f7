import json

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["localhost", "10.1.2.3", "unknown.example.org"])
def test_healthz_answers_on_any_host(host, settings):
    settings.ALLOWED_HOSTS = ["*"]
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_check_without_secrets():
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "task_queue": "ok"},
    }
    text = json.dumps(body)
    params = connection.get_connection_params()
    for secret in (params.get("password"), params.get("host"), params.get("dbname")):
        if secret:
            assert str(secret) not in text


@pytest.mark.django_db
def test_readyz_reports_unapplied_migrations(monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("cms", "9999")]
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 unapplied"
