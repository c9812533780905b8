"""``cognito-migrate serve``: a local Cognito on 127.0.0.1 that fires our trigger on the configured store.

It creates a user pool and app client as the deployment recommends (USER_PASSWORD_AUTH allowed,
PreventUserExistenceErrors ENABLED, the configuration's username model and password policy), prints one
JSON line ``{"endpoint", "region", "user_pool_id", "client_id", "local_token"}`` on stdout (the token
goes in the ``X-Local-Token`` header of the ``/_local/`` calls that read forgot-password codes), and
serves until Ctrl-C (or SIGTERM).
Console messages (forgot-password codes) and the trigger's log lines go to stderr. A bad configuration,
region or port, or a port that is already taken, ends it with one line on stderr and exit code 2 (1 for the
busy port) before anything is printed on stdout.
"""

from __future__ import annotations

import errno
import json
import signal
import sys
from typing import Annotated

import typer
from rich.markup import escape

from cognito_migrate.cli._common import ConfigOption, errors, load, require_extra
from cognito_migrate.errors import CognitoMigrateError


def serve(
    config: ConfigOption = None,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = 0,
    region: Annotated[str, typer.Option("--region", help="The region the pool claims to be in.")] = "us-east-1",
) -> None:
    """Serve a local Cognito with the migrate-user trigger of CONFIG; point any AWS SDK at the endpoint."""
    require_extra("local", "serve")
    settings = load(config)
    from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
    from cognito_migrate.local.server import check_region

    try:
        check_region(region)
    except ValueError as exc:
        errors.print(f"[red]error:[/] --region: {escape(str(exc))}")
        raise typer.Exit(2) from None
    try:
        local = configured_cognito(settings, region=region, log_stream=sys.stderr)
    except CognitoMigrateError as exc:  # e.g. the store's driver is not installed
        errors.print(f"[red]configuration error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    try:
        endpoint = local.start("127.0.0.1", port)
    except OSError as exc:
        busy = exc.errno == errno.EADDRINUSE
        hint = " (another program uses it: pick another --port, or 0 for any free port)" if busy else ""
        errors.print(f"[red]error:[/] cannot listen on 127.0.0.1:{port}: {exc.strerror}{hint}")
        raise typer.Exit(1) from None
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill`, docker stop, CI: stop as cleanly as Ctrl-C
    try:
        pool = create_recommended_pool(local, settings)
        line = {
            "endpoint": endpoint,
            "region": region,
            "user_pool_id": pool.user_pool_id,
            "client_id": pool.client_id,
            "local_token": local.token,
        }
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        errors.print(f"local Cognito listening on {endpoint} (Ctrl-C stops it)")
        local.wait()
    except KeyboardInterrupt:
        errors.print("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        local.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
