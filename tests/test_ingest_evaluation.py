"""Quality gate: the engine meets the issue's targets on every annotated document (not a timing)."""

import pytest

from app.documents.source_text import normalise_source_text
from app.ingest.engine import ingest_file
from app.ingest.evaluate import DATA, HELD_OUT, Case, all_cases, evaluate, file_digest

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_targets_are_met(case: Case) -> None:
    report = evaluate(case)
    assert report.unlocated == [], "every annotated quote must be found in the extracted text"
    assert report.failures() == []


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_quote_is_verbatim_in_the_normalised_text(case: Case) -> None:
    result = ingest_file(case.file.read_bytes(), case.context)
    source = normalise_source_text(result.text)
    assert result.drafts
    for draft in result.drafts:
        assert draft.quote in source
        assert 0.0 <= draft.confidence <= 1.0
        assert draft.reasons


def test_the_evaluation_covers_a_pdf_a_docx_and_three_other_documents() -> None:
    suffixes = {case.file.suffix for case in CASES}
    assert {".pdf", ".docx", ".txt"} <= suffixes
    assert len(CASES) >= 4


@pytest.mark.parametrize("name", HELD_OUT)
def test_a_held_out_document_is_kept_as_its_author_handed_it_over(name: str) -> None:
    assert name in {case.name for case in CASES if case.held_out}
    for file_name, digest in HELD_OUT[name].items():
        assert file_digest(DATA / file_name) == digest, "a held-out document and its truth are not edited"
