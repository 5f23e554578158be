"""`uppdrag ingest FILE` as an operator runs it, as a real process: the document registered with its
drafts and a summary printed; the same file again writes nothing; bad input is one line on stderr,
a non-zero exit status, and nothing written."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.assignments.models import Assignment
from app.db import make_engine, make_session_factory
from app.documents.models import SourceDocument
from app.ingest.models import Draft
from app.schema_migrations import upgrade_to_head
from app.settings import Settings
from tests.bad_files import UNREADABLE_UPLOADS
from tests.processes import assert_one_line_error, run_uppdrag
from tests.uploads import CHIEFS, DECISION_FILE

DECISION_OPTIONS = (
    "--title", "Kommunstyrelsens beslut om digital förvaltning", "--kind", "decision", "--issuer", "SLK",
    "--decided-by", "KS", "--decision-date", "2016-03-14", "--diarienummer", "KS 2016/101",
)  # fmt: skip


def _counts(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (SourceDocument, Draft, Assignment)
            }
    finally:
        engine.dispose()


def _drafts(database_url: str) -> list[Any]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return list(session.execute(select(Draft.quote, Draft.continues_id).order_by(Draft.quote_start)))
    finally:
        engine.dispose()


def test_ingest_registers_the_document_with_its_drafts_once(tmp_path: Path, seeded_database: str) -> None:
    settings = {"DATABASE_URL": seeded_database}
    before = _counts(seeded_database)
    result = run_uppdrag("ingest", str(DECISION_FILE), *DECISION_OPTIONS, cwd=tmp_path, settings=settings)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("registered document ")
    assert '"Kommunstyrelsens beslut om digital förvaltning" (KS-2016)' in lines[0]
    assert "from decision_2016.txt (text," in lines[0]
    assert lines[1] == "drafts found: 4 (by kind: task 4; by origin: adopted 4)"
    assert lines[2] == "confidence 0.80 or more: 4 of 4"
    assert lines[3] == "proposed as continuing an earlier document's assignment: 1"
    assert _counts(seeded_database) == {
        **before,
        "source_documents": before["source_documents"] + 1,
        "drafts": 4,
    }
    [chiefs] = [draft for draft in _drafts(seeded_database) if draft.quote == CHIEFS]
    assert chiefs.continues_id is not None  # the 2015 budget's assignment it repeats

    again = run_uppdrag(
        "ingest", str(DECISION_FILE), "--decision-date", "2016-03-14", "--confident-from", "0.95",
        cwd=tmp_path, settings=settings,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("already ingested (same SHA-256): nothing written; it is document ")
    assert "confidence 0.95 or more: 3 of 4" in again.stdout
    assert _counts(seeded_database)["source_documents"] == before["source_documents"] + 1


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'uppdrag.db'}"
    upgrade_to_head(Settings(database_url=url))
    return url


UPLOAD_LIMIT = 50_000  # over the ZIP bomb's 30 KiB, under the 60 KB of text below
BAD_RUNS: dict[str, tuple[bytes | None, tuple[str, ...], str]] = {
    **{
        name: (content, (), phrase)
        for name, (content, phrase) in {
            "empty": (UNREADABLE_UPLOADS["empty"][0], "the file is empty"),
            "binary garbage": (UNREADABLE_UPLOADS["binary garbage"][0], "the file is binary"),
            "pdf without text": (UNREADABLE_UPLOADS["pdf without text"][0], "contains no readable text"),
            "scanned pdf": (UNREADABLE_UPLOADS["scanned pdf"][0], "no text layer (a scan?)"),
            "zip bomb": (UNREADABLE_UPLOADS["zip bomb"][0], "refused as a ZIP bomb"),
        }.items()
    },
    "over the size limit": (
        b"Kontoret ska ta fram en plan. " * 2000,
        (),
        f"the limit is {UPLOAD_LIMIT} bytes",
    ),
    "missing file": (None, (), "No such file or directory"),
    "no date": (
        DECISION_FILE.read_bytes(),
        ("--decision-date", ""),
        "decision_date (or document_date) is required",
    ),
    "bad kind": (DECISION_FILE.read_bytes(), ("--kind", "wish"), "--kind: Input should be"),
    "unknown unit": (
        DECISION_FILE.read_bytes(),
        ("--decided-by", "NOPE"),
        "decided_by: unknown organisational unit",
    ),
    "bad plan period": (
        DECISION_FILE.read_bytes(),
        ("--plan-period-start", "twenty"),
        "--plan-period-start:",
    ),
    "bad date": (DECISION_FILE.read_bytes(), ("--decision-date", "2016-02-30"), "--decision-date:"),
}


@pytest.mark.parametrize(("content", "options", "phrase"), BAD_RUNS.values(), ids=BAD_RUNS.keys())
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, migrated_sqlite: str, content: bytes | None, options: tuple[str, ...], phrase: str
) -> None:
    file = tmp_path / "underlag.pdf"
    if content is not None:
        file.write_bytes(content)
    before = _counts(migrated_sqlite)
    result = run_uppdrag(
        "ingest", str(file), "--decision-date", "2016-03-14", *options, cwd=tmp_path,
        settings={"DATABASE_URL": migrated_sqlite, "UPLOAD_MAX_BYTES": str(UPLOAD_LIMIT)},
    )  # fmt: skip
    assert_one_line_error(result, phrase)
    assert _counts(migrated_sqlite) == before
