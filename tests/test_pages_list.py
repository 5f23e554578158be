"""The assignment list over the whole register: paging keeps the filters, every page links its
references to the assignment page."""

import re

import httpx
import pytest

from app.access import Role
from tests.conftest import Backend, Clients
from tests.people import add_person, signed_in_client

pytestmark = pytest.mark.usefixtures("full_register")
REFERENCE_LINK = re.compile(r'class="reference" href="/uppdrag/(KS-2015-\d+)"')


def test_the_list_pages_through_the_register_with_its_filters(
    backend: Backend, clients: Clients, api: httpx.Client
) -> None:
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.READER, None))
    reader = signed_in_client(backend, clients.base_url, "eva.ek@stockholm.se")
    expected = [
        item["reference"]
        for offset in range(0, 200, 100)
        for item in api.get(
            "/api/v1/assignments", params={"executor": "SLK", "limit": 100, "offset": offset}
        ).json()["items"]
    ]
    seen: list[str] = []
    url = "/uppdrag?executor=SLK"
    while url:
        page = reader.get(url).text
        seen += REFERENCE_LINK.findall(page)
        following = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = "/uppdrag" + following.group(1).replace("&amp;", "&") if following else ""
    reader.close()
    assert len(expected) > 25 and seen == expected
