"""A TCP fault proxy on loopback, between a database driver and the real server, for fault-injection tests.

The proxy forwards bytes both ways until a test switches on a fault:

- ``blackhole()``: nothing more is delivered either way on open connections (held, as a partitioned network
  holds them; ``heal()`` delivers them, as TCP retransmission would);
- ``stall(after=n)``: the server's next ``n`` bytes still reach the client, then nothing (an answer cut mid-way);
- ``latency(seconds)``: every chunk is delayed by that much, both ways;
- ``drip(seconds)``: the server's bytes arrive one at a time, that far apart (alive, but never done);
- ``kill()``: every open connection is reset (the old primary died);
- ``new_connections("refuse" | "hang" | "pass")``: new connections are reset at once, or accepted and never
  answered (a failover target that is not up yet, a blackhole during the handshake).

Every thread polls with a short timeout and stops on ``close()``: no loop is unbounded, nothing listens beyond
127.0.0.1, and the port is picked by the system.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from types import TracebackType

_TICK = 0.02  # how often idle threads look at the fault switches and the close flag
NewConnections = Literal["pass", "refuse", "hang"]


def _reset(sock: socket.socket) -> None:
    """Close with an RST (SO_LINGER 0), as a crashed host or a middlebox dropping state would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _Link:
    """One proxied connection: the client's socket, the server's socket, and a pump thread per direction."""

    def __init__(self, proxy: FaultProxy, client: socket.socket, server: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.server = server
        self.dead = threading.Event()
        self.threads = [
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True),
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        held = b""
        while not self.dead.is_set() and not self.proxy.closed.is_set():
            if not held:
                try:
                    ready, _, _ = select.select([source], [], [], _TICK)
                    if not ready:
                        continue
                    held = source.recv(65536)
                except (OSError, ValueError):
                    break
                if not held:
                    break  # an orderly close from this side
            held = self._forward(held, sink, from_server)
            if held is None:
                break
        self.kill(reset=False)

    def _forward(self, data: bytes, sink: socket.socket, from_server: bool) -> bytes | None:
        """Deliver what the faults allow; return what is still held (b"" when all went), None when broken."""
        proxy = self.proxy
        if proxy.blackholed.is_set():
            time.sleep(_TICK)
            return data
        allowed = len(data)
        if from_server and proxy.stall_after is not None:
            with proxy.lock:
                allowed = min(allowed, proxy.stall_after)
                proxy.stall_after -= allowed
            if allowed == 0:
                time.sleep(_TICK)
                return data
        if from_server and proxy.drip_every:
            allowed = 1
            time.sleep(proxy.drip_every)
        if proxy.delay:
            time.sleep(proxy.delay)
        try:
            sink.sendall(data[:allowed])
        except OSError:
            return None
        return data[allowed:]

    def kill(self, *, reset: bool) -> None:
        self.dead.set()
        for sock in (self.client, self.server):
            if reset:
                _reset(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.close()


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to ``target``; see the module docstring for the faults."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.blackholed = threading.Event()
        self.stall_after: int | None = None
        self.delay = 0.0
        self.drip_every = 0.0
        self.mode: NewConnections = "pass"
        self.accepted = 0  # connections the driver opened through the proxy
        self._links: list[_Link] = []
        self._hanging: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def url(self, server_url: str) -> str:
        """``server_url`` with its host and port replaced by the proxy's."""
        host, port = self.target
        return server_url.replace(f"@{host}:{port}", f"@127.0.0.1:{self.port}", 1)

    # ------------------------------------------------------------------------------------------- faults

    def blackhole(self) -> None:
        self.blackholed.set()

    def stall(self, *, after: int) -> None:
        with self.lock:
            self.stall_after = after

    def latency(self, seconds: float) -> None:
        self.delay = seconds

    def drip(self, seconds: float) -> None:
        self.drip_every = seconds

    def kill(self) -> None:
        with self.lock:
            links, self._links = self._links, []
        for link in links:
            link.kill(reset=True)

    def new_connections(self, mode: NewConnections) -> None:
        self.mode = mode

    def heal(self) -> None:
        """Back to a clean network (open connections keep whatever they were sent meanwhile)."""
        self.blackholed.clear()
        with self.lock:
            self.stall_after = None
        self.delay = 0.0
        self.drip_every = 0.0
        self.mode = "pass"

    # ----------------------------------------------------------------------------------------- plumbing

    def _accept_loop(self) -> None:
        while not self.closed.is_set():
            ready, _, _ = select.select([self._listener], [], [], _TICK)
            if not ready:
                continue
            try:
                client, _ = self._listener.accept()
            except OSError:
                continue
            self.accepted += 1
            if self.mode == "refuse":
                _reset(client)
                continue
            if self.mode == "hang":
                self._hanging.append(client)  # accepted, never answered, closed on close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=2)
            except OSError:
                _reset(client)
                continue
            server.settimeout(None)
            with self.lock:
                self._links.append(_Link(self, client, server))

    def close(self) -> None:
        self.closed.set()
        self._thread.join(timeout=2)
        self._listener.close()
        for sock in self._hanging:
            sock.close()
        with self.lock:
            links, self._links = self._links, []
        for link in links:
            link.kill(reset=False)
            for thread in link.threads:
                thread.join(timeout=2)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
