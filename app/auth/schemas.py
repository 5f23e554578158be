from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.access import Role
from app.auth.models import TokenKind
from app.auth.service import MAX_TOKEN_NAME_LENGTH


class TokenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "SLK intranät", "role": "editor", "unit": "SLK"}]},
    )

    name: str = Field(min_length=1, max_length=MAX_TOKEN_NAME_LENGTH)
    role: Role
    kind: TokenKind = TokenKind.API
    unit: int | str | None = Field(default=None, description="Unit id or key; required for editors.")
    expires_at: AwareDatetime | None = Field(
        default=None, description="Timezone-aware; never expires if left out."
    )


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
