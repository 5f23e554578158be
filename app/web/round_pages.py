"""The reporting pages: "Min rapportering" (the units a person reports for or reviews in a round,
the current one unless they choose another) and a unit's part, where an editor of the unit reports
each assignment, confirms unchanged ones, uploads the filled-in Excel form and submits, and a
coordinator returns or approves. The forms are in app/web/round_forms.py.

Access: readers read (a person's session or a Bearer token); the forms need an editor of the unit
(or a coordinator of it, to return and approve), checked by the round's services as in the API.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from app.access import PAGE_READERS, PageReaderDep, Principal
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.formats import Format
from app.page_frame import ASSIGNMENTS_PATH, REPORTING_PATH, Lang
from app.periods.service import ReportingPeriod, load_calendar
from app.rounds import service
from app.rounds.labels import RoundLabels
from app.rounds.renderers import part_path, round_page
from app.rounds.router import PartAddressDep
from app.rounds.schemas import ImportResponse, ImportRowResult, OverviewUnit, PartRead, RoundRef
from app.rounds.vocabulary import LOCKED_STATES, TRANSITIONS, PartAction, PartState
from app.web.labels import PageLabels
from app.web.rendering import page_lang, render_page
from app.web.round_labels import refusal_key
from app.web.status_form import StatusForm, rule_message

router = APIRouter(include_in_schema=False, dependencies=[PAGE_READERS])

DONE_NOTICES = ("saved", "confirmed", "submitted", "returned", "approved", "imported")
# `?visa=orapporterade` on a part's page: only the assignments not yet reported in the period.
SHOW = "visa"
UNREPORTED_ONLY = "orapporterade"


def part_href(year: int, period: str, unit_key: str, lang: str = "sv") -> str:
    """The address of a unit's part page (in English when `lang` is)."""
    path = f"{REPORTING_PATH}/{year}/{quote(period)}/{quote(unit_key)}"
    return f"{path}?lang=en" if lang == "en" else path


def reporting_href(year: int, period: str, lang: str = "sv") -> str:
    query = f"?omgang={year}-{quote(period)}"
    return f"{REPORTING_PATH}{query}&lang=en" if lang == "en" else f"{REPORTING_PATH}{query}"


# --- Min rapportering -------------------------------------------------------------------------


@dataclass(frozen=True)
class MyPart:
    """A unit's part as a person sees it on their reporting page, with what they do there."""

    row: OverviewUnit
    reports: bool
    reviews: bool


def _my_parts(units: list[OverviewUnit], principal: Principal) -> list[MyPart]:
    return [
        MyPart(row, principal.may_write_for(row.unit.id), principal.may_coordinate(row.unit.id))
        for row in units
        if row.has_part and (principal.may_write_for(row.unit.id) or principal.may_coordinate(row.unit.id))
    ]


def _chosen_period(periods: list[ReportingPeriod], current: ReportingPeriod, chosen: str) -> ReportingPeriod:
    """The period `omgang` names ("2015-T1"); the current one when it names none there is."""
    return next((period for period in periods if f"{period.year}-{period.key}" == chosen), current)


@router.get(REPORTING_PATH)
def reporting_page(
    request: Request,
    session: SessionDep,
    principal: PageReaderDep,
    today: TodayDep,
    timezone: TimezoneDep,
    chosen: Annotated[str, Query(alias="omgang", max_length=20)] = "",
) -> Response:
    calendar = load_calendar(session, today=today)
    periods = calendar.periods()
    current = calendar.period_of(today)
    period = _chosen_period(periods, current, chosen)
    overview = service.overview(
        session, year=period.year, period=period.key, states=[], today=today, timezone=timezone
    )
    lang = page_lang(request)
    return render_page(
        request,
        "reporting.html",
        r=RoundLabels(lang, timezone),
        overview=overview,
        parts=_my_parts(overview.units, principal),
        periods=periods,
        shown=period,
        current=current,
        round_href=round_page(period.year, period.key) + ("&lang=en" if lang == "en" else ""),
        round_pdf_href=round_page(period.year, period.key, Format.PDF) + ("&lang=en" if lang == "en" else ""),
        part_href=lambda key: part_href(period.year, period.key, key, lang),
    )


# --- a unit's part ----------------------------------------------------------------------------


@dataclass
class PartPageState:
    """What a form sent to the part page leaves on it: a card's form with its messages, a move's
    refusal (with the references it names), a dry run and the key of its upload, a file's message."""

    forms: dict[str, StatusForm] = field(default_factory=dict)
    stale: str | None = None  # the reference whose card was stale
    move: str | None = None  # the form a refusal is about: confirm, submit, return, approve
    refusal: str | None = None
    refused_references: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)  # by field id on the page
    dry_run: ImportResponse | None = None
    upload_key: str | None = None
    upload_name: str = ""


def _allowed(state: PartState, action: PartAction) -> bool:
    return state in TRANSITIONS[action][0]


def _refusal_text(row: ImportRowResult, t: PageLabels, r: RoundLabels) -> str:
    """A refused row's reason in the page's language."""
    key, column = refusal_key(row)
    column_name = r(column) if column and column.startswith("new_") else t.field_name(column or "")
    reason = rule_message((row.reason or "").removeprefix(f"{column}: "), t)
    return t(key, column=column_name, reason=reason)


def reporting_day(round_: RoundRef, today: date) -> date:
    """The day a page's reports take effect: the cut-off, or today while the period runs."""
    return min(round_.cutoff, today)


def _done_notice(request: Request, part: PartRead, t: PageLabels) -> str | None:
    """What a form done says (after its redirect); only a reference of the part is named."""
    done = request.query_params.get("klart", "")
    count = request.query_params.get("antal", "")
    reference = request.query_params.get("uppdrag", "")
    if done not in DONE_NOTICES or (
        done == "saved" and reference not in {line.reference for line in part.assignments}
    ):
        return None
    return t(f"done_{done}", count=count if count.isdigit() else "", reference=reference)


def unreported_only(request: Request) -> bool:
    """Whether the part's page shows only the assignments not yet reported in the period."""
    return request.query_params.get(SHOW) == UNREPORTED_ONLY


def _opened(request: Request, state: PartPageState) -> set[str]:
    """The cards shown open: a form just refused (its messages) or stale, or the one just saved."""
    saved = request.query_params.get("uppdrag", "") if request.query_params.get("klart") == "saved" else ""
    return {*state.forms, *([state.stale] if state.stale else []), *([saved] if saved else [])}


def _page_error(state: PartPageState, t: PageLabels) -> str | None:
    """What the top of the page says when a form was refused (the details are at the form)."""
    if any(form.errors for form in state.forms.values()):
        return t("form_errors")
    return (
        state.refusal
        or next(iter(state.field_errors.values()), None)
        or (t("stale_card") if state.stale else None)
    )


def part_page(
    request: Request,
    part: PartRead,
    principal: Principal,
    today: date,
    state: PartPageState | None = None,
    *,
    status_code: int = 200,
) -> Response:
    """A unit's part with the forms the person may use, and what a form sent left on it."""
    state = state or PartPageState()
    lang = page_lang(request)
    t = PageLabels(lang, request.app.state.settings.timezone)
    r = RoundLabels(lang, request.app.state.settings.timezone)
    locked = part.state in LOCKED_STATES
    may_report = principal.may_write_for(part.unit.id) and part.round.open
    round_ = part.round
    base = part_href(round_.year, round_.period, part.unit.key)
    only_unreported = unreported_only(request)
    query = "&".join(
        ([f"{SHOW}={UNREPORTED_ONLY}"] if only_unreported else []) + (["lang=en"] if lang == "en" else [])
    )
    return render_page(
        request,
        "reporting_part.html",
        status_code=status_code,
        r=r,
        part=part,
        state=state,
        forms={
            line.reference: state.forms.get(line.reference) or StatusForm.for_assignment(line)
            for line in part.assignments
        },
        shown=[line for line in part.assignments if not (only_unreported and line.updated)],
        unreported_only=only_unreported,
        opened=_opened(request, state),
        filter_hrefs={
            "all": part_href(round_.year, round_.period, part.unit.key, lang),
            "unreported": f"{base}?{SHOW}={UNREPORTED_ONLY}" + ("&lang=en" if lang == "en" else ""),
        },
        locked=locked,
        may_report=may_report and not locked,
        may_read_only=not principal.may_write_for(part.unit.id),
        may_review=principal.may_coordinate(part.unit.id),
        may_return=_allowed(part.state, PartAction.RETURN),
        may_approve=_allowed(part.state, PartAction.APPROVE),
        reporting_day=reporting_day(part.round, today),
        notice=_done_notice(request, part, t),
        page_error=_page_error(state, t),
        refusal_text=lambda row: _refusal_text(row, t, r),
        action=lambda name: f"{base}/{name}" + (f"?{query}" if query else ""),
        xlsx_href=_download(part_path(round_, part.unit.key), Format.XLSX, lang),
        pdf_href=_download(part_path(round_, part.unit.key), Format.PDF, lang),
        back_href=reporting_href(round_.year, round_.period, lang),
        assignment_href=lambda reference: (
            f"{ASSIGNMENTS_PATH}/{reference}" + ("?lang=en" if lang == "en" else "")
        ),
        csrf_token=principal.session_csrf or "",
    )


def _download(path: str, format_: Format, lang: Lang) -> str:
    return f"{path}?format={format_}" + ("&lang=en" if lang == "en" else "")


@router.get(REPORTING_PATH + "/{year}/{period}/{unit}")
def unit_part_page(
    request: Request, address: PartAddressDep, session: SessionDep, principal: PageReaderDep
) -> Response:
    return part_page(request, service.unit_part(session, address), principal, address.today)
