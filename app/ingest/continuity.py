"""Which assignment of an earlier document a draft repeats: the `continues` proposal.

The rule: two texts are compared by their content words. A content word has at least four letters
(digits are dropped, so "under 2015" and "under 2016" read alike) and is cut to its first six
letters, a crude stem ("införa", "införandet" and "införs" meet); stems of the words every plan uses
(function words, the cue verbs, money, "kontoret", "staden" …: `FUNCTION_WORDS`) do not count.
The similarity is the Dice coefficient of the two sets of stems, 2·|A∩B| / (|A|+|B|). A draft
continues the assignment whose quote (its title when it has none) is most similar, when that is at
least `THRESHOLD` and they share at least `MIN_SHARED` stems; of equals, the most recently decided.
Candidates are the assignments, not archived, of documents decided before this one.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assignments.models import Assignment
from app.documents.models import SourceDocument

THRESHOLD = 0.6
MIN_SHARED = 3
STEM_LENGTH = 6
MIN_WORD_LENGTH = 4
_WORD = re.compile(r"[^\W\d_]+")
# Words too common in plans to say what a commitment is about: function words, the cue verbs of
# commitments, words of money and amounts, and the generic names of actors (four letters or more;
# shorter words are dropped anyway). Compared by their stems.
FUNCTION_WORDS = frozenset(
    """
    alla andra annat arbete arbetet både bland blir bliva blivit denna denne dessa detta deras dess
    eller efter enligt från genom göra görs hela inför inom inte kommer kunna kunde mellan även också
    samt sedan sina sitt skall skulle till under utan vara varit vilka vilken vilket ytterligare övriga
    ansvarar avser avsätts anvisas behöver fortsätter fortsatt planerar uppdrag uppdras måste
    kronor miljoner miljarder tusen procent motsvarande
    kontoret förvaltningen nämnden styrelsen staden stockholms
    """.split()  # noqa: SIM905
)
FUNCTION_STEMS = frozenset(word[:STEM_LENGTH] for word in FUNCTION_WORDS)


def stems(text: str) -> frozenset[str]:
    """The content words of a text, cut to their stems."""
    words = (word.lower() for word in _WORD.findall(text) if len(word) >= MIN_WORD_LENGTH)
    return frozenset(stem for stem in (word[:STEM_LENGTH] for word in words) if stem not in FUNCTION_STEMS)


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


class Continued(NamedTuple):
    assignment_id: int
    score: float


class _Candidate(NamedTuple):
    id: int
    quote: str | None
    title: str
    decided_on: date


@dataclass
class EarlierAssignments:
    """The assignments a document's drafts may continue, indexed by stem."""

    candidates: dict[int, tuple[frozenset[str], date]]
    by_stem: dict[str, list[int]]

    @classmethod
    def before(cls, session: Session, decided_on: date) -> "EarlierAssignments":
        decided = func.coalesce(SourceDocument.decision_date, SourceDocument.document_date)
        rows = session.execute(
            select(Assignment.id, Assignment.quote, Assignment.title, decided.label("decided_on"))
            .join(SourceDocument, SourceDocument.id == Assignment.document_id)
            .where(Assignment.archived_at.is_(None), decided < decided_on)
        )
        candidates = {}
        by_stem: dict[str, list[int]] = defaultdict(list)
        for row in map(_Candidate._make, rows):
            words = stems(row.quote or row.title)
            candidates[row.id] = (words, row.decided_on)
            for stem in words:
                by_stem[stem].append(row.id)
        return cls(candidates, by_stem)

    def best_match(self, text: str) -> Continued | None:
        words = stems(text)
        shared = Counter(candidate for stem in words for candidate in self.by_stem.get(stem, ()))
        scored = [
            (similarity(words, self.candidates[candidate][0]), self.candidates[candidate][1], candidate)
            for candidate, count in shared.items()
            if count >= MIN_SHARED
        ]
        if not scored:
            return None
        score, _decided_on, candidate = max(scored, key=lambda item: (item[0], item[1], -item[2]))
        return Continued(candidate, round(score, 3)) if score >= THRESHOLD else None

    def best_matches(self, texts: Sequence[str]) -> list[Continued | None]:
        return [self.best_match(text) for text in texts]
