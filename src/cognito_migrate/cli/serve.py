"""``cognito-migrate serve``: a local Cognito on 127.0.0.1 that fires our trigger on the configured store.

It creates a user pool and app client as the deployment recommends (USER_PASSWORD_AUTH allowed,
PreventUserExistenceErrors ENABLED, the configuration's username model and password policy), prints one
JSON line ``{"endpoint", "region", "user_pool_id", "client_id"}`` on stdout, and serves until Ctrl-C.
Console messages (forgot-password codes) and the trigger's log lines go to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cognito_migrate.cli._common import errors, load


def serve(
    config: Annotated[Path, typer.Option("--config", "-c", help="The TOML configuration file.")],
    port: Annotated[int, typer.Option("--port", "-p", help="Port on 127.0.0.1 (0: any free port).")] = 0,
    region: Annotated[str, typer.Option("--region", help="The region the pool claims to be in.")] = "us-east-1",
) -> None:
    """Serve a local Cognito with the migrate-user trigger of CONFIG; point any AWS SDK at the endpoint."""
    settings = load(config)
    try:
        from cognito_migrate.local.configured import configured_cognito, create_recommended_pool
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installed extras
        errors.print(f"[red]error:[/] {exc.name} is missing: pip install 'cognito-migrate[local]'")
        raise typer.Exit(2) from None
    local = configured_cognito(settings, region=region, log_stream=sys.stderr)

    def ready(endpoint: str) -> None:
        pool = create_recommended_pool(local, settings)
        line = {"endpoint": endpoint, "region": region, "user_pool_id": pool.user_pool_id, "client_id": pool.client_id}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        errors.print(f"local Cognito listening on {endpoint} (Ctrl-C stops it)")

    try:
        local.serve_forever("127.0.0.1", port, on_ready=ready)
    except KeyboardInterrupt:
        errors.print("stopped")
    except OSError as exc:
        errors.print(f"[red]error:[/] cannot listen on 127.0.0.1:{port}: {exc.strerror}")
        raise typer.Exit(1) from None
