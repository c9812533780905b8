"""Whether a host name stays on this machine: where a password or a token may travel without TLS.

One rule for every store and credential source that warns of (or refuses) plain-text transport.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1); a name that resolves elsewhere is not."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
