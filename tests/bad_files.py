"""Files that give no usable text, made for real (pypdf, fpdf2, Pillow, zipfile): for the extractor's
tests and for uploads through the API, the command line and the pages. And workbooks broken inside
(openpyxl, then zipfile): for a round's Excel import."""

import io
import re
import zipfile
from collections.abc import Callable

import openpyxl
import pypdf
from fpdf import FPDF
from PIL import Image

SWEDISH = "Kommunstyrelsen ska genom stadsledningskontoret utreda behovet av en fond för rättsfall. " * 3


def pdf_bytes(writer: pypdf.PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return pdf_bytes(writer)


def scanned_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("L", (120, 160), color=200), x=10, y=10, w=100)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, SWEDISH)
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.encrypt(user_password="hemligt", owner_password="hemligt", algorithm="RC4-128")
    return pdf_bytes(writer)


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A DOCX-looking ZIP of under 100 KiB whose document part unpacks to 30 MiB of zeros."""
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w>" + bytes(30 * 1024 * 1024)})


# What an upload of each refuses with: (file, reason); the status is 422 (413 for the size limit).
UNREADABLE_UPLOADS = {
    "empty": (b"", "empty"),
    "binary garbage": (bytes(range(256)) * 40, "binary"),
    "pdf without text": (blank_pdf(), "no_text"),
    "scanned pdf": (scanned_pdf(), "scanned_pdf"),
    "zip bomb": (zip_bomb(), "zip_bomb"),
}


# --- broken workbooks ------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: int = 200) -> bytes:
    """A sound XLSX workbook of a sheet with a heading row and `rows` rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Referens", "Version", "Kommentar"])
    for number in range(1, rows + 1):
        sheet.append([f"KS-2015-{number:03}", 1, f"Rad {number}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _changed(content: bytes, entry: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one of its ZIP entries changed."""
    source = zipfile.ZipFile(io.BytesIO(content))
    return zipped(
        {info.filename: change(source.read(info)) if info.filename == entry else source.read(info)
         for info in source.infolist()}
    )  # fmt: skip


def _unpacking_to(size: int) -> bytes:
    """A workbook of a few kilobytes whose sheet unpacks to `size` bytes: a heading row and rows of
    one long cell each, as XML."""
    cell = "a" * 50_000
    rows = "".join(
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{cell}</t></is></c></row>'
        for number in range(2, 2 + size // len(cell))
    )
    return _changed(
        workbook(rows=0),
        SHEET,
        lambda sheet: sheet.replace(b"</sheetData>", rows.encode() + b"</sheetData>"),
    )


# A round's import refuses each with 422 naming the file; what its detail says.
BROKEN_WORKBOOKS: dict[str, tuple[Callable[[], bytes], str]] = {
    "broken workbook.xml": (
        lambda: _changed(workbook(), "xl/workbook.xml", lambda _xml: b"<not xml"),
        "readable",
    ),
    "no sheets": (
        lambda: _changed(
            workbook(), "xl/workbook.xml", lambda xml: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml)
        ),
        "without a sheet",
    ),
    "truncated sheet": (lambda: _changed(workbook(), SHEET, lambda xml: xml[: len(xml) // 2]), "readable"),
    "unpacks to 20 MB": (lambda: _unpacking_to(20 * 1024 * 1024), "unpack"),
}
