"""Text out of an uploaded file: PDF (pypdf), DOCX (python-docx) or plain text.

The format is read from the file's first bytes, never from its name. Anything that cannot give
usable text is refused with an `UnreadableDocumentError` that says why, before any expensive work:
the size is checked first, a DOCX's ZIP directory is checked (entry sizes and compression ratios)
before anything is decompressed, an encrypted PDF is only read when it opens without a password,
and the length of the text is checked as soon as it is read, before the engine reads it.
"""

import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import docx
import pypdf
from pypdf.errors import PdfReadError, PyPdfError

from app.errors import InvalidInputError

__all__ = [
    "DocumentFormat",
    "DocumentTooLargeError",
    "ExtractedText",
    "ExtractionLimits",
    "UnreadableDocumentError",
    "extract_text",
]

# pypdf logs every recoverable oddity of a damaged file as a warning; the outcome is what counts.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class UnreadableDocumentError(InvalidInputError):
    """The file gives no usable text; `reason` is a stable code, the message says what to do."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__("file", message, reason=reason)
        self.reason = reason


class DocumentTooLargeError(UnreadableDocumentError):
    status = 413
    problem_type = "content-too-large"


class DocumentFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    TEXT = "text"


@dataclass(frozen=True)
class ExtractionLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 1000
    max_uncompressed_bytes: int = 100 * 1024 * 1024  # all entries of a DOCX together
    max_compression_ratio: int = 200  # per entry; text XML compresses well, bombs far better
    max_zip_entries: int = 2000
    # 1 000 pages of 3 000 characters (a full A4 page of running text; the 100-page benchmark's
    # dense 9-point pages hold 3 250): about six seconds of engine on this project's machines.
    max_characters: int = 3_000_000
    min_letters: int = 40  # fewer letters than this in the whole document is no text


@dataclass(frozen=True)
class ExtractedText:
    format: DocumentFormat
    pages: list[str]  # one string per page (one in all for DOCX and plain text), lines kept


def extract_text(data: bytes, *, limits: ExtractionLimits | None = None) -> ExtractedText:
    limits = limits or ExtractionLimits()
    if not data.strip():
        raise UnreadableDocumentError("empty", "the file is empty")
    if len(data) > limits.max_bytes:
        raise DocumentTooLargeError(
            "too_large", f"the file is {len(data)} bytes; the limit is {limits.max_bytes} bytes"
        )
    if data.startswith(b"%PDF-"):
        extracted = ExtractedText(DocumentFormat.PDF, _pdf_pages(data, limits))
    elif data.startswith(b"PK\x03\x04"):
        extracted = ExtractedText(DocumentFormat.DOCX, [_docx_text(data, limits)])
    else:
        extracted = ExtractedText(DocumentFormat.TEXT, [_plain_text(data)])
    characters = sum(len(page) for page in extracted.pages)
    if characters > limits.max_characters:
        raise DocumentTooLargeError(
            "too_long",
            f"the text is {characters} characters; the limit is {limits.max_characters} characters",
        )
    if _letter_count("".join(extracted.pages)) < limits.min_letters:
        raise _no_text_error(extracted.format, data)
    return extracted


def _letter_count(text: str) -> int:
    return sum(1 for character in text if character.isalpha())


def _no_text_error(document_format: DocumentFormat, data: bytes) -> UnreadableDocumentError:
    if document_format is DocumentFormat.PDF and _pdf_has_images(data):
        return UnreadableDocumentError(
            "scanned_pdf",
            "the PDF has images but no text layer (a scan?); run text recognition (OCR) on it first",
        )
    return UnreadableDocumentError("no_text", f"the {document_format} file contains no readable text")


# --------------------------------------------------------------------------- PDF


def _open_pdf(data: bytes) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypts_without_password(reader):
            raise UnreadableDocumentError(
                "encrypted_pdf", "the PDF is password-protected; upload a copy without the password"
            )
        return reader
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnreadableDocumentError("malformed_pdf", f"the PDF cannot be read: {error}") from error


def _decrypts_without_password(reader: pypdf.PdfReader) -> bool:
    """True for PDFs that are only restricted (empty user password) and that pypdf can decrypt."""
    try:
        return bool(reader.decrypt(""))
    except (PyPdfError, NotImplementedError):  # e.g. AES without a crypto library
        return False


def _pdf_pages(data: bytes, limits: ExtractionLimits) -> list[str]:
    reader = _open_pdf(data)
    try:
        page_count = len(reader.pages)
        if page_count > limits.max_pages:
            raise DocumentTooLargeError(
                "too_many_pages", f"the PDF has {page_count} pages; the limit is {limits.max_pages}"
            )
        return [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise UnreadableDocumentError("malformed_pdf", f"the PDF cannot be read: {error}") from error


def _pdf_has_images(data: bytes) -> bool:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return any(_page_has_image(page) for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return False


def _page_has_image(page: Any) -> bool:
    resources = page.get("/Resources")
    if resources is None:
        return False
    objects = resources.get_object().get("/XObject")
    if objects is None:
        return False
    objects = objects.get_object()
    return any(objects[name].get_object().get("/Subtype") == "/Image" for name in objects)


# --------------------------------------------------------------------------- DOCX


def _check_zip(archive: zipfile.ZipFile, limits: ExtractionLimits) -> None:
    """Refuse ZIP bombs from the directory alone: nothing is decompressed here."""
    entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise UnreadableDocumentError(
            "zip_bomb", f"the DOCX has {len(entries)} parts; that is not a document"
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise UnreadableDocumentError(
            "zip_bomb",
            f"the DOCX would unpack to {total} bytes; the limit is {limits.max_uncompressed_bytes} bytes",
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise UnreadableDocumentError(
                "zip_bomb",
                f"the DOCX part {entry.filename} is compressed {ratio:.0f} to 1; refused as a ZIP bomb",
            )
    if "word/document.xml" not in archive.namelist():
        raise UnreadableDocumentError("unsupported_format", "the ZIP file is not a Word document (DOCX)")


def _docx_text(data: bytes, limits: ExtractionLimits) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive, limits)
        document = docx.Document(io.BytesIO(data))
    except UnreadableDocumentError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableDocumentError("malformed_docx", f"the DOCX cannot be read: {error}") from error
    except Exception as error:  # lxml and python-docx raise their own types for broken XML
        raise UnreadableDocumentError("malformed_docx", f"the DOCX cannot be read: {error}") from error
    paragraphs = [paragraph.text.strip() for paragraph in document.paragraphs]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


# --------------------------------------------------------------------------- plain text

_ALLOWED_CONTROLS = set("\n\r\t\f")


def _plain_text(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableDocumentError(
            "binary", "the file is binary, not text; upload a PDF, a DOCX or a plain text file"
        )
    text = _decode(data)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS)
    replaced = text.count("\ufffd")
    if controls + replaced > max(3, len(text) // 200):
        raise UnreadableDocumentError(
            "binary", "the file is binary, not text; upload a PDF, a DOCX or a plain text file"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (older Swedish files)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
