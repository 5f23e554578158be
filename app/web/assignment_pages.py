"""The assignment pages: the register as a filtered, paged list, and one assignment with its
source, links and history as a timeline, with a form to report its status for those who may.

Access: readers read (a person's session, a Bearer token, or anyone where `PUBLIC_READ` is on);
reporting status needs an editor whose unit owns or executes the assignment (checked by the
service, as in the API), and the form's CSRF token.
"""

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from pydantic import Field, ValidationError

from app.access import PAGE_READERS, PageEditorDep, PageReaderDep, Principal
from app.assignments import history, queries, status_updates
from app.assignments.links import link_reads
from app.assignments.models import Assignment
from app.assignments.schemas import HistoryEntry, assignment_read
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.documents.service import list_documents, list_goals
from app.errors import InvalidInputError, PreconditionFailedError
from app.inputs import parse_id
from app.org.service import children_by_parent, list_units
from app.page_frame import ASSIGNMENTS_PATH, CSRF_FIELD
from app.reports.renderers.tables import change_value
from app.web.input_messages import service_refusals, validation_refusals
from app.web.labels import PageLabels
from app.web.list_query import ListQuery
from app.web.rendering import FormFields, check_form_token, page_lang, render_page
from app.web.status_form import StatusForm, as_update, explain, submitted_form

router = APIRouter(include_in_schema=False, dependencies=[PAGE_READERS])

PAGE_SIZE = 25


def unit_choices(session: SessionDep) -> list[tuple[str, str]]:
    """Every unit as (key, name), in tree order, indented by depth for a select's options."""
    children = children_by_parent(list_units(session))
    choices: list[tuple[str, str]] = []

    def visit(parent: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent, []), key=lambda unit: unit.name):
            choices.append((unit.key, "\u2003" * depth + unit.name))
            visit(unit.id, depth + 1)

    visit(None, 0)
    return choices


@router.get(ASSIGNMENTS_PATH)
def assignment_list(
    request: Request,
    session: SessionDep,
    today: TodayDep,
    timezone: TimezoneDep,
    query: Annotated[ListQuery, Query()],
) -> Response:
    problems: list[tuple[str, str]] = []  # a field, and what is wrong with it
    items: Sequence[Assignment] = ()
    total = 0
    try:
        filters = query.filters(limit=PAGE_SIZE)
        items, total = queries.list_assignments(session, filters=filters, today=today, timezone=timezone)
    except ValidationError as error:
        problems = validation_refusals(page_lang(request), error.errors())
    except InvalidInputError as error:
        problems = service_refusals(page_lang(request), [item.as_dict() for item in error.errors])
    reads = [assignment_read(item, overdue=queries.is_overdue(item, today)) for item in items]
    return render_page(
        request,
        "assignments.html",
        query=query,
        assignments=reads,
        total=total,
        page=query.page,
        pages=max(1, -(-total // PAGE_SIZE)),
        page_size=PAGE_SIZE,
        problems=problems,
        units=unit_choices(session),
        goals=list_goals(session),
        documents=list_documents(session),
    )


def _assignment(session: SessionDep, reference: str) -> Assignment:
    assignment_id = parse_id(reference)
    if assignment_id is not None:
        return queries.get_assignment(session, assignment_id)
    return queries.get_assignment_by_reference(session, reference)


def _history_items(session: SessionDep, assignment: Assignment, t: PageLabels) -> list[dict[str, Any]]:
    """The history as a timeline, newest first: who, when, what changed, the comment."""
    items = []
    for entry in reversed(history.assignment_history(session, assignment.id)):
        update = entry.status_update
        items.append(
            {
                "entry": entry,
                "title": t(f"entry_{entry.type}"),
                "changes": _change_lines(entry, assignment.reference, t),
                "comment": update.comment if update else None,
                "reason": (update.reason if update else None)
                or (entry.changes["archived"].new if "archived" in entry.changes else None),
            }
        )
    return items


def _change_lines(entry: HistoryEntry, reference: str, t: PageLabels) -> list[Markup]:
    """What an entry changed, one line a field; a link as it reads from this assignment's end, its
    other end a link to that assignment's page."""
    if entry.type in ("linked", "unlinked"):
        change = entry.changes["links"]
        return [
            t.markup(
                "set_to", field=t.field_name("links"), new=_link_text(change.new or change.old, reference, t)
            )
        ]
    return [
        t.markup(
            "changed_to" if change.old not in (None, "", []) else "set_to",
            field=t.field_name("progress_heading" if name == "progress" else name),  # "60 %" says "%"
            old=_value_text(name, change.old, t, reference),
            new=_value_text(name, change.new, t, reference),
        )
        for name, change in entry.changes.items()
        if name not in ("comment", "archived") and entry.type != "created"
    ]


def _link_text(link: dict[str, Any], reference: str, t: PageLabels) -> Markup:
    """A link recorded in history (`{kind, source, target}`): "Fortsätter KS-2015-012" on the
    assignment that continues, "Fortsätts av KS-2016-004" on the one continued."""
    outgoing = link["source"] == reference
    other = link["target"] if outgoing else link["source"]
    label = t.link(link["kind"], "outgoing" if outgoing else "incoming", "").strip()
    return Markup("{} {}").format(label, _reference_link(other, t))


def _reference_link(reference: str, t: PageLabels) -> Markup:
    """An assignment's reference as a link to its page (in the page's language), never broken inside."""
    href = f"{ASSIGNMENTS_PATH}/{quote(reference, safe='')}" + ("?lang=en" if t.lang == "en" else "")
    return Markup('<a class="reference" href="{}">{}</a>').format(href, reference)


def _value_text(name: str, value: Any, t: PageLabels, reference: str) -> Markup | str:
    if isinstance(value, list):
        return Markup(", ").join(_value_text(name, item, t, reference) for item in value) or t("empty")
    if name == "links" and isinstance(value, dict):
        return _link_text(value, reference, t)
    return change_value(name, value, t)


def _page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    assignment: Assignment,
    today: date,
    *,
    form: StatusForm | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    t = PageLabels(page_lang(request), request.app.state.settings.timezone)
    may_report = (
        principal.may_write_for(assignment.owner_id, assignment.executor_id) and not assignment.archived_at
    )
    return render_page(
        request,
        "assignment.html",
        status_code=status_code,
        assignment=assignment_read(assignment, overdue=queries.is_overdue(assignment, today)),
        links=link_reads(session, assignment.id),
        history_items=_history_items(session, assignment, t),
        signed_in=principal.person_id is not None or principal.token_id is not None,
        may_report=may_report,
        form=form or StatusForm.for_assignment(assignment),
        notice=notice,
        today=today,
        csrf_token=principal.session_csrf or "",
    )


@router.get(ASSIGNMENTS_PATH + "/{reference}")
def assignment_page(
    request: Request,
    reference: str,
    session: SessionDep,
    principal: PageReaderDep,
    today: TodayDep,
    saved: Annotated[bool, Query(alias="sparad")] = False,
) -> Response:
    notice = "saved" if saved else None
    return _page(request, session, principal, _assignment(session, reference), today, notice=notice)


class StatusFormFields(FormFields):
    """The status form as sent (every field text; empty: left as it was)."""

    csrf_token: str = Field(default="", alias=CSRF_FIELD)
    version: str = ""
    status: str = ""
    progress: str = ""
    assessment: str = ""
    traffic_light: str = ""
    comment: str = ""
    effective_date: str = ""
    reason: str = ""


@router.post(ASSIGNMENTS_PATH + "/{reference}/status")
def report_status(
    request: Request,
    reference: str,
    fields: Annotated[StatusFormFields, Form()],
    session: SessionDep,
    principal: PageEditorDep,
    today: TodayDep,
) -> Response:
    """The status form: saved and shown again (POST, redirect, GET), or shown with its errors.

    The update goes through the API's model and service, in a savepoint, so that a refused one
    writes nothing and the page can be shown again with the messages."""
    check_form_token(request, principal, fields.csrf_token)
    t = PageLabels(page_lang(request), request.app.state.settings.timezone)
    assignment = _assignment(session, reference)
    version = parse_id(fields.version)
    form = submitted_form(fields.model_dump(), version or assignment.version)
    update = as_update(form, t)
    if update is None:
        return _page(request, session, principal, assignment, today, form=form, status_code=422)
    try:
        with session.begin_nested():
            status_updates.add_status_update(
                session, assignment.id, data=update, actor=principal, today=today, expected_version=version
            )
    except InvalidInputError as error:
        explain(error, form, t)
        return _page(request, session, principal, assignment, today, form=form, status_code=422)
    except PreconditionFailedError:
        session.refresh(assignment)
        fresh = StatusForm.for_assignment(assignment)
        fresh.values.update({name: form.values[name] for name in ("comment", "effective_date", "reason")})
        return _page(
            request, session, principal, assignment, today, form=fresh, notice="stale", status_code=409
        )
    language = "&lang=en" if t.lang == "en" else ""
    return RedirectResponse(f"{ASSIGNMENTS_PATH}/{assignment.reference}?sparad=1{language}", status_code=303)
