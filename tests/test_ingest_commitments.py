"""Which sentences commit, on which cues, and how a sentence that commits to two things splits."""

import pytest

from app.ingest.commitments import find_cues, refers_back, rejection_reason
from app.ingest.splitting import split_parts

COMMITTING = [
    ("Kommunstyrelsen ska genom stadsledningskontoret utreda behovet av en fond.", "ska"),
    ("Stadsledningskontoret får i uppdrag att redovisa en åtgärdsplan.", "uppdrag"),
    ("Idrottsnämnden ges i uppdrag att samordna ansökan.", "uppdrag"),
    ("Exploateringsnämnden uppdras att utreda planprocessen.", "uppdrag"),
    ("Strategier för kompetensförsörjningen kommer att utvecklas.", "kommer att"),
    ("Kontoret planerar att utveckla stadens beslutsstöd.", "plan"),
    ("Förvaltningen avser att söka statlig medfinansiering.", "plan"),
    ("Målet är att 70 procent av matavfallet ska samlas in 2017.", "goal"),
    ("200 miljoner avsätts till den sociala investeringsfonden.", "funding"),
    ("SISAB behöver få ett bredare uppdrag.", "need"),
    ("Satsningarna på hälsa och minskad sjukfrånvaro fortsätter.", "continues"),
    ("Arbete pågår med en revidering av Vision 2030.", "in progress"),
    ("För att fler barn ska kunna delta sänks avgiften för den andra kursen.", "passive"),
    ("Kulturstödet till föreningar som ska ha verksamhet i ytterstaden prioriteras.", "passive"),
    ("Ytterstadens potential som utvecklingsområden ska tas till vara.", "ska"),
    ("Vi vill att Stockholms stad ansöker om att bli försökskommun.", "proposal"),
]

NOT_COMMITTING = [
    "Det är viktigt att barn och äldre får vällagade måltider.",
    "Rekryteringsbehovet av lärare kommer att öka.",
    "Detta arbete kommer att möjliggöra en ökad standardisering.",
    "Nämnden bör även se över hur biblioteken kan nå nyanlända.",
    "Med effektiv samordning kan servicen förbättras.",
    "De innebär att nya e-tjänster ska utformas för mobila enheter.",
    "Ökningen avser främst hyreskostnader.",
    "Stadsledningskontoret har under våren genomfört en remissrunda.",
    "Fokus bör ligga på att bygga fler mindre lägenheter.",
]


@pytest.mark.parametrize(("sentence", "cue"), COMMITTING)
def test_commitment_cues_fire(sentence: str, cue: str) -> None:
    assert rejection_reason(sentence) is None
    assert cue in {found.name for found in find_cues(sentence)}


@pytest.mark.parametrize("sentence", NOT_COMMITTING)
def test_non_commitments_have_no_cue(sentence: str) -> None:
    assert find_cues(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Kan staden klara arrangemanget inom befintliga ramar?", "question"),
        ("Det ska noteras att biblioteken ska ägna särskild uppmärksamhet åt minoriteter.", "note"),
        ("Enligt kommunallagen ska budgeten innehålla en plan för tre år.", "quoted rule"),
        ("Om hyrorna stiger kan förvaltningen behöva omprioritera.", "condition"),
        ("Vid behov anlitas specialpedagoger.", "condition"),
        ("I detta ärende redovisas kontorets underlag till budget 2015.", "describes the document"),
    ],
)
def test_sentences_refused_by_form(sentence: str, reason: str) -> None:
    assert rejection_reason(sentence) == reason


@pytest.mark.parametrize(
    ("sentence", "parts"),
    [
        (
            "Kontoret ska följa upp användandet av friskvårdstimmar, och ta fram en strategi för friskvård.",
            [
                "Kontoret ska följa upp användandet av friskvårdstimmar",
                "ta fram en strategi för friskvård.",
            ],
        ),
        (
            "Staden ska leda utvecklingen av investeringsstrategin och samordna realiseringen av bostäderna.",
            [
                "Staden ska leda utvecklingen av investeringsstrategin",
                "samordna realiseringen av bostäderna.",
            ],
        ),
        (
            "Projekt SIKT slutförs liksom nya leveranser för Vodok och Paragå.",
            ["Projekt SIKT slutförs", "nya leveranser för Vodok och Paragå."],
        ),
        (
            "Måltiderna ska präglas av hälsa och lärande och maten ska hålla hög kvalitet.",
            ["Måltiderna ska präglas av hälsa och lärande", "maten ska hålla hög kvalitet."],
        ),
        (
            "Arbetet med stadens grafiska profil fortsätter och stadens vision är basen i kommunikationen.",
            ["Arbetet med stadens grafiska profil fortsätter"],
        ),
        (
            "Kontoret ska utreda frågan och lämna förslag till nytt avtal från och med 2017.",
            ["Kontoret ska utreda frågan", "lämna förslag till nytt avtal från och med 2017."],
        ),
        (
            "Kommunstyrelsen ska utarbeta under vilka former ansökningar och återföring ska göras.",
            ["Kommunstyrelsen ska utarbeta under vilka former ansökningar och återföring ska göras."],
        ),
    ],
)
def test_a_sentence_committing_to_two_things_splits(sentence: str, parts: list[str]) -> None:
    found = split_parts(sentence, find_cues(sentence))
    assert [sentence[part.start : part.end].strip(" ,") for part in found] == parts


@pytest.mark.parametrize(
    ("sentence", "points_back"),
    [
        ("Denna utveckling fortsätter.", True),
        ("Detta arbete ska redovisas för nämnden.", True),
        ("De här insatserna fortgår under perioden.", True),
        ("Detta kräver systematik och kompetens.", False),  # a pronoun, not a noun phrase
        ("Detta finansieras genom att avsätta en miljard.", False),
        ("Detta möjliggör en ökad standardisering.", False),
        ("Utvecklingen fortsätter.", False),
        ("Denna", False),
    ],
)
def test_a_demonstrative_subject_refers_back(sentence: str, points_back: bool) -> None:
    assert refers_back(sentence) is points_back
