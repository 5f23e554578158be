"""Formats a resource is served in (JSON, CSV, XLSX, HTML, PDF): choosing one from `?format=` or the
Accept header, and the HTTP response of a rendered file. Plumbing: reports and rounds render their
own content; how a format is chosen and sent is the same for all."""

from enum import StrEnum

from fastapi import Response

from app.errors import ProblemError


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"
    PDF = "pdf"


MEDIA_TYPES = {
    Format.JSON: "application/json",
    Format.CSV: "text/csv",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.HTML: "text/html",
    Format.PDF: "application/pdf",
}
# A wildcard picks the first format of its kind: application/* is JSON, text/* is HTML.
_WILDCARDS = {"*/*": Format.JSON, "application/*": Format.JSON, "text/*": Format.HTML}
_BY_MEDIA_TYPE = {media_type: format_ for format_, media_type in MEDIA_TYPES.items()} | _WILDCARDS


class NotAcceptableError(ProblemError):
    status = 406
    problem_type = "not-acceptable"


def _accepted(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their quality, best first (ties in header order)."""
    ranges = []
    for part in accept.split(","):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    return sorted(ranges, key=lambda item: -item[1])


def negotiate(requested: Format | None, accept: str | None) -> Format:
    """`?format=` wins; else the best supported type in Accept; no Accept at all means JSON."""
    if requested is not None:
        return requested
    if not accept:
        return Format.JSON
    for media_range, quality in _accepted(accept):
        if quality > 0 and media_range in _BY_MEDIA_TYPE:
            return _BY_MEDIA_TYPE[media_range]
    raise NotAcceptableError(
        "None of the accepted media types is available; ask for one of " + ", ".join(MEDIA_TYPES.values()),
    )


def json_response(body: bytes) -> Response:
    """A body already serialised as JSON."""
    return Response(body, media_type=MEDIA_TYPES[Format.JSON], headers={"Vary": "Accept"})


def file_response(body: bytes, format_: Format, filename: str) -> Response:
    """A rendered file: CSV, XLSX and PDF as downloads, HTML as a page (with the service's one
    Content-Security-Policy, set by app/http_middleware.py)."""
    headers = {"Vary": "Accept"}
    if format_ is not Format.HTML:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    media_type = MEDIA_TYPES[format_] + ("; charset=utf-8" if format_ in (Format.CSV, Format.HTML) else "")
    return Response(body, media_type=media_type, headers=headers)
