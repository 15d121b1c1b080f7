"""Configuration comes from the environment; a bad value stops start-up in one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.env import variables_read

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides, settings="config.settings.dev"):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST"))
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = settings
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "sqlite:///db.sqlite3"),  # refused: PostgreSQL only
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "http://localhost:6379"),
        ("DEBUG", "perhaps"),
        ("DB_CONN_MAX_AGE", "forever"),
        ("ELASTICSEARCH_URL", "localhost:9200"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_malformed_variable_stops_startup_with_one_line(variable, value):
    result = run_manage("check", env_overrides={variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: ")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {"SECRET_KEY": "", "DATABASE_URL": "postgres://u@localhost/db"}
    result = run_manage(
        "check", env_overrides=env, settings="config.settings.production"
    )
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgres://u@localhost/db",
    "ALLOWED_HOSTS": "gov.example.cn",
    "INTERACTION_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "EMAIL_URL": "smtp://mail.example.cn:587/?tls=True",
}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INTERACTION_DATA_KEY", ""),
        ("INTERACTION_DATA_KEY", "c2hvcnQ="),  # 5 bytes, not 32
        ("INTERACTION_DATA_KEY", "not base64!"),
        ("EMAIL_URL", ""),
        ("EMAIL_URL", "console:"),
    ],
)
def test_production_refuses_to_start_without_a_data_key_or_mail_setting(
    variable, value
):
    env = {**PRODUCTION_ENV, variable: value}
    result = run_manage(
        "check", env_overrides=env, settings="config.settings.production"
    )
    assert result.returncode == 2, result.stderr
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_production_starts_with_a_real_secret_key():
    env = dict(PRODUCTION_ENV)
    result = run_manage(
        "check", "--deploy", env_overrides=env, settings="config.settings.production"
    )
    assert result.returncode == 0, result.stderr


def test_settings_read_the_documented_variables():
    documented = {
        "DATABASE_URL",
        "REDIS_URL",
        "ELASTICSEARCH_URL",
        "SECRET_KEY",
        "DEBUG",
        "MEDIA_ROOT",
        "STATIC_ROOT",
        "EMAIL_URL",
    }
    assert documented <= set(variables_read())


def test_readme_documents_every_variable_the_settings_read():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in variables_read() if f"`{name}`" not in readme]
    assert missing == []


def test_compose_sets_only_variables_the_settings_read():
    import yaml

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    import re

    gunicorn = (ROOT / "config" / "gunicorn_conf.py").read_text(encoding="utf-8")
    production = (ROOT / "config" / "settings" / "production.py").read_text("utf-8")
    read = (
        set(variables_read())
        | {"DJANGO_SETTINGS_MODULE"}
        | set(re.findall(r"environ\.get\([\"'](\w+)", gunicorn))
        | set(re.findall(r"env\.\w+\(\"(\w+)\"", production))
    )
    for name, service in compose["services"].items():
        if name in {"db", "redis", "elasticsearch"}:
            continue
        environment = service.get("environment", {})
        anchors = environment if isinstance(environment, dict) else {}
        unknown = set(anchors) - read
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"
        assert anchors, f"{name} sets no environment"
