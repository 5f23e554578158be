"""Text repair, structure and sentences of the ingest engine (pure functions, no database)."""

import pytest

from app.documents.models import Origin
from app.documents.source_text import normalise_source_text
from app.ingest.text import prepare_text, split_sentences
from tests.conftest import SEEDS

BUDGET_TEXT = (SEEDS / "source" / "underlag-budget-2015-kommunstyrelsen.txt").read_text(encoding="utf-8")


def _paragraph_texts(raw: str | list[str]) -> list[str]:
    pages = [raw] if isinstance(raw, str) else raw
    return [paragraph.text for paragraph in prepare_text(pages).paragraphs]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Kontoret ska utveckla organisa-\ntionen under 2015.",
            ["Kontoret ska utveckla organisationen under 2015."],
        ),
        ("Arbetet med gemensam it-service.\nGemensam it-\nservice upphandlas.", None),
        ("Staden ska bygga\n\n 11 \n\nfler bostäder.", ["Staden ska bygga fler bostäder."]),
        ("Första meningen.\nSida 3 av 12\nAndra meningen.", ["Första meningen. Andra meningen."]),
        ("Kostnader 1 370,0 1 324,7 1 324,7\nKontoret ska spara.", ["Kontoret ska spara."]),
    ],
)
def test_repairs_wrapping_hyphenation_page_numbers_and_tables(raw: str, expected: list[str] | None) -> None:
    texts = _paragraph_texts(raw)
    if expected is None:  # a hyphen written inside a line elsewhere is a real hyphen
        assert "Gemensam it-service upphandlas." in " ".join(texts)
    else:
        assert texts == expected


def test_running_headers_and_footers_are_dropped_across_pages() -> None:
    pages = [
        f"Kulturnämnden - Verksamhetsplan 2016\nText på sida {n} ska läsas.\nSida {n} av 3"
        for n in range(1, 4)
    ]
    assert _paragraph_texts(pages) == [" ".join(f"Text på sida {n} ska läsas." for n in range(1, 4))]


@pytest.mark.parametrize("page_break", ["\n\n {n} \n\n", "\f"], ids=["page-number-line", "form-feed"])
def test_a_plain_texts_running_header_is_dropped_at_its_page_breaks(page_break: str) -> None:
    header = "Stockholms stad  Kommunstyrelsen  Protokoll 2015-06-10"
    pages = [f"{header}\n\nText på sida {n} ska läsas." for n in range(1, 5)]
    raw = "".join(page + page_break.format(n=n) for n, page in enumerate(pages, start=1))
    assert _paragraph_texts(raw) == [" ".join(f"Text på sida {n} ska läsas." for n in range(1, 5))]


def test_a_text_repeated_whole_keeps_every_line() -> None:
    # Every line of a text pasted three times repeats, at its page break too; none is a header.
    once = prepare_text([BUDGET_TEXT]).text
    assert prepare_text([BUDGET_TEXT * 3]).text == "\n\n".join([once] * 3)
    header = "Kommunstyrelsen ska ta fram en plan för"  # repeated, but in no page's edge
    texts = _paragraph_texts(f"{header}\nA.\n{header}\nB.\n{header}\nC.")
    assert " ".join(texts) == f"{header} A. {header} B. {header} C."


def test_headings_give_sections_and_blocks_give_origin() -> None:
    raw = "\n".join(
        [
            "Reservation anfördes av Anna Andersson (MP) enligt följande.",
            "1. Stockholm ska vara en hållbar stad",
            "Klimat",
            "Staden ska minska utsläppen.",
            "Särskilt uttalande gjordes av Bo Berg (V) enligt följande.",
            "Vi anser att mer borde göras.",
            "Ärendet",
            "2.1 Ekonomi",
            "Kontoret ska hålla budgeten.",
        ]
    )
    prepared = prepare_text([raw])
    by_text = {paragraph.text: paragraph for paragraph in prepared.paragraphs}
    assert by_text["Staden ska minska utsläppen."].origin is Origin.RESERVATION
    assert by_text["Staden ska minska utsläppen."].section == (
        "Reservation (MP)",
        "1. Stockholm ska vara en hållbar stad",
        "Klimat",
    )
    statement = next(paragraph for paragraph in prepared.paragraphs if "Vi anser" in paragraph.text)
    assert statement.origin is Origin.STATEMENT
    assert by_text["Kontoret ska hålla budgeten."].origin is Origin.ADOPTED
    assert by_text["Kontoret ska hålla budgeten."].section == ("2.1 Ekonomi",)


def test_paragraphs_are_substrings_of_the_normalised_clean_text() -> None:
    raw = "Kontoret ska ut-\nveckla arbetet.\n\n 4 \n\nDet gemensamma it-\nsystemet och it-systemet."
    prepared = prepare_text([raw])
    normalised = normalise_source_text(prepared.text)
    assert all(paragraph.text in normalised for paragraph in prepared.paragraphs)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Kontoret ska bl.a. utreda frågan. Staden ska också bygga.",
            ["Kontoret ska bl.a. utreda frågan.", "Staden ska också bygga."],
        ),
        (
            "Det gäller t.ex. Kontaktcenter. Arbetet fortsätter.",
            ["Det gäller t.ex. Kontaktcenter.", "Arbetet fortsätter."],
        ),
        (
            "Planen m.m. tas fram, s.k. Bokstart. Den ska ca. 2016 vara klar.",
            ["Planen m.m. tas fram, s.k. Bokstart.", "Den ska ca. 2016 vara klar."],
        ),
        (
            "Medel, dvs. Pengar avsätts resp. År 2016 följs upp.",
            ["Medel, dvs. Pengar avsätts resp. År 2016 följs upp."],
        ),
        (
            "1. Kommunstyrelsen ger kontoret i uppdrag att utreda. 2. Trafiknämnden ska bygga.",
            ["Kommunstyrelsen ger kontoret i uppdrag att utreda.", "Trafiknämnden ska bygga."],
        ),
        ("Kan staden klara det? Ja! Arbetet börjar.", ["Kan staden klara det?", "Ja!", "Arbetet börjar."]),
        ("Budgeten är 1,5 mnkr. Den ska räcka.", ["Budgeten är 1,5 mnkr. Den ska räcka."]),
    ],
)
def test_sentences_respect_swedish_abbreviations(text: str, sentences: list[str]) -> None:
    found = list(split_sentences(text))
    assert [sentence.text for sentence in found] == sentences
    assert all(text[sentence.start : sentence.end] == sentence.text for sentence in found)
