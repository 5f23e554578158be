"""Measure the ingest engine against annotated documents (`make ingest-eval`).

Documents: the 2015 budget underlag with its curated seeds (seeds/budget_2015_ks.yaml) plus the
annotations of drafts the seeds do not cover (tests/data/ingest/budget-2015.truth.yaml), and the
documents in tests/data/ingest/ with their `*.truth.yaml`. Some of those are *held out*
(`HELD_OUT`): written and annotated by someone else before the engine was run on them, and never
used to tune it; their files are kept exactly as handed over.

Matching, on character spans of the normalised text (`normalise_source_text`):

* a draft *lies in* a truth quote when at least half of the draft's characters are inside it;
* a truth commitment is *found* when the drafts lying in it together cover at least half of its
  characters (a commitment the drafts split in two is found; a draft that runs over two
  commitments counts for the one it mostly lies in);
* recall counts the seeds only; the extra annotations of the budget document judge drafts;
* a draft is *correct* when it lies in a positive truth quote; it is *wrong* when it lies in an
  annotated negative, and *unjudged* when it lies in neither: unjudged drafts count as wrong.
  The truth lists every commitment (positives are exhaustive), so an unjudged draft is one the
  annotator had not foreseen; it is shown so that it can be annotated.
* field agreement is measured on found commitments, with the draft that overlaps most: owner,
  executor, deadline interval (the truth's deadline text read by the same parser), amount
  (min and max SEK), origin.
"""

import argparse
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.assignments.deadline_text import PlanPeriod, parse_deadline
from app.documents.models import Origin
from app.documents.source_text import collapse_whitespace, normalise_source_text
from app.ingest.engine import DocumentContext, DraftProposal, ingest_file
from app.ingest.units import UnitRef

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data" / "ingest"
BUDGET_NAME = "budget-2015"
# Held-out documents, by name, with the SHA-256 of their files as their author handed them over: a
# held-out document and its truth are never edited (to fit the engine or otherwise).
HELD_OUT = {
    # A Trafiknämnden plan written and annotated by the reviewer of issue 12 before any run.
    "tn-vp-2017": {
        "tn-vp-2017.txt": "a970b3e70167c68b98eac053062ce905240e576d5c044d1e2a9aa0227640bcc8",
        "tn-vp-2017.truth.yaml": "e028ec4e8eb84c684ddf2e245b8d8c8b2e4bf3772f43aca9a02f86f71fbaa0f3",
    },
}


@dataclass(frozen=True)
class Targets:
    recall: float
    precision: float
    owner: float | None = None
    deadline: float | None = None


BUDGET_TARGETS = Targets(recall=0.95, precision=0.85, owner=0.85, deadline=0.85)
OTHER_TARGETS = Targets(recall=0.85, precision=0.75)


@dataclass(frozen=True)
class TruthItem:
    label: str
    quote: str
    origin: Origin
    owner: str | None = None
    executor: str | None = None
    deadline_text: str | None = None
    amount: tuple[int, int] | None = None
    occurrence: int = 1
    counts_for_recall: bool = True  # False: an extra annotation that only judges drafts


@dataclass(frozen=True)
class Negative:
    quote: str
    reason: str
    occurrence: int = 1


@dataclass(frozen=True)
class Case:
    name: str
    file: Path
    context: DocumentContext
    positives: list[TruthItem]
    negatives: list[Negative]
    targets: Targets
    held_out: bool = False


@dataclass
class Report:
    name: str
    held_out: bool
    drafts: int
    truth: int
    found: int
    correct: int
    wrong: int
    unjudged: int
    agreement: dict[str, tuple[int, int]]  # field -> (agreeing, compared)
    agreement_with_value: dict[str, tuple[int, int]]
    targets: Targets
    missed: list[str] = field(default_factory=list)
    false_drafts: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.drafts if self.drafts else 0.0

    def rate(self, name: str) -> float:
        agreeing, compared = self.agreement[name]
        return agreeing / compared if compared else 0.0

    def failures(self) -> list[str]:
        failures = []
        if self.recall < self.targets.recall:
            failures.append(f"recall {self.recall:.3f} < {self.targets.recall}")
        if self.precision < self.targets.precision:
            failures.append(f"precision {self.precision:.3f} < {self.targets.precision}")
        for name, target in (("owner", self.targets.owner), ("deadline", self.targets.deadline)):
            if target is not None and self.rate(name) < target:
                failures.append(f"{name} agreement {self.rate(name):.3f} < {target}")
        return failures


# --------------------------------------------------------------------------- loading cases


def read_units(path: Path = SEEDS / "org_units.yaml") -> list[UnitRef]:
    return [_unit(entry) for entry in _yaml(path)["units"]]


def _unit(entry: dict[str, Any]) -> UnitRef:
    return UnitRef(
        key=entry["key"],
        name=entry["name"],
        kind=entry.get("kind", "board"),
        parent=entry.get("parent"),
        short_name=entry.get("short_name"),
        aliases=tuple(entry.get("aliases", [])),
    )


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _amount(entry: dict[str, Any] | None) -> tuple[int, int] | None:
    return None if not entry else (int(entry["min_sek"]), int(entry["max_sek"]))


def _truth_item(entry: dict[str, Any], label: str, *, counts_for_recall: bool = True) -> TruthItem:
    return TruthItem(
        counts_for_recall=counts_for_recall,
        label=label,
        quote=collapse_whitespace(entry["quote"]),
        origin=Origin(entry.get("origin", "adopted")),
        owner=entry.get("owner"),
        executor=entry.get("executor"),
        deadline_text=entry.get("deadline_text"),
        amount=_amount(entry.get("amount")),
        occurrence=int(entry.get("occurrence", 1)),
    )


def _negatives(entries: Sequence[dict[str, Any]]) -> list[Negative]:
    return [
        Negative(collapse_whitespace(entry["quote"]), entry["reason"], int(entry.get("occurrence", 1)))
        for entry in entries
    ]


def budget_case() -> Case:
    seed = _yaml(SEEDS / "budget_2015_ks.yaml")
    extra = _yaml(DATA / f"{BUDGET_NAME}.truth.yaml")
    document = seed["document"]
    context = DocumentContext(
        document_date=date.fromisoformat(document["date"]),
        plan_period=PlanPeriod(**document["plan_period"]),
        units=read_units(),
        issuer=document["issuer"],
    )
    positives = [_truth_item(entry, entry["reference"]) for entry in seed["assignments"]]
    positives += [
        _truth_item(entry, f"extra-{number}", counts_for_recall=False)
        for number, entry in enumerate(extra["commitments"], start=1)
    ]
    return Case(
        name=BUDGET_NAME,
        file=SEEDS / document["source_file"],
        context=context,
        positives=positives,
        negatives=_negatives(extra["non_commitments"]),
        targets=BUDGET_TARGETS,
    )


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def document_case(truth_path: Path) -> Case:
    truth = _yaml(truth_path)
    name = truth_path.name.removesuffix(".truth.yaml")
    document = truth["document"]
    units = read_units() + [_unit(entry) for entry in truth.get("units", [])]
    context = DocumentContext(
        document_date=date.fromisoformat(document["date"]),
        plan_period=PlanPeriod(**document["plan_period"]),
        units=units,
        issuer=document.get("issuer"),
    )
    return Case(
        name=name,
        file=truth_path.parent / document["file"],
        context=context,
        positives=[_truth_item(entry, f"#{n}") for n, entry in enumerate(truth["commitments"], start=1)],
        negatives=_negatives(truth.get("non_commitments", [])),
        targets=OTHER_TARGETS,
        held_out=name in HELD_OUT,
    )


def all_cases() -> list[Case]:
    others = sorted(path for path in DATA.glob("*.truth.yaml") if not path.name.startswith(BUDGET_NAME))
    return [budget_case(), *(document_case(path) for path in others)]


# --------------------------------------------------------------------------- matching

Span = tuple[int, int]


def _locate(source: str, quote: str, occurrence: int = 1) -> Span | None:
    position = -1
    for _ in range(occurrence):
        position = source.find(quote, position + 1)
        if position < 0:
            return None
    return position, position + len(quote)


def _locate_drafts(source: str, drafts: Sequence[DraftProposal]) -> list[Span]:
    """Drafts come in document order: each is looked for from the previous one on."""
    spans: list[Span] = []
    cursor = 0
    for draft in drafts:
        quote = collapse_whitespace(draft.quote)
        position = source.find(quote, cursor)
        if position < 0:
            position = source.find(quote)
        if position < 0:
            raise AssertionError(f"draft quote is not verbatim in the document: {draft.quote!r}")
        spans.append((position, position + len(quote)))
        cursor = position
    return spans


def _overlap(first: Span, second: Span) -> int:
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


def _lies_in(draft: Span, truth: Span) -> bool:
    return _overlap(draft, truth) * 2 >= draft[1] - draft[0]


def _covered(truth: Span, drafts: Sequence[Span]) -> int:
    points: set[int] = set()
    for draft in drafts:
        points.update(range(max(draft[0], truth[0]), min(draft[1], truth[1])))
    return len(points)


def _interval(text: str | None, context: DocumentContext) -> tuple[date | None, date | None] | None:
    if not text:
        return None
    parsed = parse_deadline(text, document_date=context.document_date, plan_period=context.plan_period)
    return None if parsed is None else (parsed.earliest, parsed.latest)


def _draft_fields(draft: DraftProposal) -> dict[str, Any]:
    deadline = None if draft.deadline_text is None else (draft.deadline_earliest, draft.deadline_latest)
    amount = None if draft.money is None else (draft.money.min_sek, draft.money.max_sek)
    return {
        "owner": draft.owner,
        "executor": draft.executor,
        "deadline": deadline,
        "amount": amount,
        "origin": draft.origin,
    }


def _truth_fields(item: TruthItem, context: DocumentContext) -> dict[str, Any]:
    return {
        "owner": item.owner,
        "executor": item.executor,
        "deadline": _interval(item.deadline_text, context),
        "amount": item.amount,
        "origin": item.origin,
    }


FIELDS = ("owner", "executor", "deadline", "amount", "origin")


def evaluate(case: Case) -> Report:
    result = ingest_file(case.file.read_bytes(), case.context)
    source = normalise_source_text(result.text)
    draft_spans = _locate_drafts(source, result.drafts)
    report = Report(
        name=case.name,
        held_out=case.held_out,
        drafts=len(result.drafts),
        truth=sum(item.counts_for_recall for item in case.positives),
        found=0,
        correct=0,
        wrong=0,
        unjudged=0,
        agreement=dict.fromkeys(FIELDS, (0, 0)),
        agreement_with_value=dict.fromkeys(FIELDS, (0, 0)),
        targets=case.targets,
    )
    positive_spans = _score_positives(case, source, result.drafts, draft_spans, report)
    negative_spans = [
        span for item in case.negatives if (span := _locate(source, item.quote, item.occurrence))
    ]
    report.unlocated += [
        item.quote for item in case.negatives if _locate(source, item.quote, item.occurrence) is None
    ]
    for draft, span in zip(result.drafts, draft_spans, strict=True):
        if any(_lies_in(span, truth) for truth in positive_spans):
            report.correct += 1
        elif any(_lies_in(span, negative) for negative in negative_spans):
            report.wrong += 1
            report.false_drafts.append(f"[negative] {draft.quote}")
        else:
            report.unjudged += 1
            report.false_drafts.append(f"[unjudged] {draft.quote}")
    return report


def _score_positives(
    case: Case, source: str, drafts: Sequence[DraftProposal], draft_spans: Sequence[Span], report: Report
) -> list[Span]:
    spans: list[Span] = []
    for item in case.positives:
        truth_span = _locate(source, item.quote, item.occurrence)
        if truth_span is None:
            report.unlocated.append(item.quote)
            report.missed.append(f"{item.label} (not in the extracted text) {item.quote}")
            continue
        spans.append(truth_span)
        if not item.counts_for_recall:
            continue
        inside = [index for index, span in enumerate(draft_spans) if _lies_in(span, truth_span)]
        if _covered(truth_span, [draft_spans[i] for i in inside]) * 2 < truth_span[1] - truth_span[0]:
            report.missed.append(f"{item.label} {item.quote}")
            continue
        report.found += 1
        best = max(inside, key=lambda index: _overlap(draft_spans[index], truth_span))
        _agree(report, item, drafts[best], case.context)
    return spans


def _agree(report: Report, item: TruthItem, draft: DraftProposal, context: DocumentContext) -> None:
    expected, proposed = _truth_fields(item, context), _draft_fields(draft)
    for name in FIELDS:
        same = expected[name] == proposed[name]
        agreeing, compared = report.agreement[name]
        report.agreement[name] = (agreeing + same, compared + 1)
        if expected[name] is not None:
            agreeing, compared = report.agreement_with_value[name]
            report.agreement_with_value[name] = (agreeing + same, compared + 1)
        if not same:
            report.disagreements.append(
                f"{item.label} {name}: expected {expected[name]!r}, proposed {proposed[name]!r}"
                f" | {draft.quote[:90]}"
            )


# --------------------------------------------------------------------------- output


def _format(report: Report) -> str:
    lines = [
        f"== {report.name}"
        + (" (held out: annotated by another hand, never tuned on)" if report.held_out else ""),
        f"   drafts {report.drafts}, truth commitments {report.truth}",
        f"   recall    {report.recall:.3f} ({report.found}/{report.truth})"
        f"   target >= {report.targets.recall}",
        f"   precision {report.precision:.3f} ({report.correct}/{report.drafts}; wrong {report.wrong}, "
        f"unjudged {report.unjudged})   target >= {report.targets.precision}",
    ]
    for name in FIELDS:
        agreeing, compared = report.agreement[name]
        with_value = report.agreement_with_value[name]
        lines.append(
            f"   {name:<9} agreement {report.rate(name):.3f} ({agreeing}/{compared}); "
            f"where the truth has one: {with_value[0]}/{with_value[1]}"
        )
    failures = report.failures()
    lines.append("   PASS" if not failures else "   FAIL: " + "; ".join(failures))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--details", action="store_true", help="list misses, wrong drafts, disagreements")
    arguments = parser.parse_args(argv)
    failed = False
    for case in all_cases():
        report = evaluate(case)
        print(_format(report))
        if arguments.details:
            for title, entries in (
                ("missed", report.missed),
                ("wrong drafts", report.false_drafts),
                ("field disagreements", report.disagreements),
                ("truth quotes not found in the text", report.unlocated),
            ):
                print(f"   -- {title} ({len(entries)})")
                for entry in entries:
                    print(f"      {entry}")
        failed = failed or bool(report.failures())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
