"""The Cognito operations the layer answers itself instead of moto.

``InitiateAuth`` / ``AdminInitiateAuth`` (password flows: the trigger, auth-flow enforcement, aliases,
case-insensitivity, RESET_REQUIRED, PreventUserExistenceErrors), ``ForgotPassword`` (the forgot-password
trigger, real delivery details, printed codes) and ``ConfirmForgotPassword`` (strict code, password policy,
status to CONFIRMED). Each method returns the JSON answer, or ``None`` to let moto answer the request as sent.
Tokens and challenges still come from moto, called with the user's stored name.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cognito_migrate.local.backend import MOTO_LOCK, REWRITTEN, call_moto, find_client, find_pool, status
from cognito_migrate.local.directory import find_user
from cognito_migrate.local.errors import (
    CognitoError,
    invalid_parameter,
    not_authorized,
    user_not_found,
)
from cognito_migrate.local.import_jobs import ImportJobs
from cognito_migrate.local.passwords import check_password
from cognito_migrate.local.settings import ClientSettings, PoolSettings
from cognito_migrate.local.trigger_event import (
    AUTHENTICATION,
    FORGOT_PASSWORD,
    POST_AUTHENTICATION,
    POST_CONFIRMATION,
)
from cognito_migrate.local.validation import is_email, is_phone

if TYPE_CHECKING:
    from cognito_migrate.local.backend import MotoBackend, MotoClient, MotoPool, MotoUser
    from cognito_migrate.local.codes import CodeBook
    from cognito_migrate.local.migration import Console, Migrator

Json = dict[str, Any]
ADMIN_PASSWORD_FLOWS = ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
_UNKNOWN_PAIR = "Username/client id combination not found."


class _Target:
    """The moto objects and settings one request works on."""

    def __init__(self, backend: MotoBackend, pool: MotoPool, client: MotoClient) -> None:
        self.backend = backend
        self.pool = pool
        self.settings = PoolSettings.from_moto(pool)
        self.client = ClientSettings.from_moto(client)

    def unknown_user(self) -> CognitoError:
        """PreventUserExistenceErrors: the generic answer, or the revealing one for LEGACY clients."""
        return not_authorized() if self.client.prevent_user_existence_errors else user_not_found()

    def reset_required(self) -> CognitoError:
        """A RESET_REQUIRED user signing in; hidden behind the generic answer when PUEE is ENABLED."""
        if self.client.prevent_user_existence_errors:
            return not_authorized()
        return CognitoError("PasswordResetRequiredException", "Password reset required for the user")


class Operations:
    """The layer's answers for the intercepted operations."""

    def __init__(self, migrator: Migrator, codes: CodeBook, console: Console) -> None:
        self.migrator = migrator
        self.codes = codes
        self.console = console
        self.imports = ImportJobs(console)

    # -- lookup -------------------------------------------------------------------------------------------
    @staticmethod
    def _by_client(client_id: str) -> _Target:
        with MOTO_LOCK:
            found = find_client(client_id or "")
            if found is None:
                raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")
            return _Target(*found)

    @staticmethod
    def _by_pool(pool_id: str, client_id: str) -> _Target:
        with MOTO_LOCK:
            found = find_pool(pool_id or "")
            if found is None:
                raise CognitoError("ResourceNotFoundException", f"User pool {pool_id} does not exist.")
            backend, pool = found
            client = pool.clients.get(client_id or "")
            if client is None:
                raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")
            return _Target(backend, pool, client)

    # -- sign-in ------------------------------------------------------------------------------------------
    def initiate_auth(self, params: Json) -> Json | None:
        flow = params.get("AuthFlow")
        target = self._by_client(params.get("ClientId", ""))
        auth = params.get("AuthParameters") or {}
        if flow == "USER_PASSWORD_AUTH":
            if not target.client.allows("USER_PASSWORD_AUTH"):
                raise invalid_parameter("USER_PASSWORD_AUTH flow not enabled for this client")
            user = self._password_sign_in(target, auth, params.get("ClientMetadata"))
            with MOTO_LOCK:
                return _answer(
                    target.backend.initiate_auth,
                    target.client.id,
                    flow,
                    {**auth, "USERNAME": _token_name(target.settings, user)},
                )
        if flow == "USER_SRP_AUTH":
            # SRP hides the password from Cognito, so it never fires the trigger.
            if not target.client.allows("USER_SRP_AUTH"):
                raise invalid_parameter("USER_SRP_AUTH is not enabled for the client.")
            with MOTO_LOCK:
                user = find_user(target.pool, target.settings, auth.get("USERNAME", ""))
                if user is None:
                    raise target.unknown_user()
                if user.enabled and user.status is status("RESET_REQUIRED"):
                    raise target.reset_required()
                return _answer(
                    target.backend.initiate_auth, target.client.id, flow, {**auth, "USERNAME": user.username}
                )
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN") and not target.client.allows("REFRESH_TOKEN_AUTH"):
            raise invalid_parameter("Refresh Token auth flow not enabled for this client")
        return None

    def admin_initiate_auth(self, params: Json) -> Json | None:
        flow = params.get("AuthFlow")
        if flow not in ADMIN_PASSWORD_FLOWS:
            return None
        target = self._by_pool(params.get("UserPoolId", ""), params.get("ClientId", ""))
        if not target.client.allows("ADMIN_USER_PASSWORD_AUTH"):
            raise invalid_parameter("Auth flow not enabled for this client")
        auth = params.get("AuthParameters") or {}
        user = self._password_sign_in(target, auth, params.get("ClientMetadata"))
        with MOTO_LOCK:
            return _answer(
                target.backend.admin_initiate_auth,
                target.pool.id,
                target.client.id,
                flow,
                {**auth, "USERNAME": _token_name(target.settings, user)},
            )

    def _password_sign_in(self, target: _Target, auth: Json, metadata: dict[str, str] | None) -> Any:
        """Find or migrate the user and check the password and status; returns the moto user."""
        name = auth.get("USERNAME")
        password = auth.get("PASSWORD")
        if not name:
            raise invalid_parameter("Missing required parameter USERNAME")
        if password is None:
            raise invalid_parameter("Missing required parameter PASSWORD")
        with MOTO_LOCK:
            user = find_user(target.pool, target.settings, name)
        if user is None:
            user = self.migrator.migrate(
                backend=target.backend,
                pool=target.pool,
                settings=target.settings,
                client_id=target.client.id,
                trigger_source=AUTHENTICATION,
                user_name=name,
                password=password,
                client_metadata=metadata,
            )
            if user is None:
                raise target.unknown_user()
        with MOTO_LOCK:
            if not user.enabled:
                raise not_authorized("User is disabled.")
            if user.status is status("RESET_REQUIRED") and user.password in (None, password):
                raise target.reset_required()
            if user.password != password:
                raise not_authorized()
            if user.status is status("UNCONFIRMED"):
                raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
        self.migrator.after(
            settings=target.settings,
            user=user,
            client_id=target.client.id,
            trigger_source=POST_AUTHENTICATION,
            metadata=metadata,
        )
        return user

    # -- reads ------------------------------------------------------------------------------------------
    def admin_get_user(self, params: Json) -> Json | None:
        """``AdminGetUser`` by user name or alias, as Cognito resolves it (moto knows user names only)."""
        with MOTO_LOCK:
            found = find_pool(params.get("UserPoolId") or "")
            if found is None:
                return None  # moto's own ResourceNotFoundException
            pool = found[1]
            user = find_user(pool, PoolSettings.from_moto(pool), params.get("Username") or "")
        if user is None:
            raise user_not_found()
        params["Username"] = user.username
        params[REWRITTEN] = True
        return None

    # -- forgot password ----------------------------------------------------------------------------------
    def forgot_password(self, params: Json) -> Json:
        target = self._by_client(params.get("ClientId", ""))
        name = params.get("Username") or ""
        if "admin_only" in target.settings.recovery:
            # no self-service recovery: the same answer for every name, and no reason to fire the trigger
            raise not_authorized("Contact administrator to reset password.")
        with MOTO_LOCK:
            user = find_user(target.pool, target.settings, name)
        if user is None and name:
            user = self.migrator.migrate(
                backend=target.backend,
                pool=target.pool,
                settings=target.settings,
                client_id=target.client.id,
                trigger_source=FORGOT_PASSWORD,
                user_name=name,
                password=None,
                client_metadata=params.get("ClientMetadata"),
            )
        if user is None:
            if target.client.prevent_user_existence_errors:
                return _simulated_delivery(name, target.settings.recovery)
            raise user_not_found(_UNKNOWN_PAIR)
        with MOTO_LOCK:
            attributes = dict(user.attribute_lookup)
            username = user.username
            enabled = user.enabled
            if enabled and user.status is status("FORCE_CHANGE_PASSWORD"):
                raise not_authorized("User password cannot be reset in the current state.")
        if not enabled:
            # PreventUserExistenceErrors: "a user [who] isn't found, is disabled, or doesn't have a verified
            # delivery mechanism" gets the simulated answer; no code is issued
            if target.client.prevent_user_existence_errors:
                return _simulated_delivery(name, target.settings.recovery)
            raise not_authorized("User is disabled.")
        delivery = _delivery(target.settings.recovery, attributes)
        if delivery is None:
            if target.client.prevent_user_existence_errors:
                return _simulated_delivery(name, target.settings.recovery)
            raise invalid_parameter(
                "Cannot reset password for the user as there is no registered/verified email or phone_number"
            )
        medium, attribute, destination = delivery
        code = self.codes.issue(target.settings.id, username)
        self.console(f"forgot-password code for {username!r} in {target.settings.id}: {code} ({medium} {destination})")
        return {
            "CodeDeliveryDetails": {
                "Destination": _mask(destination),
                "DeliveryMedium": medium,
                "AttributeName": attribute,
            }
        }

    def confirm_forgot_password(self, params: Json) -> Json:
        target = self._by_client(params.get("ClientId", ""))
        password = params.get("Password")
        if password is None:
            raise invalid_parameter("Missing required parameter Password")
        with MOTO_LOCK:
            user = find_user(target.pool, target.settings, params.get("Username") or "")
        if user is None:
            if target.client.prevent_user_existence_errors:
                self.codes.refuse(target.settings.id, target.settings.fold(params.get("Username") or ""))
            raise user_not_found(_UNKNOWN_PAIR)
        check_password(password, target.settings.password_policy)
        self.codes.redeem(target.settings.id, user.username, params.get("ConfirmationCode") or "")
        with MOTO_LOCK:
            user.password = password
            user.status = status("CONFIRMED")
        self.migrator.after(
            settings=target.settings,
            user=user,
            client_id=target.client.id,
            trigger_source=POST_CONFIRMATION,
            metadata=params.get("ClientMetadata"),
        )
        return {}


def _token_name(settings: PoolSettings, user: MotoUser) -> str:
    """The name moto must be given to issue Cognito's claims: in email-as-username pools moto puts that name in
    the ID token's ``email`` claim (and the ``sub`` in ``cognito:username``), so it must be the stored email."""
    email = user.attribute_lookup.get("email")
    if "email" in settings.username_attributes and email:
        return str(email)
    return str(user.username)


def _answer(operation: Any, *args: Any) -> Json:
    """moto's answer for a sign-in call (tokens or a challenge)."""
    result: Json = call_moto(operation, *args)
    return result


_CONTACTS = {
    "verified_email": ("EMAIL", "email", "email_verified"),
    "verified_phone_number": ("SMS", "phone_number", "phone_number_verified"),
}


def _delivery(recovery: tuple[str, ...], attributes: dict[str, str]) -> tuple[str, str, str] | None:
    """(medium, attribute, destination) by the pool's recovery order; only verified contacts count."""
    for mechanism in recovery:
        if mechanism == "admin_only":
            raise not_authorized("Contact administrator to reset password.")
        contact = _CONTACTS.get(mechanism)
        if contact is None:
            continue
        medium, attribute, flag = contact
        if attributes.get(attribute) and attributes.get(flag, "").lower() == "true":
            return medium, attribute, attributes[attribute]
    return None


def _mask(destination: str) -> str:
    """Cognito's masking: ``a***@e***`` for an email, ``+*******1234`` for a phone number."""
    if "@" in destination:
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+*******" + destination[-4:]


def _simulated_delivery(name: str, recovery: tuple[str, ...]) -> Json:
    """What PreventUserExistenceErrors=ENABLED answers when no code is sent (unknown or disabled user, no
    verified contact). AWS: "The simulated delivery medium is determined by the input username format and
    verification settings of the user pool": an email-shaped name gets EMAIL, a phone-shaped one SMS, any
    other the pool's first recovery channel, so that a plain user name gets the medium real users get. The
    destination is made up, stable for a name."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    if is_email(name):
        medium = "EMAIL"
    elif is_phone(name):
        medium = "SMS"
    else:
        first = next((m for m in recovery if m in _CONTACTS), "verified_phone_number")
        medium = _CONTACTS[first][0]
    if medium == "EMAIL":
        destination = _mask(name) if is_email(name) else f"{_letter(digest, 0)}***@{_letter(digest, 1)}***"
        return {
            "CodeDeliveryDetails": {"Destination": destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"}
        }
    destination = "+*******" + (name[-4:] if is_phone(name) else f"{int(digest[:8], 16) % 10000:04d}")
    return {
        "CodeDeliveryDetails": {"Destination": destination, "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    }


def _letter(digest: str, index: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[int(digest[index * 2 : index * 2 + 2], 16) % 26]
