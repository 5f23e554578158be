"""Signing in through the city's identity provider with OpenID Connect: the authorization code flow
with PKCE (S256). Authlib makes the protocol's messages (the authorization request, the code
challenge, the token request); httpx, the service's HTTP client, carries them (Authlib's own httpx
client is deprecated in favour of another HTTP library). The ID token's signature (the provider's
published keys), issuer, audience, expiry and nonce are checked with joserfc. Groups, email and name
come from the ID token, or from the userinfo endpoint where the token leaves them out."""

import threading
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from app.auth.people import ProviderIdentity
from app.auth.sessions import SignInCause, SignInRefusedError
from app.errors import ProblemError
from app.settings import Settings

PROVIDER_TIMEOUT_SECONDS = 10
CLOCK_LEEWAY_SECONDS = 60


class ProviderUnavailableError(ProblemError):
    status = 502
    problem_type = "identity-provider-unavailable"


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what the callback must check."""

    url: str
    state: str
    nonce: str
    code_verifier: str


class IdentityProvider:
    """The configured OpenID Connect provider. Its discovery document and keys are read once and
    kept (keys are read again when a token names a key not yet seen)."""

    def __init__(self, settings: Settings) -> None:
        assert settings.oidc_issuer and settings.oidc_client_id  # callers check oidc_enabled
        self.issuer = settings.oidc_issuer
        self.client_id = settings.oidc_client_id
        self._secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        self._scopes = settings.oidc_scopes
        self._groups_claim = settings.oidc_groups_claim
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=PROVIDER_TIMEOUT_SECONDS)
            response.raise_for_status()
            body: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailableError(
                f"The identity provider did not answer as expected ({url})."
            ) from error
        return body

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None:
                metadata = self._get_json(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
                if metadata.get("issuer") != self.issuer:
                    raise ProviderUnavailableError(
                        "The identity provider names another issuer than configured."
                    )
                self._metadata = metadata
            return self._metadata

    def _key_set(self, *, refresh: bool = False) -> KeySet:
        with self._lock:
            if self._keys is None or refresh:
                assert self._metadata is not None
                self._keys = KeySet.import_key_set(self._get_json(self._metadata["jwks_uri"]))  # type: ignore[arg-type]
            return self._keys

    def begin(self, redirect_uri: str) -> AuthorizationRequest:
        """A new authorization request: its state, nonce and PKCE verifier, and the provider's URL."""
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        url = prepare_grant_uri(
            self.metadata()["authorization_endpoint"],
            self.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self._scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),  # type: ignore[no-untyped-call]
            code_challenge_method="S256",
        )
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def finish(self, *, redirect_uri: str, code: str, code_verifier: str, nonce: str) -> ProviderIdentity:
        """Exchange the code for tokens, check the ID token and say who signed in."""
        metadata = self.metadata()
        token = self._token(metadata["token_endpoint"], redirect_uri, code, code_verifier)
        claims = self._id_token_claims(token.get("id_token"), nonce)
        if not all(claims.get(name) for name in ("email", "email_verified", "name", self._groups_claim)):
            claims = {**self._userinfo(metadata, str(token.get("access_token", ""))), **claims}
        return self._identity(claims)

    def _token(self, endpoint: str, redirect_uri: str, code: str, code_verifier: str) -> dict[str, Any]:
        """The token response for the code (the client authenticates with HTTP Basic)."""
        body = prepare_token_request(
            "authorization_code", redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
        )
        try:
            response = httpx.post(
                endpoint,
                content=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                auth=(self.client_id, self._secret or ""),
                timeout=PROVIDER_TIMEOUT_SECONDS,
            )
            answer: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailableError(
                "The identity provider's token endpoint did not answer."
            ) from error
        if response.status_code != httpx.codes.OK or "error" in answer:
            reason = answer.get("error", response.status_code)
            raise SignInRefusedError(
                f"The identity provider refused the sign-in: {reason}.", cause=SignInCause.PROVIDER_REFUSED
            )
        return answer

    def _userinfo(self, metadata: dict[str, Any], access_token: str) -> dict[str, Any]:
        endpoint = metadata.get("userinfo_endpoint")
        if not endpoint or not access_token:
            return {}
        try:
            response = httpx.get(
                endpoint,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=PROVIDER_TIMEOUT_SECONDS,
            )
            response.raise_for_status()
            body: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailableError(
                "The identity provider's userinfo endpoint did not answer."
            ) from error
        return body

    def _decoded(self, id_token: str) -> jwt.Token:
        algorithms = self.metadata().get("id_token_signing_alg_values_supported")
        registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
        try:
            return jwt.decode(id_token, self._key_set(), registry=registry)
        except JoseError:  # perhaps a key the provider has rotated in since: read its keys again
            return jwt.decode(id_token, self._key_set(refresh=True), registry=registry)

    def _id_token_claims(self, id_token: str | None, nonce: str) -> dict[str, Any]:
        if not id_token:
            raise SignInRefusedError(
                "The identity provider sent no ID token.", cause=SignInCause.PROVIDER_ANSWER
            )
        expected = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            token = self._decoded(id_token)
            expected.validate(token.claims)
        except (JoseError, ValueError) as error:
            raise SignInRefusedError(
                "The identity provider's ID token did not pass its checks.", cause=SignInCause.PROVIDER_ANSWER
            ) from error
        return dict(token.claims)

    def _identity(self, claims: dict[str, Any]) -> ProviderIdentity:
        email = claims.get("email")
        if not isinstance(email, str) or not email:
            raise SignInRefusedError(
                "The identity provider did not say the person's email address.",
                cause=SignInCause.PROVIDER_ANSWER,
            )
        groups = claims.get(self._groups_claim) or []
        return ProviderIdentity(
            issuer=self.issuer,
            subject=str(claims["sub"]),
            email=email,
            email_verified=claims.get("email_verified") in (True, "true"),  # some providers send a string
            name=str(claims.get("name") or email),
            groups=frozenset([groups] if isinstance(groups, str) else [str(group) for group in groups]),
        )
