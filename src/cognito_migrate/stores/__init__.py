"""Legacy user stores. ``base`` holds the contract and the shared flow; each backend is a leaf module
imported only when ``[store] type`` names it (``wiring.build_store`` maps each type to its builder)."""

from __future__ import annotations

from typing import Final, Literal

STORE_TYPES: Final = ("sql", "http", "ldap", "file", "cognito")
"""The values ``[store] type`` accepts: one per backend module under ``stores/``."""

PRELOADED_TYPES: Final = ("file",)
"""Store types whose one-off work (:meth:`~cognito_migrate.stores.base.UserStore.prepare`: an export file's load)
Lambda's init phase does, before the first sign-in (``handler.py``); the others open nothing before a sign-in."""

HttpContract = Literal["native", "keycloak"]
HTTP_CONTRACTS: Final[tuple[HttpContract, ...]] = ("native", "keycloak")
"""The values ``[store.http] contract`` accepts (declared here so the configuration need not load ``stores.http``)."""

LdapVerify = Literal["bind", "hash"]
LDAP_VERIFY_MODES: Final[tuple[LdapVerify, ...]] = ("bind", "hash")
"""The values ``[store.ldap] verify`` accepts: bind as the user, or read ``userPassword`` and verify its hash."""

FILE_FORMATS: Final = ("auth0", "firebase_json", "firebase_csv", "jsonl", "csv")
"""The values ``[store.file] format`` accepts (readers in ``stores.file_formats``)."""

CognitoAuthFlow = Literal["user_password", "admin_user_password"]
COGNITO_AUTH_FLOWS: Final[tuple[CognitoAuthFlow, ...]] = ("user_password", "admin_user_password")
"""The values ``[store.cognito] auth_flow`` accepts: ``InitiateAuth`` USER_PASSWORD_AUTH or ``AdminInitiateAuth``
ADMIN_USER_PASSWORD_AUTH against the old pool."""
