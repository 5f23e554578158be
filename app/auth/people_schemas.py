"""Request and response shapes of the people API (`/api/v1/users`)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.access import Role
from app.auth.models import GrantSource
from app.auth.people import MAX_NAME_LENGTH
from app.inputs import IdOrKey, StrictInput


class GrantCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "editor", "unit": "SLK"}]})

    role: Role
    unit: IdOrKey | None = Field(
        default=None, description="Unit id or key; required for editor and coordinator."
    )


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    role: Role
    unit_id: int | None
    source: GrantSource = Field(
        description="`admin`: given by an admin; `provider`: from the person's groups."
    )
    created_at: datetime


class PersonCreate(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Anna Andersson",
                    "email": "anna.andersson@stockholm.se",
                    "grants": [{"role": "reader"}],
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    email: str = Field(min_length=3, max_length=320)
    grants: list[GrantCreate] = Field(default_factory=list, max_length=50)


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    issuer: str | None = Field(description="The identity provider the person signs in with, once they have.")
    subject: str | None
    created_at: datetime
    last_signed_in_at: datetime | None
    grants: list[GrantRead]


class SignInLinkCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"minutes": 15}]})

    minutes: int | None = Field(
        default=None, ge=1, le=1440, description="How long it works (default: settings)."
    )


class SignInLinkCreated(BaseModel):
    url: str = Field(description="Works once, for the minutes given; shown only here.")
    expires_at: datetime
