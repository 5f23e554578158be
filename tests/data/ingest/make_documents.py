"""Build the evaluation documents from their sources: a real PDF, a PDF-extraction-like text and a DOCX.

Run once by hand (`python -m tests.data.ingest.make_documents`); the outputs are committed so that
the evaluation reads real files. The layout imitates public PDFs: lines wrapped at a fixed width,
long words hyphenated across line ends, a running header and a page number on every page.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
LINE_WIDTH = 88
LINES_PER_PAGE = 42
VOWELS = set("aeiouyåäöé")


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool


def read_source(name: str) -> list[Block]:
    blocks = []
    for chunk in (HERE / name).read_text(encoding="utf-8").split("\n\n"):
        chunk = chunk.strip()
        if chunk.startswith("# "):
            blocks.append(Block(chunk[2:], heading=True))
        elif chunk:
            blocks.append(Block(" ".join(chunk.split()), heading=False))
    return blocks


def _hyphenation_point(word: str, room: int) -> int | None:
    """A split of ``word`` before a consonant that starts a syllable (consonant then vowel), leaving
    at least 4 letters on each side and fitting ``room`` characters with the hyphen; None if none."""
    for cut in range(min(room - 1, len(word) - 4), 3, -1):
        if word[cut].lower() not in VOWELS and word[cut + 1].lower() in VOWELS:
            return cut
    return None


def wrap(text: str) -> Iterator[str]:
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= LINE_WIDTH:
            line = candidate
            continue
        room = LINE_WIDTH - len(line) - 1
        cut = _hyphenation_point(word, room) if len(word) >= 10 and word.isalpha() else None
        if cut is not None:
            yield f"{line} {word[:cut]}-"
            line = word[cut:]
        else:
            yield line
            line = word
    if line:
        yield line


def body_lines(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines.extend(wrap(block.text))
        lines.append("")
    return lines


def pages(lines: list[str]) -> list[list[str]]:
    return [lines[start : start + LINES_PER_PAGE] for start in range(0, len(lines), LINES_PER_PAGE)]


def build_pdf(source: str, target: str, header: str) -> None:
    paged = pages(body_lines(read_source(source)))
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=10)
    for number, page_lines in enumerate(paged, start=1):
        pdf.add_page()
        pdf.set_xy(15, 10)
        pdf.cell(0, 6, header)
        for index, line in enumerate(page_lines):
            pdf.set_xy(15, 22 + index * 6)
            pdf.cell(0, 6, line.replace("–", "-"))
        pdf.set_xy(15, 285)
        pdf.cell(0, 6, f"Sida {number} av {len(paged)}")
    pdf.set_creation_date(datetime(2015, 12, 10, tzinfo=UTC))
    pdf.output(str(HERE / target))


def build_extracted_text(source: str, target: str, header: str) -> None:
    """The text a PDF extraction gives: a header line, the page's lines, a page number alone."""
    out: list[str] = []
    for number, page_lines in enumerate(pages(body_lines(read_source(source))), start=1):
        out.append(header)
        out.append("")
        out.extend(page_lines)
        out.append(f" {number} ")
        out.append("")
    (HERE / target).write_text("\n".join(out), encoding="utf-8")


def build_docx(source: str, target: str) -> None:
    document = docx.Document()
    for block in read_source(source):
        if block.heading:
            document.add_heading(block.text, level=1 if block.text[0].isdigit() else 2)
        else:
            document.add_paragraph(block.text)
    document.core_properties.author = "Skarpnäcks stadsdelsförvaltning"
    document.save(str(HERE / target))


def main() -> None:
    build_pdf(
        "kulturnamnden-verksamhetsplan-2016.source.txt",
        "kulturnamnden-verksamhetsplan-2016.pdf",
        "Kulturnämnden - Verksamhetsplan 2016",
    )
    build_extracted_text(
        "ks-protokoll-2015-06-10.source.txt",
        "ks-protokoll-2015-06-10.txt",
        "Stockholms stad  Kommunstyrelsen  Protokoll 2015-06-10",
    )
    build_docx("skarpnack-verksamhetsplan-2016.source.txt", "skarpnack-verksamhetsplan-2016.docx")


if __name__ == "__main__":
    main()
