"""``LocalCognito``: start the layer and moto behind one loopback HTTP endpoint, create pools, read codes."""

from __future__ import annotations

import importlib
import secrets
import socket
import sys
import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from cognito_migrate.cognito_rules import DEFAULT_RECOVERY, PasswordPolicy
from cognito_migrate.local.backend import known_regions, moto_cognito_app
from cognito_migrate.local.codes import CodeBook
from cognito_migrate.local.invoker import Handler, InProcessTrigger, LambdaInvokeTrigger, Trigger
from cognito_migrate.local.migration import Console, Migrator, TriggerInvocation
from cognito_migrate.local.operations import Operations
from cognito_migrate.local.wsgi import LOOPBACK_HOSTS, LayerApp, forgot_password_code

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Sequence
    from types import TracebackType

TriggerSpec = Handler | LambdaInvokeTrigger | str | None

# The app-client flows a migration deployment enables (USER_PASSWORD_AUTH is what fires the trigger).
MIGRATION_AUTH_FLOWS = (
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
)
FAKE_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


class _Inherit:
    """Marker: a pool created without ``trigger=`` uses the LocalCognito's trigger."""


INHERIT = _Inherit()


class LocalPool(NamedTuple):
    """A pool and its app client, as created by ``LocalCognito.create_pool_and_client``."""

    user_pool_id: str
    client_id: str


def stderr_console(line: str) -> None:
    """Default console: one prefixed line on stderr (codes are printed; passwords never are)."""
    print(f"[local-cognito] {line}", file=sys.stderr, flush=True)


REQUEST_TIMEOUT_SECONDS = 10.0  # a client that stops sending (headers or body) frees its worker after this


def _quiet_request_handler() -> Any:
    """werkzeug's request handler without the per-request access log line, and with a socket timeout."""
    from werkzeug.serving import WSGIRequestHandler

    class QuietRequestHandler(WSGIRequestHandler):
        timeout = REQUEST_TIMEOUT_SECONDS  # socketserver applies it to the connection

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            return None

    return QuietRequestHandler


def check_region(region: str) -> None:
    """Raise ``ValueError`` unless moto knows ``region`` for cognito-idp (it answers HTTP 500 otherwise)."""
    if region not in known_regions():
        raise ValueError(f"unknown region {region!r} for cognito-idp (for example: us-east-1, eu-west-1)")


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; ``OSError`` if it cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT only; a listener still wins
        listener.bind((host, port))
        listener.listen(128)
    except BaseException:
        listener.close()
        raise
    return listener


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _as_trigger(spec: TriggerSpec, region: str) -> Trigger | None:
    if spec is None:
        return None
    if isinstance(spec, LambdaInvokeTrigger):
        return spec
    if isinstance(spec, str):
        return LambdaInvokeTrigger.from_url(spec)
    return InProcessTrigger(spec, region=region)


class LocalCognito:
    """A Cognito-compatible endpoint on loopback that fires a migrate-user trigger as Cognito does.

    ``trigger`` is the default trigger of every pool: a Python callable ``(event, context) -> dict`` run in
    this process, a ``LambdaInvokeTrigger``, or the URL ``http://host:port/2015-03-31/functions/NAME/invocations``;
    ``None`` for no trigger. ``create_pool_and_client(trigger=...)`` overrides it for one pool.
    moto's state is process-wide: two ``LocalCognito`` objects in one process see the same pools.
    """

    def __init__(
        self,
        trigger: TriggerSpec = None,
        *,
        region: str = "us-east-1",
        trigger_timeout: float = 5.0,
        attempts: int = 3,
        console: Console | None = stderr_console,
    ) -> None:
        check_region(region)
        self.region = region
        self._default = _as_trigger(trigger, region)
        self._per_pool: dict[str, Trigger | None] = {}
        self._console: Console = console or (lambda _line: None)
        self.migrator = Migrator(
            trigger_for=lambda pool_id: self._per_pool.get(pool_id, self._default),
            timeout=trigger_timeout,
            attempts=attempts,
            console=self._console,
        )
        self.operations = Operations(self.migrator, CodeBook(), self._console)
        # Guards the /_local/ calls (codes, invocations): printed at start for whoever started it.
        self.token = secrets.token_urlsafe(24)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.endpoint: str | None = None

    @classmethod
    def from_config(
        cls, path: str | os.PathLike[str] | None = None, *, region: str = "us-east-1", console: Console | None = None
    ) -> LocalCognito:
        """A local Cognito whose trigger is our handler for the TOML configuration at ``path`` (default:
        ``$COGNITO_MIGRATE_CONFIG``); pair it with ``configured.create_recommended_pool``."""
        from cognito_migrate.config import load_settings
        from cognito_migrate.local.configured import configured_cognito

        return configured_cognito(load_settings(path), region=region, console=console)

    # -- lifecycle ----------------------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0: a free port) in a background thread; returns the endpoint URL.

        Raises ``ValueError`` for a port outside 0-65535 and ``OSError`` when the address cannot be bound
        (``errno.EADDRINUSE`` for a busy port), so that a caller can say why; werkzeug alone would print a
        message and exit the process.
        """
        from werkzeug.serving import make_server

        if self._server is not None:
            raise RuntimeError("already started")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer from 0 to 65535, got {port!r}")
        listener = _listen(host, port)
        try:
            loopback = _is_loopback(host)
            allowed = LOOPBACK_HOSTS | {host.lower()} | ({""} if loopback else set())
            app = LayerApp(
                moto_cognito_app,
                self.operations,
                console=self._console,
                allowed_hosts=frozenset(allowed) if loopback else None,
                token=self.token,
            )
            self._server = make_server(
                host,
                listener.getsockname()[1],
                app,
                threaded=True,
                request_handler=_quiet_request_handler(),
                fd=listener.fileno(),
            )
        finally:
            listener.close()  # the server holds its own duplicate of the descriptor
        bound_host, bound_port = self._server.server_address[:2]
        self.endpoint = f"http://{_url_host(bound_host)}:{bound_port}"
        self.operations.imports.base_url = self.endpoint  # the import jobs' pre-signed URLs point here
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-cognito", daemon=True)
        self._thread.start()
        self._console(f"local calls (/_local/codes, /_local/invocations) need the header X-Local-Token: {self.token}")
        return self.endpoint

    def serve_forever(self, host: str = "127.0.0.1", port: int = 0, *, on_ready: Callable[[str], None]) -> None:
        """Start, call ``on_ready(endpoint)``, and block until interrupted (Ctrl-C), then stop."""
        endpoint = self.start(host, port)
        try:
            on_ready(endpoint)
            self.wait()
        finally:
            self.stop()

    def wait(self) -> None:
        """Block while the server runs (until ``stop()`` from another thread, or Ctrl-C in this one)."""
        thread = self._thread
        while thread is not None and thread.is_alive():
            thread.join(0.5)

    def stop(self) -> None:
        """Stop serving (idempotent). moto's state stays in the process."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._thread = None

    def __enter__(self) -> LocalCognito:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- helpers ------------------------------------------------------------------------------------------
    def client(self) -> Any:
        """A boto3 ``cognito-idp`` client for this endpoint, with fake credentials."""
        boto3 = importlib.import_module("boto3")  # the local extra; untyped without boto3-stubs
        if self.endpoint is None:
            raise RuntimeError("start() first")
        return boto3.client("cognito-idp", region_name=self.region, endpoint_url=self.endpoint, **FAKE_CREDENTIALS)

    def create_pool_and_client(
        self,
        name: str = "local-pool",
        *,
        username_attributes: Sequence[str] = (),
        alias_attributes: Sequence[str] = (),
        case_sensitive: bool = False,
        prevent_user_existence_errors: bool = True,
        explicit_auth_flows: Sequence[str] = MIGRATION_AUTH_FLOWS,
        password_policy: dict[str, Any] | None = None,
        custom_attributes: Sequence[dict[str, Any]] = (),
        recovery: Sequence[str] = DEFAULT_RECOVERY,
        trigger: TriggerSpec | _Inherit = INHERIT,
        post_triggers: Sequence[str] = (),
    ) -> LocalPool:
        """Create a pool and an app client through the API, configured as a migration deployment would be.

        ``password_policy`` uses Cognito's keys (``MinimumLength``, ``RequireUppercase``...); omitted booleans
        are false, as in Cognito. ``trigger`` (default: the object's trigger) sets this pool's trigger;
        ``post_triggers`` (``PostAuthentication``, ``PostConfirmation``) attaches it to those triggers too.
        """
        policy = PasswordPolicy.from_api(password_policy or {}).to_api()
        pool_args: dict[str, Any] = {
            "PoolName": name,
            "Policies": {"PasswordPolicy": policy},
            "UsernameConfiguration": {"CaseSensitive": case_sensitive},
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Name": r, "Priority": i} for i, r in enumerate(recovery, start=1)]
            },
        }
        if username_attributes:
            pool_args["UsernameAttributes"] = list(username_attributes)
        if alias_attributes:
            pool_args["AliasAttributes"] = list(alias_attributes)
        if custom_attributes:
            pool_args["Schema"] = list(custom_attributes)
        if post_triggers:
            function = f"arn:aws:lambda:{self.region}:123456789012:function:cognito-migrate-local"
            pool_args["LambdaConfig"] = dict.fromkeys(post_triggers, function)
        api = self.client()
        pool_id: str = api.create_user_pool(**pool_args)["UserPool"]["Id"]
        client_id: str = api.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=f"{name}-client",
            ExplicitAuthFlows=list(explicit_auth_flows),
            PreventUserExistenceErrors="ENABLED" if prevent_user_existence_errors else "LEGACY",
        )["UserPoolClient"]["ClientId"]
        if not isinstance(trigger, _Inherit):
            self._per_pool[pool_id] = _as_trigger(trigger, self.region)
        return LocalPool(pool_id, client_id)

    def forgot_password_code(self, user_pool_id: str, username: str) -> str | None:
        """The forgot-password code last sent to ``username`` (user name or alias), if still valid."""
        return forgot_password_code(self.operations, user_pool_id, username)

    @property
    def invocations(self) -> list[TriggerInvocation]:
        """Every trigger call so far (source, name as typed, attempts, outcome, duration; no password)."""
        return self.migrator.invocations
