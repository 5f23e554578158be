"""What a page says when input is refused, in the page's language: pydantic's checks by their error
type, the services' refusals by their message, and why a sign-in was refused. The API says all of
these in English and keeps saying them so; a page never shows a person the API's English unless the
page is in English."""

from collections.abc import Iterable, Mapping
from typing import Any

from app.auth.sessions import SignInCause
from app.errors import field_path
from app.reports.schemas import Lang

# Pydantic's checks, by error type (formatted with the error's context: `{ge}`, `{max_length}` …).
INPUT_MESSAGES: dict[Lang, dict[str, str]] = {
    "sv": {
        "missing": "Krävs.",
        "less_than_equal": "Får vara högst {le}.",
        "greater_than_equal": "Måste vara minst {ge}.",
        "int_parsing": "Måste vara ett heltal.",
        "int_type": "Måste vara ett heltal.",
        "int_from_float": "Måste vara ett heltal.",
        "date_from_datetime_parsing": "Måste vara ett datum, till exempel 2015-04-30.",
        "date_parsing": "Måste vara ett datum, till exempel 2015-04-30.",
        "enum": "Välj ett av alternativen.",
        "literal_error": "Välj ett av alternativen.",
        "string_too_long": "Får vara högst {max_length} tecken.",
        "string_too_short": "Får inte vara tom.",
        "bool_parsing": "Välj ja eller nej.",
        "unstorable_text": "Får inte innehålla NUL-tecken.",
        "invalid": "Värdet går inte att använda.",
    },
    "en": {
        "missing": "Required.",
        "less_than_equal": "Must be at most {le}.",
        "greater_than_equal": "Must be at least {ge}.",
        "int_parsing": "Must be a whole number.",
        "int_type": "Must be a whole number.",
        "int_from_float": "Must be a whole number.",
        "date_from_datetime_parsing": "Must be a date, for example 2015-04-30.",
        "date_parsing": "Must be a date, for example 2015-04-30.",
        "enum": "Choose one of the options.",
        "literal_error": "Choose one of the options.",
        "string_too_long": "Must be at most {max_length} characters.",
        "string_too_short": "Must not be empty.",
        "bool_parsing": "Choose yes or no.",
        "unstorable_text": "Must not contain NUL characters.",
        "invalid": "The value cannot be used.",
    },
}

# The services' refusals of what a page's address names, by how their message begins.
SERVICE_MESSAGES: dict[str, dict[Lang, str]] = {
    "unknown organisational unit": {
        "sv": "Det finns ingen enhet med den nyckeln.",
        "en": "There is no unit with that key.",
    },
    "unknown goal": {"sv": "Det finns inget sådant mål.", "en": "There is no such goal."},
    "no such document": {"sv": "Det finns inget sådant underlag.", "en": "There is no such document."},
    "no such assignment": {
        "sv": "Det finns inget uppdrag med den referensen.",
        "en": "There is no assignment with that reference.",
    },
}

SIGN_IN_REFUSALS: dict[Lang, dict[SignInCause, str]] = {
    "sv": {
        SignInCause.LINK: "Inloggningslänken är okänd, redan använd eller för gammal. En länk gäller i några "
        "minuter och bara en gång. Be en administratör om en ny länk.",
        SignInCause.EXPIRED: "Inloggningen påbörjades i en annan webbläsare eller tog för lång tid. "
        "Börja om.",
        SignInCause.PROVIDER_REFUSED: "Stadens inloggningstjänst loggade inte in dig: inloggningen "
        "avbröts eller nekades där. Försök igen.",
        SignInCause.PROVIDER_ANSWER: "Stadens inloggningstjänst svarade på ett sätt som tjänsten inte kan "
        "godta. Försök igen, och kontakta supporten om det inte går.",
        SignInCause.EMAIL_UNVERIFIED: "Stadens inloggningstjänst har inte bekräftat din e-postadress, så "
        "tjänsten kan inte koppla inloggningen till ditt konto. Kontakta supporten.",
    },
    "en": {
        SignInCause.LINK: "The sign-in link is unknown, used already or too old. A link works for a few "
        "minutes and once. Ask an administrator for a new link.",
        SignInCause.EXPIRED: "The sign-in was started in another browser or took too long. Start again.",
        SignInCause.PROVIDER_REFUSED: "The city's sign-in service did not sign you in: the sign-in was "
        "cancelled or refused there. Try again.",
        SignInCause.PROVIDER_ANSWER: "The city's sign-in service answered in a way the service cannot "
        "accept. Try again, and contact support if it fails.",
        SignInCause.EMAIL_UNVERIFIED: "The city's sign-in service has not verified your email address, so "
        "the service cannot match the sign-in to your account. Contact support.",
    },
}


def input_message(lang: Lang, error_type: str, context: Mapping[str, Any] | None = None) -> str:
    """A check of pydantic's in the page's language (a check not listed: that the value cannot be used)."""
    words = INPUT_MESSAGES[lang]
    return words.get(error_type, words["invalid"]).format(**(context or {}))


def service_message(lang: Lang, message: str) -> str:
    """A service's refusal in the page's language: by how it begins where known; else, in English,
    as the service said it."""
    for beginning, said in SERVICE_MESSAGES.items():
        if message.startswith(beginning):
            return said[lang]
    return message if lang == "en" else INPUT_MESSAGES[lang]["invalid"]


def validation_refusals(lang: Lang, errors: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Pydantic's refusal (its errors), as each field named with what is wrong with it (a list's
    field by its name, not the item's position)."""
    return [
        (
            field_path([part for part in error["loc"] if not isinstance(part, int)]),
            input_message(lang, error["type"], error.get("ctx")),
        )
        for error in errors
    ]


def service_refusals(lang: Lang, errors: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
    """A service's refusal (a problem's `errors`), as each field named with what is wrong with it."""
    return [(error["field"], service_message(lang, error["message"])) for error in errors]


def sign_in_refusal(lang: Lang, cause: str) -> str:
    """Why a sign-in was refused (a cause not known: the provider's answer was not acceptable)."""
    try:
        known = SignInCause(cause)
    except ValueError:
        known = SignInCause.PROVIDER_ANSWER
    return SIGN_IN_REFUSALS[lang][known]
