"""Time the ingest engine on a 100-page PDF: the budget underlag's text repeated (`make bench-ingest`).

The PDF is built here with fpdf2 (lines wrapped and hyphenated as in the source, a running header
and a page number on every page), then read back through the same path as an upload.
"""

import time

from fpdf import FPDF

from app.ingest.engine import ingest_file
from app.ingest.evaluate import SEEDS, budget_case

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


def main() -> None:
    data = build_pdf()
    context = budget_case().context
    started = time.perf_counter()
    result = ingest_file(data, context)
    elapsed = time.perf_counter() - started
    verdict = "PASS" if elapsed < LIMIT_SECONDS else "FAIL"
    print(
        f"{verdict}: {PAGES}-page PDF ({len(data) // 1024} KiB, {len(result.text)} characters) ingested in "
        f"{elapsed:.2f} s with {len(result.drafts)} drafts (limit {LIMIT_SECONDS:.0f} s)"
    )


if __name__ == "__main__":
    main()
