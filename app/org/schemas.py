from datetime import date

from pydantic import BaseModel, ConfigDict, Field

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
    successors: list[UnitRef] = Field(
        description="The units that carry on its work after `valid_to` (one when it was renamed or merged)."
    )


class UnitTreeNode(UnitRead):
    children: list["UnitTreeNode"] = []
