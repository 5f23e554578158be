"""People for the page tests: made through the service as an admin would, signed in by a one-time
link through real HTTP (as a browser does: the link's page, then its form)."""

import re
from datetime import timedelta

import httpx

from app.access import Role
from app.auth import people
from app.auth.sessions import SESSION_COOKIE, create_sign_in_link, sign_in_url
from tests.conftest import Backend


def add_person(backend: Backend, email: str, name: str, *grants: tuple[Role, str | None]) -> int:
    with backend.session() as session:
        person = people.create_person(session, name=name, email=email)
        for role, unit in grants:
            people.grant_role(session, person.id, role=role, unit=unit)
        session.commit()
        return person.id


def sign_in_link(backend: Backend, base_url: str, email: str, minutes: int = 15) -> str:
    with backend.session() as session:
        secret = create_sign_in_link(
            session, people.person_by_email(session, email), valid_for=timedelta(minutes=minutes)
        )
        session.commit()
    return sign_in_url(base_url, secret)


def form_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name} on the page"
    return match.group(1)


def signed_in_client(backend: Backend, base_url: str, email: str) -> httpx.Client:
    """An HTTP client holding a person's session cookie, as a browser does after using a link."""
    client = httpx.Client(base_url=base_url, timeout=30, headers={"Accept": "text/html"})
    link = sign_in_link(backend, base_url, email)
    page = client.get(link)
    assert page.status_code == 200, page.text
    used = client.post(link, data={"form_token": form_value(page.text, "form_token")})
    assert used.status_code == 303, used.text
    assert client.cookies.get(SESSION_COOKIE)
    return client
