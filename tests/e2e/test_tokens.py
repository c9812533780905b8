"""Tokens of a migrated user verify against the JWKS the local endpoint serves (moto_app routes it)."""

from __future__ import annotations

import json
import urllib.request
from typing import TYPE_CHECKING, Any

from joserfc import jwt
from joserfc.jwk import KeySet

from tests.e2e.conftest import DictTrigger, LegacyUser
from tests.e2e.helpers import sign_in

if TYPE_CHECKING:
    from cognito_migrate.local import LocalCognito


def _get(url: str) -> Any:
    with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback test endpoint
        return json.load(response)


def test_the_tokens_of_a_migrated_user_verify_with_the_served_jwks(local: LocalCognito, cognito: Any) -> None:
    trigger = DictTrigger({"tess": LegacyUser("Tess-pw-1", email="tess@example.com")})
    pool_id, client_id = local.create_pool_and_client(trigger=trigger)
    tokens = sign_in(cognito, client_id, "tess", "Tess-pw-1")["AuthenticationResult"]

    keys = KeySet.import_key_set(_get(f"{local.endpoint}/{pool_id}/.well-known/jwks.json"))
    id_token = jwt.decode(tokens["IdToken"], keys, algorithms=["RS256"])
    access = jwt.decode(tokens["AccessToken"], keys, algorithms=["RS256"])

    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    assert id_token.claims["iss"] == access.claims["iss"] == issuer
    assert id_token.claims["aud"] == client_id
    assert id_token.claims["token_use"] == "id"
    assert access.claims["token_use"] == "access"
    assert access.claims["username"] == "tess"
    assert id_token.claims["sub"] == access.claims["sub"]
    discovery = _get(f"{local.endpoint}/{pool_id}/.well-known/openid-configuration")
    assert discovery["issuer"] == issuer
