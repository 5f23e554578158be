"""Time the ingest engine on a 100-page PDF: the budget underlag's text repeated (`make bench-ingest`).

The PDF is built here with fpdf2 (lines wrapped and hyphenated as in the source, a running header
and a page number on every page), then read back through the same path as an upload: first the
engine alone, then the whole upload (`POST /api/v1/documents`, multipart) over real HTTP to the app
in uvicorn on a database with the real seeds, where its drafts are stored and compared with the 174
assignments of the 2015 budget: on SQLite, and on PostgreSQL when a server is reachable
(BENCH_POSTGRES_SERVER, default the local one; a database of its own is made and dropped).
"""

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fpdf import FPDF
from sqlalchemy import make_url, text

from app.access import Role
from app.auth.service import create_token
from app.db import make_engine, make_session_factory, unit_of_work
from app.ingest.engine import ingest_file
from app.ingest.evaluate import SEEDS, budget_case
from app.schema_migrations import upgrade_to_head
from app.seeding.service import load_seeds
from app.settings import Settings
from bench.server import serve

DEFAULT_POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
UPLOAD_FIELDS = {
    "title": "Budget 2016 (100 sidor, prov)",
    "kind": "budget",
    "issuer": "SLK",
    "decided_by": "KF",
    "decision_date": "2015-11-23",
    "plan_period_start": "2016",
    "plan_period_end": "2018",
}

PAGES = 100
LINES_PER_PAGE = 45
LIMIT_SECONDS = 60.0


def build_pdf(pages: int = PAGES) -> bytes:
    source_lines = [
        line.strip().replace("–", "-").replace("”", '"')
        for line in (SEEDS / "source" / "underlag-budget-2015-kommunstyrelsen.txt").read_text().splitlines()
        if line.strip()
    ]
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=9)
    line = 0
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_xy(15, 8)
        pdf.cell(0, 5, "Underlag för budget 2015 - Kommunstyrelsen")
        for row in range(LINES_PER_PAGE):
            pdf.set_xy(15, 18 + row * 5.8)
            pdf.cell(
                0, 5, source_lines[line % len(source_lines)].encode("latin-1", "replace").decode("latin-1")
            )
            line += 1
        pdf.set_xy(15, 285)
        pdf.cell(0, 5, f"Sida {number} av {pages}")
    return bytes(pdf.output())


def _verdict(elapsed: float) -> str:
    return "PASS" if elapsed < LIMIT_SECONDS else "FAIL"


def _seeded(database_url: str) -> str:
    """Migrate the database, load the real seeds and make an admin token; returns its secret."""
    upgrade_to_head(Settings(database_url=database_url))
    engine = make_engine(database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            load_seeds(
                session, units_file=SEEDS / "org_units.yaml", document_file=SEEDS / "budget_2015_ks.yaml"
            )
            return create_token(session, name="bench", role=Role.ADMIN)[1]
    finally:
        engine.dispose()


def time_upload(database_url: str, data: bytes) -> tuple[float, int]:
    """Seconds for the whole upload over HTTP, and the drafts it found."""
    token = _seeded(database_url)
    with (
        serve(database_url) as base_url,
        httpx.Client(base_url=base_url, timeout=LIMIT_SECONDS * 2) as client,
    ):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/documents",
            headers={"Authorization": f"Bearer {token}"},
            data=UPLOAD_FIELDS,
            files={"file": ("budget-100-sidor.pdf", data, "application/pdf")},
        )
        elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, int(response.json()["drafts_found"])


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A new database on the PostgreSQL server (dropped afterwards), or None without a server."""
    server = make_url(os.environ.get("BENCH_POSTGRES_SERVER", DEFAULT_POSTGRES_SERVER))
    name = f"uppdrag_bench_ingest_{os.getpid()}"
    admin = make_engine(server.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        print(f"PostgreSQL: not measured ({type(error).__name__})")
        admin.dispose()
        yield None
        return
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    data = build_pdf()
    context = budget_case().context
    started = time.perf_counter()
    result = ingest_file(data, context)
    elapsed = time.perf_counter() - started
    print(
        f"{_verdict(elapsed)}: engine: {PAGES}-page PDF ({len(data) // 1024} KiB, "
        f"{len(result.text)} characters) read in {elapsed:.2f} s with {len(result.drafts)} drafts "
        f"(limit {LIMIT_SECONDS:.0f} s)"
    )
    with tempfile.TemporaryDirectory() as folder:
        elapsed, found = time_upload(f"sqlite:///{Path(folder) / 'bench.db'}", data)
    print(f"{_verdict(elapsed)}: upload over HTTP, SQLite: {elapsed:.2f} s, {found} drafts stored")
    with postgres_database() as url:
        if url is not None:
            elapsed, found = time_upload(url, data)
            print(
                f"{_verdict(elapsed)}: upload over HTTP, PostgreSQL: {elapsed:.2f} s, {found} drafts stored"
            )


if __name__ == "__main__":
    main()
