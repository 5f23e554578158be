"""The container set-up says what production needs (no Docker engine runs in the test environment, so
these read the files; tests/test_packaging.py runs the commands the image runs): one image for the
app, the worker and a one-shot migration; no credentials in the compose file; the port on loopback
unless configured; the example settings valid and the real ones kept out of git."""

import re
from pathlib import Path
from typing import Any

import yaml
from dotenv import dotenv_values

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
ENV_FILE = "uppdrag.env"


def test_app_worker_and_migration_share_one_image() -> None:
    uppdrag = [SERVICES[name] for name in ("migrate", "app", "worker")]
    assert len({(service["build"], service["image"]) for service in uppdrag}) == 1


def test_migrations_run_once_before_the_app_and_the_worker() -> None:
    migrate = SERVICES["migrate"]
    assert "uppdrag migrate" in " ".join(migrate["command"])
    assert migrate["restart"] == "no"
    for name in ("app", "worker"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "migrate" not in " ".join(SERVICES[name].get("command", []))
    [command] = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD")]
    assert "uppdrag serve" in command and "migrate" not in command


def test_no_credentials_in_the_compose_file() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert not re.search(r"(?i)(password|secret)\s*[:=]", text)
    assert not re.search(r"://[^/\s:]+:[^@\s]+@", text)  # no user:password@ in a URL
    for name, service in SERVICES.items():
        assert "environment" not in service, name
        assert service["env_file"] == ENV_FILE, name


def test_the_port_is_on_loopback_unless_configured() -> None:
    [mapping] = SERVICES["app"]["ports"]
    assert mapping.startswith("${UPPDRAG_BIND:-127.0.0.1}:")


def test_the_example_settings_are_valid_and_the_real_ones_are_not_in_git() -> None:
    example = ROOT / f"{ENV_FILE}.example"
    values = {name.lower(): value for name, value in dotenv_values(example).items()}
    settings = Settings.model_validate(
        {name: value for name, value in values.items() if name in Settings.model_fields}
    )
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert ENV_FILE in (ROOT / ".gitignore").read_text().splitlines()
    assert ENV_FILE in (ROOT / ".dockerignore").read_text().splitlines()
    assert "POSTGRES_PASSWORD" in example.read_text()
