"""Who is making a request, and what they may change."""

from dataclasses import dataclass, field

from app.auth.models import Role


@dataclass(frozen=True)
class Principal:
    """The caller: a token's identity, or an anonymous reader where reads are public.

    `scope` is an editor's unit and every unit below it; an editor may write an assignment
    when its owner or executor is in that scope.
    """

    name: str
    role: Role
    token_id: int | None = None
    scope: frozenset[int] = field(default_factory=frozenset)

    def may_write_for(self, *unit_ids: int | None) -> bool:
        if self.role == Role.ADMIN:
            return True
        if self.role != Role.EDITOR:
            return False
        return any(unit_id in self.scope for unit_id in unit_ids if unit_id is not None)


ANONYMOUS_READER = Principal(name="anonymous", role=Role.READER)
