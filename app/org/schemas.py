from datetime import date

from pydantic import BaseModel, ConfigDict

from app.org.models import UnitKind


class UnitRef(BaseModel):
    """A unit named inside another resource."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    name: str


class UnitRead(UnitRef):
    short_name: str | None
    aliases: list[str]
    kind: UnitKind
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None


class UnitTreeNode(UnitRead):
    children: list["UnitTreeNode"] = []
