"""Every reason the engine gives for a draft is said in words on the draft page, in both languages:
checked on the drafts of every annotated document."""

from app.ingest.engine import ingest_file
from app.ingest.evaluate import all_cases
from app.web.draft_labels import CUE_LABELS
from app.web.labels import PageLabels


def test_every_reason_of_the_annotated_documents_has_words_in_both_languages() -> None:
    reasons = {
        reason
        for case in all_cases()
        for draft in ingest_file(case.file.read_bytes(), case.context).drafts
        for reason in draft.reasons
    }
    assert len(reasons) > 10
    for lang in ("sv", "en"):
        t = PageLabels(lang, "Europe/Stockholm")
        for reason in reasons:
            if reason.startswith("cue: "):
                assert reason.removeprefix("cue: ") in CUE_LABELS[lang], (lang, reason)
            assert t.reason(reason) != reason, (lang, reason)
