"""The people API: who may sign in and with which roles.

Access: admins only, to read as well as to write.
"""

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from app.access import ADMINS
from app.auth import people
from app.auth.people_schemas import GrantCreate, PersonCreate, PersonRead, SignInLinkCreate, SignInLinkCreated
from app.auth.sessions import create_sign_in_link, sign_in_url
from app.db import utcnow
from app.deps import SessionDep
from app.errors import problem_responses
from app.inputs import IdPath
from app.settings import Settings

router = APIRouter(prefix="/api/v1/users", tags=["people (admin)"], dependencies=[ADMINS])


@router.get("", response_model=list[PersonRead], summary="Everyone who may sign in, with their grants")
def list_people(session: SessionDep) -> list[PersonRead]:
    return [PersonRead.model_validate(person) for person in people.list_people(session)]


@router.get("/{person_id}", response_model=PersonRead, summary="One person", responses=problem_responses(404))
def get_person(person_id: IdPath, session: SessionDep) -> PersonRead:
    return PersonRead.model_validate(people.get_person(session, person_id))


@router.post(
    "",
    response_model=PersonRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a person (who then signs in by the identity provider, or by a sign-in link)",
    responses=problem_responses(409, 422),
)
def create_person(data: PersonCreate, session: SessionDep, response: Response) -> PersonRead:
    person = people.create_person(session, name=data.name, email=data.email)
    for grant in data.grants:
        people.grant_role(session, person.id, role=grant.role, unit=grant.unit)
    response.headers["Location"] = f"{router.prefix}/{person.id}"
    return PersonRead.model_validate(person)


@router.post(
    "/{person_id}/grants",
    response_model=PersonRead,
    status_code=status.HTTP_201_CREATED,
    summary="Give a person a role (editor and coordinator: of a unit and its sub-units)",
    responses=problem_responses(404, 422),
)
def grant_role(person_id: IdPath, data: GrantCreate, session: SessionDep) -> PersonRead:
    people.grant_role(session, person_id, role=data.role, unit=data.unit)
    return PersonRead.model_validate(people.get_person(session, person_id))


@router.delete(
    "/{person_id}/grants/{grant_id}",
    response_model=PersonRead,
    summary="Take a role away",
    responses=problem_responses(404),
)
def revoke_grant(person_id: IdPath, grant_id: IdPath, session: SessionDep) -> PersonRead:
    return PersonRead.model_validate(people.revoke_grant(session, person_id, grant_id=grant_id))


@router.post(
    "/{person_id}/sign-in-links",
    response_model=SignInLinkCreated,
    status_code=status.HTTP_201_CREATED,
    summary="A one-time sign-in link for the person (shown once)",
    responses=problem_responses(404, 422),
)
def create_link(
    person_id: IdPath, session: SessionDep, request: Request, data: SignInLinkCreate | None = None
) -> SignInLinkCreated:
    settings: Settings = request.app.state.settings
    minutes = (data.minutes if data else None) or settings.sign_in_link_minutes
    secret = create_sign_in_link(
        session, people.get_person(session, person_id), valid_for=timedelta(minutes=minutes)
    )
    base = settings.public_base_url or str(request.base_url)
    return SignInLinkCreated(url=sign_in_url(base, secret), expires_at=utcnow() + timedelta(minutes=minutes))
