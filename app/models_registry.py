"""Imports every domain's models so that `Base.metadata` knows all tables (for Alembic and tests)."""

from app.assignments import models as assignments_models
from app.auth import models as auth_models
from app.db import Base
from app.documents import models as documents_models
from app.idempotency import models as idempotency_models
from app.ingest import models as ingest_models
from app.org import models as org_models
from app.periods import models as periods_models
from app.reports import models as reports_models
from app.rounds import models as rounds_models
from app.webhooks import models as webhooks_models

__all__ = [
    "Base",
    "assignments_models",
    "auth_models",
    "documents_models",
    "idempotency_models",
    "ingest_models",
    "org_models",
    "periods_models",
    "reports_models",
    "rounds_models",
    "webhooks_models",
]
