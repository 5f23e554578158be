"""The service does what its OpenAPI document says: schemathesis, run against the app served by a
real `uppdrag serve` on loopback from its own /openapi.json, on each backend's seeded database, as
an admin, as a reader and without a token. Its examples (every request body has one), fuzzing and
stateful phases (following the links it infers from the document) must find no 5xx, and every
response must have a documented status code, content type and schema.

Bounded and deterministic: a fixed seed, a few examples per operation, one worker; the whole
module takes about two minutes. Nothing is excluded: every operation of the document is tested.
One is pointed at a resource of its own: `DELETE /api/v1/tokens/{token_id}` revokes a decoy token
(schemathesis.toml, written per run), since revoking the run's own token, whose id is small and
soon guessed, would leave the rest of the run answered 401 and test nothing behind the gate.
"""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.access import Role
from app.auth.models import ApiToken
from app.auth.service import create_token, hash_token
from app.db import make_engine, make_session_factory, unit_of_work
from tests.processes import environment, serving

SCHEMATHESIS = Path(sys.executable).with_name("st")
SEED = "20261204"
MAX_EXAMPLES = "8"
PHASES = "examples,fuzzing,stateful"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
RUN_TIMEOUT_SECONDS = 300
CALLERS = ("admin", "reader", "anonymous")


def _token(database_url: str, role: Role) -> str:
    engine = make_engine(database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as db_session:
            return create_token(db_session, name=f"schemathesis {role}", role=role)[1]
    finally:
        engine.dispose()


def _token_id(database_url: str, secret: str) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db_session:
            token = db_session.scalars(
                select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
            ).one()
            return token.id
    finally:
        engine.dispose()


def write_config(directory: Path, decoy_token_id: int) -> Path:
    config = directory / "schemathesis.toml"
    config.write_text(
        "[[operations]]\n"
        'include-name = "DELETE /api/v1/tokens/{token_id}"\n'
        f"parameters = {{ token_id = {decoy_token_id} }}\n"
    )
    return config


def run_schemathesis(
    base_url: str, token: str | None, config: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    headers = ["--header", f"Authorization: Bearer {token}"] if token else []
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            f"--config-file={config}",
            "run",
            f"{base_url}/openapi.json",
            f"--phases={PHASES}",
            f"--checks={CHECKS}",
            f"--max-examples={MAX_EXAMPLES}",
            f"--seed={SEED}",
            "--workers=1",
            "--request-timeout=30",
            "--generation-database=none",
            "--no-shrink",
            "--no-color",
            *headers,
        ],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )


@pytest.mark.parametrize("caller", CALLERS)
def test_the_service_conforms_to_its_openapi_document(
    seeded_database: str, tmp_path: Path, caller: str
) -> None:
    role = {"admin": Role.ADMIN, "reader": Role.READER}.get(caller)
    token = _token(seeded_database, role) if role else None
    decoy = _token_id(seeded_database, _token(seeded_database, Role.READER))
    config = write_config(tmp_path, decoy)
    with serving({"DATABASE_URL": seeded_database}, cwd=tmp_path) as server:
        result = run_schemathesis(server.base_url, token, config, tmp_path)
        if token:
            still_valid = httpx.get(
                f"{server.base_url}/api/v1/assignments", headers={"Authorization": f"Bearer {token}"}
            )
            assert still_valid.status_code == 200, "the run revoked its own token"
    report = result.stdout[-20_000:]
    assert result.returncode == 0, report
    assert re.search(r"Operations:\s+(\d+) selected / \1 total", result.stdout), report
    for phase in ("Examples", "Fuzzing", "Stateful"):
        assert re.search(rf"✅\s+{phase}", result.stdout), report


# An RFC 3339 date-time: a date, a time and an offset (Z or ±hh:mm).
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
LOOKS_LIKE_A_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


@pytest.mark.usefixtures("small_register")
def test_times_are_rfc_3339_with_an_offset(api: httpx.Client) -> None:
    assignment = api.get("/api/v1/assignments").json()["items"][0]
    api.post(
        f"/api/v1/assignments/{assignment['id']}/updates",
        json={"comment": "Lägesrapport"},
        headers={"If-Match": f'"{assignment["version"]}"'},
    ).raise_for_status()
    bodies = [
        api.get(path).json()
        for path in (
            f"/api/v1/assignments/{assignment['id']}",
            f"/api/v1/assignments/{assignment['id']}/history",
            f"/api/v1/assignments/{assignment['id']}/updates",
            "/api/v1/tokens",
            "/api/v1/documents",
        )
    ]
    times = [text for text in _strings(bodies) if LOOKS_LIKE_A_TIME.match(text)]
    assert times
    assert [text for text in times if not DATE_TIME.fullmatch(text)] == []


def test_traceparent_is_continued_and_returned(anon: httpx.Client) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = anon.get("/healthz", headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
    version, returned_trace, span, flags = response.headers["traceparent"].split("-")
    assert (version, returned_trace, flags) == ("00", trace_id, "01")
    assert span != "00f067aa0ba902b7" and re.fullmatch(r"[0-9a-f]{16}", span)


@pytest.mark.parametrize(
    "traceparent",
    [
        None,
        "garbage",
        "00-" + "0" * 32 + "-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ],
)
def test_a_trace_is_begun_when_the_caller_sent_none_or_an_invalid_one(
    anon: httpx.Client, traceparent: str | None
) -> None:
    headers = {"traceparent": traceparent} if traceparent else {}
    first = anon.get("/healthz", headers=headers).headers["traceparent"]
    second = anon.get("/healthz", headers=headers).headers["traceparent"]
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00", first)
    assert first.split("-")[1] != "0" * 32
    assert first.split("-")[1] != second.split("-")[1]


def test_api_info_says_what_the_api_is(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/api-info")
    assert response.status_code == 200
    info = response.json()
    assert (info["api_name"], info["api_version"], info["api_status"]) == ("Uppdrag", "0.1.0", "active")
    assert info["contact"]["name"] and info["description"]
    assert anon.get(info["documentation"]["openapi"]).json()["info"]["title"] == "Uppdrag"
    assert anon.get(info["documentation"]["interactive"]).status_code == 200
