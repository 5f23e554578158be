"""The engine as a whole: what a draft quotes, and how many drafts it will propose for one document."""

from datetime import date

import pytest

from app.assignments.deadline_text import PlanPeriod
from app.ingest.engine import DocumentContext, propose_drafts
from app.ingest.evaluate import read_units
from app.ingest.extract import DocumentTooLargeError

CONTEXT = DocumentContext(
    document_date=date(2015, 11, 23), plan_period=PlanPeriod(2016, 2018), units=read_units(), issuer="SLK"
)
SENTENCE = "Kontoret ska ta fram en plan. "


def test_a_text_giving_more_drafts_than_the_cap_is_refused() -> None:
    assert len(propose_drafts([SENTENCE * 5], CONTEXT, max_drafts=5).drafts) == 5
    with pytest.raises(DocumentTooLargeError) as raised:
        propose_drafts([SENTENCE * 6], CONTEXT, max_drafts=5)
    assert raised.value.status == 413
    assert raised.value.reason == "too_many_drafts"
    assert raised.value.errors[0].field == "file"


def test_a_sentence_pointing_back_quotes_what_it_points_to() -> None:
    description = "Webbplatsen består numera av flera plattformar som gör kommunikationen effektiv."
    (draft,) = propose_drafts([f"{description} Denna utveckling fortsätter."], CONTEXT).drafts
    assert draft.quote == f"{description} Denna utveckling fortsätter."
    committed = "Kontoret ska ta fram en ny webbplats."  # it has its own draft: not taken again
    first, second = propose_drafts([f"{committed} Detta arbete ska redovisas under 2016."], CONTEXT).drafts
    assert (first.quote, second.quote) == (committed, "Detta arbete ska redovisas under 2016.")
