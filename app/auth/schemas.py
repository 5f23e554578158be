from datetime import datetime
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from app.access import Role
from app.auth.models import MAX_TOKEN_LIFETIME_DAYS, TokenKind
from app.auth.service import MAX_TOKEN_NAME_LENGTH
from app.inputs import DbId, StrictInput


class TokenCreate(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "SLK intranät", "role": "editor", "unit": "SLK"}]},
    )

    name: str = Field(min_length=1, max_length=MAX_TOKEN_NAME_LENGTH)
    role: Role
    kind: TokenKind = TokenKind.API
    unit: DbId | str | None = Field(default=None, description="Unit id or key; required for editors.")
    expires_at: AwareDatetime | None = Field(
        default=None,
        description=f"Timezone-aware, in the future and at most {MAX_TOKEN_LIFETIME_DAYS} days ahead; "
        "never expires if left out.",
    )

    @field_validator("unit", mode="wrap")
    @classmethod
    def _unit_reference(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """One error naming `unit` rather than one per member of the union."""
        try:
            return handler(value)
        except ValidationError:
            raise ValueError("must be a unit id (a whole number from 1) or a unit key") from None


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: TokenKind
    role: Role
    unit_id: int | None
    token_prefix: str = Field(description="The first characters of the secret, to recognise it.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by_token_id: int | None = Field(description="The token that created it (None: the command line).")
    revoked_by_token_id: int | None


class TokenCreated(TokenRead):
    token: str = Field(description="The secret. It is shown only here, once; only its hash is stored.")
