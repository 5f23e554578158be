"""/readyz tells a load balancer whether this process can serve: 503 problem+json (never 500) while the
database is unreachable or not migrated to this version's head, 200 once it is."""

import httpx

from app.schema_migrations import upgrade_to_head
from app.settings import Settings
from tests.conftest import free_port, serve
from tests.helpers import assert_problem


def _not_ready(base_url: str) -> dict[str, object]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        assert client.get("/healthz").status_code == 200  # alive all the same
        problem = assert_problem(client.get("/readyz"), 503)
    assert str(problem["type"]).endswith("/not-ready")
    return problem


def test_readyz_is_503_while_the_database_is_unreachable() -> None:
    url = f"postgresql+psycopg://uppdrag:secret-password@127.0.0.1:{free_port()}/uppdrag"
    with serve(Settings(database_url=url, log_level="critical")) as base_url:
        problem = _not_ready(base_url)
        assert problem["detail"] == "The database is not reachable."
        with httpx.Client(base_url=base_url, timeout=30) as client:
            read = client.get("/api/v1/org-units", headers={"Authorization": "Bearer upp_x"})
        assert_problem(read, 503)  # not a 500: the database is away, not the request at fault
        assert "secret-password" not in read.text + str(problem)


def test_readyz_is_503_until_the_database_is_migrated(empty_database: str) -> None:
    settings = Settings(database_url=empty_database, log_level="critical")
    with serve(settings) as base_url:
        problem = _not_ready(base_url)
        assert problem["detail"] == "The database schema is not at the latest migration."
        upgrade_to_head(settings)
        assert httpx.get(f"{base_url}/readyz", timeout=30).json() == {"status": "ready"}
