"""Swedish verbs of municipal plans, in the forms the commitment rules look for.

Each verb is listed once as infinitive with its conjugation; the present ("utvecklar", "genomför")
and the s-passive ("utvecklas", "genomförs") are derived. Irregular verbs list their forms.
"""

from dataclasses import dataclass

__all__ = ["FINITE_NON_ACTION", "FORECAST_VERBS", "INFINITIVES", "PASSIVES", "PRESENTS", "VERBS", "Verb"]


@dataclass(frozen=True)
class Verb:
    infinitive: str
    present: str
    passive: str


def _regular(infinitive: str, conjugation: int) -> Verb:
    if conjugation == 1:
        return Verb(infinitive, infinitive + "r", infinitive + "s")
    stem = infinitive[:-1]
    present = stem if stem.endswith("r") else stem + "er"
    return Verb(infinitive, present, stem + ("es" if stem.endswith("s") else "s"))


_FIRST = [
    "utveckla",
    "inrätta",
    "revidera",
    "presentera",
    "pröva",
    "utvärdera",
    "utvidga",
    "prioritera",
    "samordna",
    "öppna",
    "bemanna",
    "implementera",
    "etablera",
    "finansiera",
    "anvisa",
    "förbättra",
    "digitalisera",
    "arbeta",
    "starta",
    "planera",
    "organisera",
    "analysera",
    "anpassa",
    "effektivisera",
    "modernisera",
    "granska",
    "rusta",
    "renovera",
    "upphandla",
    "avveckla",
    "ordna",
    "komplettera",
    "integrera",
    "informera",
    "kommunicera",
    "profilera",
    "inventera",
    "dokumentera",
    "rapportera",
    "redovisa",
    "samla",
    "samverka",
    "samarbeta",
    "utbilda",
    "certifiera",
    "lansera",
    "testa",
    "pilottesta",
    "uppdatera",
    "aktualisera",
    "avsluta",
    "fördela",
    "minska",
    "öka",
    "hantera",
    "verka",
    "medverka",
    "initiera",
    "lämna",
    "ansvara",
    "tillämpa",
    "tilldela",
    "utforma",
    "kvalitetssäkra",
    "underlätta",
    "förenkla",
    "förtydliga",
    "intensifiera",
    "fatta",
    "överlämna",
    "satsa",
    "uppvakta",
    "utarbeta",
    "stimulera",
    "motverka",
    "engagera",
    "tillgängliggöra",
    "bevaka",
    "uppmana",
    "identifiera",
    "vidareutveckla",
    "konkurrensutsätta",
    "återremittera",
    "arrangera",
    "förlänga",
    "förbereda",
    "uppmärksamma",
    "bevara",
    "utöka",
    "grunduppsätta",
    "återbesätta",
    "markera",
    "anordna",
    "klara",
    "sluta",
    "servera",
]

_SECOND = [
    "genomföra",
    "införa",
    "sprida",
    "slutföra",
    "undersöka",
    "inviga",
    "utreda",
    "sätta",
    "avsätta",
    "tillsätta",
    "följa",
    "byta",
    "leda",
    "säkerställa",
    "höja",
    "bygga",
    "köpa",
    "främja",
    "kräva",
    "behöva",
    "ansöka",
    "söka",
    "återkomma",
    "höra",
    "fastställa",
    "påbörja",
    "marknadsföra",
    "genomlysa",
    "anställa",
    "använda",
    "bedriva",
    "erbjuda",
    "sänka",
    "stärka",
    "förstärka",
    "kartlägga",
    "ersätta",
    "behålla",
    "välja",
    "tydliggöra",
    "frigöra",
    "uppföra",
    "beställa",
]

_IRREGULAR = {
    "ta": Verb("ta", "tar", "tas"),
    "se": Verb("se", "ser", "ses"),
    "göra": Verb("göra", "gör", "görs"),
    "ge": Verb("ge", "ger", "ges"),
    "få": Verb("få", "får", "fås"),
    "förse": Verb("förse", "förser", "förses"),
    "tillse": Verb("tillse", "tillser", "tillses"),
    "stödja": Verb("stödja", "stöder", "stöds"),
    "driva": Verb("driva", "driver", "drivs"),
    "bidra": Verb("bidra", "bidrar", "bidras"),
    "delta": Verb("delta", "deltar", "deltas"),
    "uppdra": Verb("uppdra", "uppdrar", "uppdras"),
    "fortsätta": Verb("fortsätta", "fortsätter", "fortsätts"),
    "nå": Verb("nå", "når", "nås"),
    "ske": Verb("ske", "sker", "sker"),
    "dra": Verb("dra", "drar", "dras"),
    "utse": Verb("utse", "utser", "utses"),
}


def _verbs() -> dict[str, Verb]:
    verbs = {word: _regular(word, 1) for word in _FIRST}
    verbs.update({word: _regular(word, 2) for word in _SECOND})
    verbs.update(_IRREGULAR)
    return verbs


VERBS: dict[str, Verb] = _verbs()

# Finite verbs that do not by themselves commit to anything; they still end a subordinate clause.
FINITE_NON_ACTION = frozenset(
    [
        "är",
        "var",
        "har",
        "hade",
        "blir",
        "blev",
        "kan",
        "kunde",
        "ska",
        "skall",
        "skulle",
        "måste",
        "bör",
        "borde",
        "får",
        "fick",
        "vill",
        "ville",
        "kommer",
        "kom",
        "avser",
        "gäller",
        "innebär",
        "finns",
        "fanns",
        "ligger",
        "låg",
        "utgör",
        "syftar",
        "handlar",
        "krävs",
        "behövs",
        "pågår",
        "visar",
        "omfattar",
        "består",
        "ger",
        "bedömer",
        "föreslår",
        "anser",
        "menar",
        "konstaterar",
        "tycker",
        "räknar",
        "beräknas",
        "beräknar",
        "uppskattas",
        "väntas",
        "förväntas",
        "framgår",
        "lade",
        "uppgick",
        "beslutades",
        "beslöt",
        "antogs",
        "började",
        "växer",
        "ökar",
        "minskar",
        "stiger",
        "sjunker",
        "tenderar",
        "saknar",
        "känner",
        "märker",
    ]
)

INFINITIVES = frozenset(verb.infinitive for verb in VERBS.values())
PRESENTS = frozenset(verb.present for verb in VERBS.values())
PASSIVES = frozenset(verb.passive for verb in VERBS.values())

# What "kommer att …" / "förväntas …" say about the world rather than about work to be done.
FORECAST_VERBS = frozenset(
    [
        "öka",
        "minska",
        "bli",
        "växa",
        "stiga",
        "sjunka",
        "möjliggöra",
        "påverka",
        "förändra",
        "förändras",
        "vara",
        "finnas",
        "märkas",
    ]
)
