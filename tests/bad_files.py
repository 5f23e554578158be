"""Files that give no usable text, made for real (pypdf, fpdf2, Pillow, zipfile): for the extractor's
tests and for uploads through the API, the command line and the pages."""

import io
import zipfile

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
