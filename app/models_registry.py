"""Imports every domain's models so that `Base.metadata` knows all tables (for Alembic and tests)."""

from app.assignments import models as assignments_models
from app.db import Base
from app.documents import models as documents_models
from app.org import models as org_models

__all__ = ["Base", "assignments_models", "documents_models", "org_models"]
