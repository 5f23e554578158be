"""People and their grants: made by an admin (command line, API), or met at a sign-in through the
identity provider, whose groups map to roles (settings `OIDC_GROUP_ROLES`)."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access import ROLE_RANK, UNIT_ROLES, Principal, Role
from app.auth.models import GrantSource, Person, PersonGrant
from app.auth.sessions import SignInCause, SignInRefusedError
from app.db import get_or_404, utcnow
from app.errors import ConflictError, InvalidInputError, NotFoundError
from app.org.service import resolve_unit_reference, units_with_descendant_ids
from app.settings import GroupRole

MAX_NAME_LENGTH = 200
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalised_email(email: str) -> str:
    address = email.strip().lower()
    if not EMAIL_PATTERN.match(address) or len(address) > 320:
        raise InvalidInputError("email", "must be an email address")
    return address


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise InvalidInputError("name", f"must be 1 to {MAX_NAME_LENGTH} characters")
    return name


def check_role_unit(role: Role, unit: int | str | None) -> None:
    """Editors and coordinators act for a unit (and its sub-units); readers and admins for none."""
    if role in UNIT_ROLES and unit is None:
        raise InvalidInputError("unit", f"the {role} role is bound to an organisational unit")
    if role not in UNIT_ROLES and unit is not None:
        raise InvalidInputError("unit", f"the {role} role is not bound to a unit")


def _find_by_email(session: Session, email: str) -> Person | None:
    return session.scalar(select(Person).where(Person.email == email))


def create_person(session: Session, *, name: str, email: str) -> Person:
    address = normalised_email(email)
    if _find_by_email(session, address) is not None:
        raise ConflictError(f"A person with email {address} exists already.")
    person = Person(name=_checked_name(name), email=address)
    session.add(person)
    session.flush()
    return person


def list_people(session: Session) -> Sequence[Person]:
    return session.scalars(select(Person).order_by(func.lower(Person.name), Person.id)).all()


def get_person(session: Session, person_id: int) -> Person:
    return get_or_404(session, Person, person_id, "person")


def person_by_email(session: Session, email: str) -> Person:
    person = _find_by_email(session, normalised_email(email))
    if person is None:
        raise NotFoundError(f"No person with email {email.strip().lower()}.")
    return person


def grant_role(
    session: Session,
    person_id: int,
    *,
    role: Role,
    unit: int | str | None = None,
    source: GrantSource = GrantSource.ADMIN,
) -> PersonGrant:
    """Give a person a role (for a unit); giving one they hold already changes nothing."""
    check_role_unit(role, unit)
    person = get_person(session, person_id)
    unit_id = resolve_unit_reference(session, unit, field="unit").id if unit is not None else None
    for grant in person.grants:
        if (grant.role, grant.unit_id, grant.source) == (role, unit_id, source):
            return grant
    grant = PersonGrant(role=role, unit_id=unit_id, source=source)
    person.grants.append(grant)
    session.flush()
    return grant


def revoke_grant(session: Session, person_id: int, *, grant_id: int) -> Person:
    person = get_person(session, person_id)
    grant = next((grant for grant in person.grants if grant.id == grant_id), None)
    if grant is None:
        raise NotFoundError(f"Person {person_id} has no grant {grant_id}.")
    person.grants.remove(grant)
    session.flush()
    return person


def revoke_role(session: Session, person_id: int, *, role: Role, unit: int | str | None = None) -> Person:
    """Take away every grant of this role (for this unit) an admin gave the person."""
    person = get_person(session, person_id)
    unit_id = resolve_unit_reference(session, unit, field="unit").id if unit is not None else None
    given = [
        grant
        for grant in person.grants
        if grant.role == role
        and grant.source == GrantSource.ADMIN
        and (unit is None or grant.unit_id == unit_id)
    ]
    if not given:
        raise NotFoundError(
            f"{person.email} holds no {role} grant given by an admin" + (f" for {unit}" if unit else "") + "."
        )
    for grant in given:
        person.grants.remove(grant)
    session.flush()
    return person


def _units_of(grants: Iterable[PersonGrant], role: Role) -> list[int]:
    return [grant.unit_id for grant in grants if grant.role == role and grant.unit_id is not None]


def principal_for_person(session: Session, person: Person, *, session_csrf: str | None) -> Principal | None:
    """The person as a caller: their highest role, and the units they write for and coordinate.
    None when they hold no grant (signed in, but without access)."""
    if not person.grants:
        return None
    return Principal(
        name=person.name,
        role=max((grant.role for grant in person.grants), key=lambda role: ROLE_RANK[role]),
        person_id=person.id,
        scope=frozenset(units_with_descendant_ids(session, _units_of(person.grants, Role.EDITOR))),
        coordinated=frozenset(units_with_descendant_ids(session, _units_of(person.grants, Role.COORDINATOR))),
        session_csrf=session_csrf,
    )


@dataclass(frozen=True)
class ProviderIdentity:
    """Who the identity provider says signed in."""

    issuer: str
    subject: str
    email: str
    email_verified: bool  # the provider says the address is the person's (the `email_verified` claim)
    name: str
    groups: frozenset[str]


def _provider_person(session: Session, identity: ProviderIdentity) -> Person:
    """The person with this subject at this issuer; else the one an admin made with this email
    (linked to the subject now), if the provider has verified the address: an unverified one could
    be anyone's, and would take over that person's grants; else a new person."""
    person = session.scalar(
        select(Person).where(Person.issuer == identity.issuer, Person.subject == identity.subject)
    )
    address = normalised_email(identity.email)
    if person is None:
        person = _find_by_email(session, address)
        if person is not None and person.subject is not None:
            raise ConflictError(f"The email {address} belongs to another person at the identity provider.")
        if person is not None and not identity.email_verified:
            raise SignInRefusedError(
                f"The identity provider has not verified the email {address}; it is not matched to the "
                "person an administrator made with it.",
                cause=SignInCause.EMAIL_UNVERIFIED,
            )
    if person is None:
        person = Person(name=_checked_name(identity.name or address), email=address)
        session.add(person)
    person.issuer, person.subject = identity.issuer, identity.subject
    person.name = _checked_name(identity.name or person.name)
    person.email = address
    session.flush()
    return person


def meet_provider_person(
    session: Session, identity: ProviderIdentity, *, group_roles: Sequence[GroupRole]
) -> Person:
    """Find or make the person who signed in, and bring their grants from groups in line with the
    groups they have now (grants an admin gave stay as they are)."""
    person = _provider_person(session, identity)
    for grant in [grant for grant in person.grants if grant.source == GrantSource.PROVIDER]:
        person.grants.remove(grant)
    session.flush()
    for mapping in group_roles:
        if mapping.group in identity.groups:
            grant_role(
                session, person.id, role=Role(mapping.role), unit=mapping.unit, source=GrantSource.PROVIDER
            )
    person.last_signed_in_at = utcnow()
    return person
