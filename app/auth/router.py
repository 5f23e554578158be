from datetime import UTC

from fastapi import APIRouter, status

from app.auth import service
from app.auth.schemas import TokenCreate, TokenCreated, TokenRead
from app.deps import SessionDep
from app.errors import InvalidInputError
from app.inputs import IdPath

router = APIRouter(prefix="/api/v1/tokens", tags=["tokens (admin)"])


@router.get("", response_model=list[TokenRead], summary="All tokens (never their secrets)")
def list_tokens(session: SessionDep) -> list[TokenRead]:
    return [TokenRead.model_validate(token) for token in service.list_tokens(session)]


@router.post(
    "",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create a token; its secret is in this response only",
)
def create_token(data: TokenCreate, session: SessionDep) -> TokenCreated:
    if data.expires_at is not None and data.expires_at.tzinfo is None:
        raise InvalidInputError("expires_at", "must carry a time zone, e.g. 2027-01-01T00:00:00+01:00")
    token, secret = service.create_token(
        session,
        name=data.name,
        role=data.role,
        kind=data.kind,
        unit=data.unit,
        expires_at=data.expires_at.astimezone(UTC) if data.expires_at else None,
    )
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=secret)


@router.delete("/{token_id}", response_model=TokenRead, summary="Revoke a token (it stays listed)")
def revoke_token(token_id: IdPath, session: SessionDep) -> TokenRead:
    return TokenRead.model_validate(service.revoke_token(session, token_id))
