"""Text extraction from real PDF, DOCX and text files, and clear refusals of malformed input."""

import pytest

from app.ingest.extract import (
    DocumentFormat,
    DocumentTooLargeError,
    ExtractionLimits,
    UnreadableDocumentError,
    extract_text,
)
from tests.bad_files import SWEDISH, blank_pdf, encrypted_pdf, scanned_pdf, zip_bomb, zipped
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "ingest"


def test_reads_a_real_pdf_page_by_page() -> None:
    extracted = extract_text((DATA / "kulturnamnden-verksamhetsplan-2016.pdf").read_bytes())
    assert extracted.format is DocumentFormat.PDF
    assert len(extracted.pages) == 3
    assert "Stadsbiblioteket ska utöka öppettiderna" in " ".join(extracted.pages[0].split())


def test_reads_a_real_docx() -> None:
    extracted = extract_text((DATA / "skarpnack-verksamhetsplan-2016.docx").read_bytes())
    assert extracted.format is DocumentFormat.DOCX
    assert "Parkprogrammet för Skarpnäck ska revideras under 2016." in extracted.pages[0]


def test_reads_plain_text_in_utf8_and_windows_1252() -> None:
    assert extract_text(SWEDISH.encode()).pages == [SWEDISH]
    assert extract_text(SWEDISH.encode("cp1252")).pages == [SWEDISH]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        (b"%PDF-1.7\nthis is not really a PDF", "malformed_pdf"),
        (blank_pdf(), "no_text"),
        (scanned_pdf(), "scanned_pdf"),
        (encrypted_pdf(), "encrypted_pdf"),
        (zipped({"readme.txt": SWEDISH.encode()}), "unsupported_format"),
        (zipped({"word/document.xml": b"<not xml"}), "malformed_docx"),
        (b"PK\x03\x04 broken zip", "malformed_docx"),
        (b"kort", "no_text"),
    ],
    ids=[
        "empty",
        "whitespace",
        "binary",
        "image",
        "broken-pdf",
        "pdf-without-text",
        "scanned-pdf",
        "encrypted-pdf",
        "zip-not-docx",
        "docx-broken-xml",
        "broken-zip",
        "too-little-text",
    ],
)
def test_malformed_input_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableDocumentError) as raised:
        extract_text(data)
    assert raised.value.reason == reason
    assert raised.value.status in (413, 422)
    assert raised.value.errors[0].field == "file"
    assert raised.value.detail.startswith("file: ")


def test_zip_bomb_is_refused_from_its_directory() -> None:
    bomb = zip_bomb()
    assert len(bomb) < 100 * 1024
    with pytest.raises(UnreadableDocumentError) as raised:
        extract_text(bomb, limits=ExtractionLimits(max_uncompressed_bytes=10 * 1024 * 1024))
    assert raised.value.reason == "zip_bomb"
    with pytest.raises(UnreadableDocumentError) as by_ratio:
        extract_text(bomb)
    assert by_ratio.value.reason == "zip_bomb"


def test_a_file_over_the_size_limit_is_refused_with_413() -> None:
    with pytest.raises(DocumentTooLargeError) as raised:
        extract_text(SWEDISH.encode() * 10, limits=ExtractionLimits(max_bytes=1000))
    assert raised.value.status == 413
    assert raised.value.reason == "too_large"


def test_a_text_over_the_length_limit_is_refused_as_it_is_read() -> None:
    data = (DATA / "kulturnamnden-verksamhetsplan-2016.pdf").read_bytes()
    characters = sum(len(page) for page in extract_text(data).pages)
    assert extract_text(data, limits=ExtractionLimits(max_characters=characters)).pages
    with pytest.raises(DocumentTooLargeError) as raised:
        extract_text(data, limits=ExtractionLimits(max_characters=characters - 1))
    assert raised.value.status == 413
    assert raised.value.reason == "too_long"
    assert f"the text is {characters} characters" in raised.value.detail


def test_a_pdf_over_the_page_limit_is_refused() -> None:
    data = (DATA / "kulturnamnden-verksamhetsplan-2016.pdf").read_bytes()
    with pytest.raises(DocumentTooLargeError) as raised:
        extract_text(data, limits=ExtractionLimits(max_pages=2))
    assert raised.value.reason == "too_many_pages"
