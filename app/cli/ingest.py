"""`uppdrag ingest FILE`: register a document from its file and propose its draft assignments."""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.access import Role
from app.cli.common import OperatorError, Subcommands, add_command, command_session, load_settings

if TYPE_CHECKING:
    from app.access import Principal
    from app.documents.models import SourceDocument
    from app.documents.schemas import DocumentCreate
    from app.ingest.schemas import DraftCounts

CLI_FIELDS = (
    "title", "kind", "issuer", "decided_by", "decision_date", "document_date", "diarienummer", "paragraph",
    "plan_period_start", "plan_period_end", "reference_prefix",
)  # fmt: skip


def _document_metadata(args: argparse.Namespace) -> "DocumentCreate":
    """The document's metadata from the options, checked as the upload's form fields are."""
    from fastapi.exceptions import RequestValidationError

    from app.ingest.upload_form import metadata_of

    fields = [(name, str(getattr(args, name))) for name in CLI_FIELDS if getattr(args, name) is not None]
    if args.not_adopted:
        fields.append(("adopted", "false"))
    try:
        return metadata_of(fields)
    except RequestValidationError as error:
        problems = [
            f"--{str(item['loc'][-1]).replace('_', '-')}: " if item["loc"][-1] != "body" else ""
            for item in error.errors()
        ]
        messages = [item["msg"].removeprefix("Value error, ") for item in error.errors()]
        raise OperatorError(
            "; ".join(f"{where}{what}" for where, what in zip(problems, messages, strict=True))
        ) from None


def ingest(args: argparse.Namespace) -> None:
    from app.ingest.extract import ExtractionLimits
    from app.ingest.service import Upload, draft_counts, ingest_document

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise OperatorError(f"file: cannot read {args.file}: {error.strerror}") from None
    if args.title is None:
        args.title = args.file.stem
    metadata = _document_metadata(args)
    settings = load_settings()
    upload = Upload(data=data, file_name=args.file.name, metadata=metadata)
    with command_session(settings) as session:
        outcome = ingest_document(
            session,
            upload=upload,
            actor=_cli_actor(),
            limits=ExtractionLimits(max_bytes=settings.upload_max_bytes),
        )
        counts = draft_counts(session, outcome.document.id, confident_from=args.confident_from)
        document = outcome.document
    print(_ingest_summary(document, counts, created=outcome.created))


def _cli_actor() -> "Principal":
    import getpass

    from app.access import Principal

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "operator"
    return Principal(name=f"{user} (uppdrag ingest)", role=Role.ADMIN)


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items(), key=lambda item: -item[1]))


def _ingest_summary(document: "SourceDocument", counts: "DraftCounts", *, created: bool) -> str:
    what = "registered" if created else "already ingested (same SHA-256): nothing written; it is"
    digest = (document.file_sha256 or "")[:12]
    return "\n".join(
        [
            f'{what} document {document.id} "{document.title}" ({document.reference_prefix}), from '
            f"{document.file_name} ({document.file_format}, {document.file_size} bytes, sha256 {digest}…)",
            f"drafts found: {counts.total} (by kind: {_counted(counts.by_kind) or 'none'}; "
            f"by origin: {_counted(counts.by_origin) or 'none'})",
            f"confidence {counts.confident_from:.2f} or more: {counts.confident} of {counts.total}",
            f"proposed as continuing an earlier document's assignment: {counts.continuing}",
            f"review: /underlag/{document.id}/utkast (pages) or GET /api/v1/documents/{document.id}/drafts",
        ]
    )


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be from 0 to 1")
    return value


# The document's metadata as options of `uppdrag ingest`: (option, metavar, help).
INGEST_OPTIONS = (
    ("--title", "TEXT", "the document's title (default: the file's name)"),
    ("--kind", "KIND", "budget, operational_plan, decision or other (default: decision)"),
    ("--issuer", "UNIT", "the unit that wrote it, by key or id, e.g. SLK (default: none)"),
    ("--decided-by", "UNIT", "the deciding body, by key or id, e.g. KS (default: none)"),
    ("--decision-date", "YYYY-MM-DD", "the decision's date (required unless --document-date)"),
    ("--document-date", "YYYY-MM-DD", "the document's own date (default: the decision's)"),
    ("--diarienummer", "DNR", "the case number, e.g. 'KS 2016/101' (default: none)"),
    ("--paragraph", "§", "the paragraph of the minutes, e.g. '§ 7' (default: none)"),
    ("--plan-period-start", "YEAR", "the plan period's first year (default: none)"),
    ("--plan-period-end", "YEAR", "the plan period's last year (default: none)"),
    ("--reference-prefix", "PREFIX", "of its assignments' references (default: e.g. KS-2016)"),
)


def add_ingest_command(commands: Subcommands) -> None:
    ingest_parser = add_command(
        commands,
        "ingest",
        "read a document's file (PDF, DOCX or text), register the document and propose its draft assignments",
    )
    ingest_parser.add_argument("file", type=Path, help="the file: PDF, DOCX or plain text")
    for option, metavar, text in INGEST_OPTIONS:
        ingest_parser.add_argument(option, metavar=metavar, help=text)
    ingest_parser.add_argument(
        "--not-adopted", action="store_true", help="the document was not adopted (default: adopted)"
    )
    ingest_parser.add_argument(
        "--confident-from",
        type=_confidence,
        default=0.8,
        metavar="C",
        help="count the drafts with at least this confidence (default: %(default)s)",
    )
    ingest_parser.set_defaults(handler=ingest)
