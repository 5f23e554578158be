from fastapi import APIRouter, Response, status

from app.access import ADMINS, AdminDep
from app.auth import service
from app.auth.schemas import TokenCreate, TokenCreated, TokenRead
from app.deps import SessionDep
from app.errors import problem_responses
from app.inputs import IdPath

# Tokens are for admins only, to read as well as to write.
router = APIRouter(prefix="/api/v1/tokens", tags=["tokens (admin)"], dependencies=[ADMINS])


@router.get("", response_model=list[TokenRead], summary="All tokens (never their secrets)")
def list_tokens(session: SessionDep) -> list[TokenRead]:
    return [TokenRead.model_validate(token) for token in service.list_tokens(session)]


@router.get("/{token_id}", response_model=TokenRead, summary="One token (never its secret)")
def get_token(token_id: IdPath, session: SessionDep) -> TokenRead:
    return TokenRead.model_validate(service.get_token(session, token_id))


@router.post(
    "",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create a token; its secret is in this response only",
    responses=problem_responses(422),
)
def create_token(data: TokenCreate, session: SessionDep, actor: AdminDep, response: Response) -> TokenCreated:
    token, secret = service.create_token(
        session,
        name=data.name,
        role=data.role,
        kind=data.kind,
        unit=data.unit,
        expires_at=data.expires_at,
        created_by=actor,
    )
    response.headers["Location"] = f"{router.prefix}/{token.id}"
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=secret)


@router.delete(
    "/{token_id}",
    response_model=TokenRead,
    summary="Revoke a token (it stays listed)",
    responses=problem_responses(404, 409),
)
def revoke_token(token_id: IdPath, session: SessionDep, actor: AdminDep) -> TokenRead:
    return TokenRead.model_validate(service.revoke_token(session, token_id, revoked_by=actor))
