"""The `uppdrag` command as an operator meets it: run as a real process from a directory that is not the
checkout. A mistake gets one clear line on stderr and a non-zero exit status, never a traceback, and
changes nothing."""

import argparse
import shutil
import socket
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from app.auth.models import ApiToken, SignInLink
from app.cli import build_parser
from app.db import make_engine, make_session_factory
from app.org.models import OrgUnit
from app.schema_migrations import upgrade_to_head
from app.settings import Settings
from tests.conftest import SEEDS, free_port
from tests.processes import assert_one_line_error, run_uppdrag


def _rows(database_url: str, model: type[ApiToken] | type[OrgUnit] | type[SignInLink]) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


@pytest.fixture
def migrated_database(empty_database: str) -> str:
    upgrade_to_head(Settings(database_url=empty_database))
    return empty_database


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'uppdrag.db'}"
    upgrade_to_head(Settings(database_url=url))
    return url


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", ""),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://uppdrag@127.0.0.1/uppdrag"),
        ("DATABASE_URL", "postgresql+asyncpg://uppdrag@127.0.0.1/uppdrag"),
        ("TIMEZONE", "Mars/Olympus_Mons"),
        ("DATABASE_POOL_SIZE", "many"),
        ("PUBLIC_READ", "maybe"),
        ("LOG_LEVEL", "loud"),
        ("CORS_ORIGINS", '["https://a.se"'),
        ("OIDC_GROUP_ROLES", "editor"),
        ("OIDC_GROUP_ROLES", '[{"group": "uppdrag-slk"}]'),
    ],
)
def test_a_bad_setting_is_named(tmp_path: Path, variable: str, value: str) -> None:
    result = run_uppdrag("seed", cwd=tmp_path, settings={variable: value})
    assert_one_line_error(result, "invalid setting", variable)


@pytest.mark.parametrize(("variable", "value"), [("DATABASE_URL", ""), ("LOG_LEVEL", "loud")])
@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["worker", "--once"], ["token", "list"]])
def test_every_command_names_a_bad_setting(
    tmp_path: Path, command: list[str], variable: str, value: str
) -> None:
    result = run_uppdrag(*command, cwd=tmp_path, settings={variable: value})
    assert_one_line_error(result, "invalid setting", variable)


def test_a_settings_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("TIMEZONE=Europe/Göteborg\n".encode("latin-1"))
    assert_one_line_error(run_uppdrag("migrate", cwd=tmp_path), ".env", "not UTF-8")


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("https://a.se", ["https://a.se"]),
        ("https://a.se, https://b.se", ["https://a.se", "https://b.se"]),
        ('["https://a.se", "https://b.se"]', ["https://a.se", "https://b.se"]),
        ("", []),
    ],
)
def test_cors_origins_are_a_json_list_or_separated_by_commas(
    monkeypatch: pytest.MonkeyPatch, value: str, origins: list[str]
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", value)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    settings = Settings()
    assert (settings.cors_origins, settings.log_level) == (origins, "warning")


def test_a_comma_separated_setting_works_with_every_command(tmp_path: Path) -> None:
    settings = {"CORS_ORIGINS": "https://a.se,https://b.se", "DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}"}
    result = run_uppdrag("migrate", cwd=tmp_path, settings=settings)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["token", "list"]])
def test_an_sqlite_folder_that_cannot_be_made_is_named(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    url = f"sqlite:///{tmp_path / 'a-file' / 'uppdrag.db'}"
    result = run_uppdrag(*command, cwd=tmp_path, settings={"DATABASE_URL": url})
    assert_one_line_error(result, "cannot make the folder", f"{tmp_path / 'a-file'} is a file, not a folder")


def test_a_port_in_use_is_one_line(tmp_path: Path, migrated_sqlite: str) -> None:
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", 0))
        other_server.listen()
        port = str(other_server.getsockname()[1])
        result = run_uppdrag(
            "serve", "--port", port, cwd=tmp_path, settings={"DATABASE_URL": migrated_sqlite}, timeout=60
        )
    assert_one_line_error(result, f"127.0.0.1:{port}", "in use")


@pytest.mark.parametrize(
    "command", [["migrate"], ["seed"], ["serve"], ["worker", "--once"], ["token", "list"]]
)
def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path, command: list[str]) -> None:
    url = f"postgresql+psycopg://uppdrag:secret-password@127.0.0.1:{free_port()}/uppdrag"
    result = run_uppdrag(*command, cwd=tmp_path, settings={"DATABASE_URL": url})
    line = assert_one_line_error(result, "cannot", "127.0.0.1")
    assert "secret-password" not in result.stderr + result.stdout
    assert "***" in line


@pytest.mark.parametrize(
    "command",
    [
        ["seed"],
        ["serve"],
        ["worker", "--once"],
        ["token", "list"],
        ["token", "create", "--name", "a", "--role", "admin"],
    ],
)
def test_an_unmigrated_database_says_run_migrate(
    tmp_path: Path, empty_database: str, command: list[str]
) -> None:
    result = run_uppdrag(*command, cwd=tmp_path, settings={"DATABASE_URL": empty_database})
    assert_one_line_error(result, "not migrated", "run `uppdrag migrate`")


def test_migrate_seed_and_token_work_from_any_directory(tmp_path: Path, empty_database: str) -> None:
    settings = {"DATABASE_URL": empty_database}
    for command in (
        ["migrate"],
        ["seed"],
        ["token", "create", "--name", "ops", "--role", "admin", "--expires-in-days", "30"],
    ):
        result = run_uppdrag(*command, cwd=tmp_path, settings=settings)
        assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("upp_")
    assert _rows(empty_database, OrgUnit) == 24
    assert _rows(empty_database, ApiToken) == 1


def _seed_copy(tmp_path: Path, change: str) -> Path:
    """A copy of the real seed files with one mistake in the document file."""
    shutil.copytree(SEEDS / "source", tmp_path / "source")
    document = yaml.safe_load((SEEDS / "budget_2015_ks.yaml").read_text(encoding="utf-8"))
    first = document["assignments"][0]
    if change == "invalid kind":
        first["kind"] = "wish"
    elif change == "unknown owner":
        first["owner"] = "NOSUCHUNIT"
    elif change == "invalid tag":
        first["tags"] = ["has space"]
    elif change == "missing source":
        document["document"]["source_file"] = "source/missing.txt"
    path = tmp_path / "document.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ("invalid kind", "document.yaml: assignments.0.kind"),
        ("unknown owner", "document.yaml: KS-2015-001: owner"),
        ("invalid tag", "document.yaml: KS-2015-001: tags"),
        ("missing source", "missing.txt: cannot be read"),
    ],
)
def test_an_invalid_value_in_the_seed_file_is_named_and_nothing_is_loaded(
    tmp_path: Path, migrated_sqlite: str, change: str, phrase: str
) -> None:
    document = _seed_copy(tmp_path, change)
    result = run_uppdrag(
        "seed", "--file", str(document), cwd=tmp_path, settings={"DATABASE_URL": migrated_sqlite}
    )
    assert_one_line_error(result, phrase)
    assert _rows(migrated_sqlite, OrgUnit) == 0


def test_a_broken_seed_file_loads_nothing_on_either_database(tmp_path: Path, migrated_database: str) -> None:
    document = _seed_copy(tmp_path, "unknown owner")
    result = run_uppdrag(
        "seed", "--file", str(document), cwd=tmp_path, settings={"DATABASE_URL": migrated_database}
    )
    assert_one_line_error(result, "KS-2015-001: owner")
    assert _rows(migrated_database, OrgUnit) == 0


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (None, "cannot be read"),
        ("units: [\n", "not valid YAML (line 2, column 1"),
        ("units:\n  - key: X\n    valid_from: 2015-02-30\n", "not valid YAML"),
        ("units:\n  - key: X\n    name: Y\n    kind: wizard\n", "units.0.kind"),
        ("- just\n- a list\n", "Input should be"),
        (b"\xff\xfe", "not UTF-8"),
    ],
    ids=["missing", "malformed", "impossible date", "invalid kind", "wrong shape", "not UTF-8"],
)
def test_a_missing_or_malformed_units_file_is_named(
    tmp_path: Path, migrated_sqlite: str, content: str | bytes | None, phrase: str
) -> None:
    database = migrated_sqlite
    units = tmp_path / "units.yaml"
    if isinstance(content, bytes):
        units.write_bytes(content)
    elif content is not None:
        units.write_text(content, encoding="utf-8")
    result = run_uppdrag("seed", "--units", str(units), cwd=tmp_path, settings={"DATABASE_URL": database})
    assert_one_line_error(result, "units.yaml", phrase)
    assert _rows(database, OrgUnit) == 0


@pytest.mark.parametrize("days", ["0", "-1", "3651", "99999999999999999999999", "soon"])
def test_a_token_lifetime_that_makes_no_sense_is_refused(
    tmp_path: Path, migrated_sqlite: str, days: str
) -> None:
    result = run_uppdrag(
        "token",
        "create",
        "--name",
        "x",
        "--role",
        "reader",
        f"--expires-in-days={days}",
        cwd=tmp_path,
        settings={"DATABASE_URL": migrated_sqlite},
    )
    assert_one_line_error(result, "--expires-in-days")
    assert _rows(migrated_sqlite, ApiToken) == 0


@pytest.mark.parametrize("minutes", ["0", "-3", "1441", "soon"])
def test_a_sign_in_link_lifetime_that_makes_no_sense_is_refused(
    tmp_path: Path, migrated_sqlite: str, minutes: str
) -> None:
    settings = {"DATABASE_URL": migrated_sqlite}
    assert (
        run_uppdrag(
            "user", "create", "a@example.se", "--name", "A", cwd=tmp_path, settings=settings
        ).returncode
        == 0
    )
    result = run_uppdrag(
        "user", "link", "a@example.se", f"--minutes={minutes}", cwd=tmp_path, settings=settings
    )
    assert_one_line_error(result, "--minutes")
    assert _rows(migrated_sqlite, SignInLink) == 0


def test_help_names_database_url(tmp_path: Path) -> None:
    result = run_uppdrag("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "DATABASE_URL" in result.stdout
    assert "postgresql+psycopg://" in result.stdout


def _options(parser: argparse.ArgumentParser, prefix: str = "uppdrag") -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                found.extend(_options(command, f"{prefix} {name}"))
        elif not isinstance(action, argparse._HelpAction):
            found.append((f"{prefix} {'/'.join(action.option_strings) or action.dest}", action))
    return found


def test_every_option_has_help_showing_its_default() -> None:
    options = _options(build_parser())
    assert len(options) >= 10
    for name, action in options:
        assert action.help, name
        if action.option_strings:
            assert "(default" in action.help or "(required" in action.help, name
