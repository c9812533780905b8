"""Cognito errors as the layer returns them: an AWS JSON-1.1 error type and a message.

botocore reads the type from the ``__type`` field (and the ``x-amzn-ErrorType`` header), so a boto3 caller
gets a ``ClientError`` whose ``Error.Code`` is exactly what real Cognito would send.
"""

from __future__ import annotations

INCORRECT_CREDENTIALS = "Incorrect username or password."


class CognitoError(Exception):
    """An error answer of the Cognito API (HTTP 400 unless ``status`` says otherwise)."""

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def not_authorized(message: str = INCORRECT_CREDENTIALS) -> CognitoError:
    """The generic sign-in failure; also what PreventUserExistenceErrors=ENABLED answers for unknown users."""
    return CognitoError("NotAuthorizedException", message)


def user_not_found(message: str = "User does not exist.") -> CognitoError:
    """What a LEGACY app client answers for an unknown user."""
    return CognitoError("UserNotFoundException", message)


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def migration_error(message: str) -> CognitoError:
    """A rejected trigger response: Cognito reports these as ``UserNotFoundException`` (re:Post KC)."""
    return CognitoError("UserNotFoundException", message)


def exception_migrating(client_id: str) -> CognitoError:
    """Trigger unreachable, or it returned something that is not the event."""
    return CognitoError("UserNotFoundException", f"Exception migrating user in app client {client_id}")


def schema_error(attribute: str, detail: str) -> CognitoError:
    return migration_error(f"Attributes did not conform to the schema: {attribute}: {detail}")
