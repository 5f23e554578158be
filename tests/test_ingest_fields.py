"""Fields of a draft: money, measurable target, deadline, owner and executor."""

from datetime import date
from decimal import Decimal

import pytest

from app.assignments.deadline_text import PlanPeriod
from app.ingest.engine import DocumentContext, propose_drafts
from app.ingest.evaluate import read_units
from app.ingest.fields import find_deadline, find_money, find_target

PERIOD = PlanPeriod(2015, 2017)
DOCUMENT_DATE = date(2014, 3, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Budgeten uppskattas till cirka 750 000 kronor under 2014.", (750_000, 750_000, 2014)),
        (
            "Budgeten för perioden 2015-2017 uppskattas till 30-35 miljoner kronor.",
            (30_000_000, 35_000_000, None),
        ),
        (
            "För detta avsätts totalt 1,5 miljard under 6 år till och med 2018.",
            (1_500_000_000, 1_500_000_000, None),
        ),
        ("200 miljoner avsätts till fonden.", (200_000_000, 200_000_000, None)),
        ("Fyra miljoner kronor avsätts för utredningen.", (4_000_000, 4_000_000, None)),
        ("Nämnden avsätter 350 tkr för 2016.", (350_000, 350_000, 2016)),
        ("Ramen är 2,5 mnkr.", (2_500_000, 2_500_000, None)),
        ("Webbplatsen hade 6,5 miljoner besök per år.", None),
        ("Antalet elever ska öka till 16 000.", None),
    ],
)
def test_money(text: str, expected: tuple[int, int, int | None] | None) -> None:
    money = find_money(text)
    assert (None if money is None else (money.min_sek, money.max_sek, money.year)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Målet är att 70 procent av matavfallet ska samlas in för produktion av biogas 2017.",
            (Decimal(70), "procent", 2017),
        ),
        ("Andelen ekologiska livsmedel ska öka till 50 procent.", (Decimal(50), "procent", None)),
        ("Antalet elever ska öka till 16 000 elever under 2017.", (Decimal(16000), "elever", 2017)),
        ("Kontoret har 900 medarbetare och 3 procent i sjukfrånvaro.", None),
    ],
)
def test_measurable_target(text: str, expected: tuple[Decimal, str, int | None] | None) -> None:
    deadline = find_deadline(text, document_date=DOCUMENT_DATE, plan_period=PERIOD)
    target = find_target(text, deadline)
    assert (None if target is None else (target.value, target.unit, target.year)) == expected


@pytest.mark.parametrize(
    ("text", "deadline_text", "latest"),
    [
        (
            "Förslaget överlämnas för politisk beredning senast under april 2014.",
            "senast under april 2014",
            date(2014, 4, 30),
        ),
        (
            "Sjukfrånvaron var 5,8 procent under 2015 och ska sänkas till 5 procent under 2016.",
            "under 2016",
            date(2016, 12, 31),
        ),
        ("Energianvändningen ska minska till 2018 jämfört med 2014.", "till 2018", date(2018, 12, 31)),
        ("Den nya metoden ska implementeras under planperioden.", "under planperioden", date(2017, 12, 31)),
        ("Hösten 2016 beräknas systemet tas i drift.", "Hösten 2016", date(2016, 11, 30)),
        ("Alla skolor ska ha fiber vid utgången av 2016.", "vid utgången av 2016", date(2016, 12, 31)),
        ("Arbete pågår med en revidering av Vision 2030.", None, None),
        ("Utvärdering ska ske varje år.", None, None),
    ],
)
def test_deadline_uses_the_registers_parser(
    text: str, deadline_text: str | None, latest: date | None
) -> None:
    deadline = find_deadline(text, document_date=DOCUMENT_DATE, plan_period=PERIOD)
    assert (None if deadline is None else (deadline.text, deadline.interval.latest)) == (
        None if deadline_text is None else (deadline_text, latest)
    )


CONTEXT = DocumentContext(DOCUMENT_DATE, PERIOD, read_units(), issuer="SLK")


@pytest.mark.parametrize(
    ("text", "owner", "executor", "partners"),
    [
        ("Kommunstyrelsen ska genom stadsledningskontoret utreda behovet av en fond.", "KS", "SLK", ()),
        ("Kontoret ska samarbeta med högskolorna om rekryteringen.", "KS", "SLK", ()),
        ("Servicenämnden ska i samråd med kommunstyrelsen utveckla sin kompetens.", "SN", None, ("KS",)),
        (
            "Stockholms stad ska genom Stockholm Business Region informera om socialt företagande.",
            "KF",
            "SBR",
            (),
        ),
        (
            "Personalstrategiska avdelningen får ett särskilt uppdrag att utreda chefsrekryteringen.",
            "KS",
            "SLK_PSA",
            (),
        ),
        (
            "Kommunstyrelsen ska genom trafik- och renhållningsnämnden och Stadshus AB arbeta för det.",
            "KS",
            "TRN",
            ("SHAB",),
        ),
        (
            "Exploateringsnämnden och stadsbyggnadsnämnden uppdras att gemensamt utreda planprocessen.",
            "EXPN",
            None,
            ("SBN",),
        ),
        (
            "Frågan om säkerhetskarusell ligger hos fastighetskontoret och Stadsmuseet för utredning.",
            "FN",
            "FK",
            ("STADSMUSEET",),
        ),
        ("Den nya metoden ska implementeras under planperioden.", "KS", "SLK", ()),
    ],
)
def test_owner_executor_and_partners(
    text: str, owner: str, executor: str | None, partners: tuple[str, ...]
) -> None:
    (draft,) = propose_drafts([text], CONTEXT).drafts
    assert (draft.owner, draft.executor, draft.partners) == (owner, executor, partners)


@pytest.mark.parametrize(
    ("text", "owner", "executor"),
    [
        ("Förvaltningen ska ta fram en plan för läsfrämjande insatser.", "KN", "KULTF"),
        ("Stadsmuseet ska digitalisera sina fotografier.", "KN", "STADSMUSEET"),
    ],
)
def test_kulturnamndens_office_is_kulturforvaltningen(text: str, owner: str, executor: str) -> None:
    context = DocumentContext(DOCUMENT_DATE, PERIOD, read_units(), issuer="KN")
    (draft,) = propose_drafts([text], context).drafts
    assert (draft.owner, draft.executor) == (owner, executor)
