from fastapi import APIRouter

from app.access import READERS
from app.deps import SessionDep
from app.inputs import IdPath
from app.org import service
from app.org.models import OrgUnit
from app.org.schemas import UnitRead, UnitTreeNode

# Readers read; units are loaded from the seed files.
router = APIRouter(prefix="/api/v1/org-units", tags=["organisation"], dependencies=[READERS])


@router.get("", response_model=list[UnitRead], summary="All organisational units, flat")
def list_units(session: SessionDep) -> list[UnitRead]:
    return [UnitRead.model_validate(unit) for unit in service.list_units(session)]


@router.get("/tree", response_model=list[UnitTreeNode], summary="Organisational units as a tree")
def unit_tree(session: SessionDep) -> list[UnitTreeNode]:
    children = service.children_by_parent(service.list_units(session))

    def node(unit: OrgUnit) -> UnitTreeNode:
        tree_node = UnitTreeNode.model_validate(unit)
        tree_node.children = [node(child) for child in children.get(unit.id, [])]
        return tree_node

    return [node(root) for root in children.get(None, [])]


@router.get("/{unit_id}", response_model=UnitRead, summary="One organisational unit")
def get_unit(unit_id: IdPath, session: SessionDep) -> UnitRead:
    return UnitRead.model_validate(service.get_unit(session, unit_id))
