"""Access to moto's in-process cognito-idp state, and the one lock that serializes every call into it.

moto is not thread-safe and its state is global to the process, so every read or write of a pool, a user or a
token, whether it comes through the WSGI dispatcher or from the layer, happens with ``MOTO_LOCK`` held.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, TypeVar

from cognito_migrate.local.errors import CognitoError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

MOTO_LOCK = threading.RLock()
T = TypeVar("T")


def _backends() -> Iterator[Any]:
    from moto.cognitoidp.models import cognitoidp_backends

    for per_account in list(cognitoidp_backends.values()):
        for region, backend in list(per_account.items()):
            if region != "global":
                yield backend


def find_client(client_id: str) -> tuple[Any, Any, Any] | None:
    """``(backend, pool, client)`` for an app client id, in any account and region (lock held)."""
    for backend in _backends():
        for pool in backend.user_pools.values():
            client = pool.clients.get(client_id)
            if client is not None:
                return backend, pool, client
    return None


def find_pool(pool_id: str) -> tuple[Any, Any] | None:
    """``(backend, pool)`` for a pool id (lock held)."""
    for backend in _backends():
        pool = backend.user_pools.get(pool_id)
        if pool is not None:
            return backend, pool
    return None


def call_moto(operation: Callable[..., T], *args: Any) -> T:
    """Run a moto backend method, turning moto's errors into ``CognitoError`` (lock held)."""
    from moto.core.exceptions import JsonRESTError

    try:
        return operation(*args)
    except JsonRESTError as exc:
        raise CognitoError(exc.relative_error_type, exc.message) from None


def status(name: str) -> Any:
    """moto's ``UserStatus`` member (moto compares statuses with ``is``: a plain string breaks it)."""
    from moto.cognitoidp.models import UserStatus

    return UserStatus[name]


def attribute_names(pool: Any) -> list[str]:
    """The pool's attributes as Cognito lists them: every standard attribute and the pool's own (custom)
    ones. moto keeps only the schema it was given when a pool is created with one (lock held)."""
    from moto.cognitoidp.models import CognitoIdpUserPoolAttribute

    standard = list(CognitoIdpUserPoolAttribute.STANDARD_SCHEMA)
    return [*standard, *(name for name in pool.schema_attributes if name not in standard)]
