"""PDF of a page, for the diarium: the page's own HTML (the same templates as the browser's) laid out
by WeasyPrint with a print stylesheet. Plumbing: reports and rounds render their pages; how a page
becomes a PDF, and how large one may be, is the same for all.

What the stylesheet does on every page: the page's title (its `<title>`: the report and its period,
the round, the unit's part) at the top, "Sida 1 av 3" / "Page 1 of 3" at the bottom, table headers
repeated where a table continues; the site's header, footer, navigation and forms left out; fonts
that Debian ships (DejaVu, Liberation). Nothing is fetched while laying out: a page carries its
styles and SVG charts inline, and the fetcher refuses every URL but inline `data:` ones.
"""

import html
import re
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.errors import FieldError, ProblemError
from app.page_frame import Lang

PAGE_OF: dict[Lang, str] = {
    "sv": '"Sida " counter(page) " av " counter(pages)',
    "en": '"Page " counter(page) " of " counter(pages)',
}
FONTS = '"DejaVu Sans", "Liberation Sans", sans-serif'  # Debian's fonts-dejavu-core, fonts-liberation
_TITLE = re.compile(rb"<title>(.*?)</title>", re.DOTALL)

_PRINT_STYLE = """
@page {
  size: A4 landscape;
  margin: 16mm 12mm 14mm;
  @top-left { content: "%(title)s"; font: %(margin_font)s; color: #374151; }
  @bottom-right { content: %(page_of)s; font: %(margin_font)s; color: #374151; }
}
html { font-size: 9pt; }
body, svg text { font-family: %(fonts)s; }
.page { max-width: none; padding: 0; }
.site-header, .site-footer, .skip, nav, form, .no-print { display: none !important; }
a { color: inherit; text-decoration: none; }
h1, h2, h3, caption { break-after: avoid; }
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
tr, figure, .figures li { break-inside: avoid; }
.figures { grid-template-columns: repeat(6, 1fr); }
.charts { grid-template-columns: 1fr 1fr; gap: 8mm; }
svg { max-width: 130mm; }
svg .minor { display: none; }
"""


class PdfTooLargeError(ProblemError):
    """More lines than one PDF is made for: filter the report, or take CSV or XLSX."""

    status = 422
    problem_type = "pdf-too-large"


class _NothingFetched(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Fetches no URL but an inline `data:` one: a page for print has everything inline, and
    laying it out must not reach the network or the file system."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith("data:"):
            raise ValueError(f"not fetched while making a PDF: {url}")
        response: URLFetcherResponse = super().fetch(url, headers)
        return response


def _css_string(text: str) -> str:
    """Text as the inside of a CSS string: quotes and backslashes escaped, one line."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def page_title(page: bytes) -> str:
    """The page's `<title>`, as text."""
    match = _TITLE.search(page)
    return html.unescape(match.group(1).decode("utf-8")) if match else ""


def refuse_large_pdf(lines: int, max_lines: int) -> None:
    """A 422 naming `format` when a PDF would hold more lines than `max_lines` (PDF_MAX_LINES)."""
    if lines > max_lines:
        message = (
            f"a PDF holds at most {max_lines} assignments and this one has {lines}: "
            "filter it (owner, goal, document, decided_by) or download CSV or XLSX"
        )
        raise PdfTooLargeError(f"format: {message}", errors=[FieldError("format", message)])


def page_pdf(page: bytes, lang: Lang) -> bytes:
    """A rendered HTML page as PDF, laid out for A4 with its title and page numbers on every page."""
    style = _PRINT_STYLE % {
        "title": _css_string(page_title(page)),
        "page_of": PAGE_OF[lang],
        "fonts": FONTS,
        "margin_font": f"8.5pt {FONTS}",
    }
    # After the page's own styles, as one of them: the print rules win over the screen's.
    printed = page.replace(b"</head>", f"<style>{style}</style></head>".encode(), 1)
    document = HTML(string=printed.decode("utf-8"), url_fetcher=_NothingFetched(), media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf
