"""Where a feed request may connect and when it must end: resolve once, check, pin; one deadline.

http.http_get puts a Guard on the calling thread for each request (all its redirect hops).
The transport made here connects through GuardedBackend, which for every connection

- resolves the host name once and checks every address it got: loopback, private,
  link-local, reserved, multicast and unspecified addresses are refused unless host and
  port are those of the [[feed]] url the user configured (Guard.trusted) and that url names
  a private address itself (`127.0.0.1`, `10.0.0.5`, `localhost`): a public name that
  resolves to a private address is refused, whoever configured it;
- connects to the checked address itself, so a DNS answer that changes between the
  check and the connect (DNS rebinding) cannot slip through; TLS still names the host;
- gives DNS, connect, TLS and every read and write only the time left before the
  guard's deadline, so a server trickling headers or body cannot stretch a request
  past [feeds] timeout (httpx's own timeouts are per read).

Connections are not kept alive: each request gets a new one, checked for its own feed.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterable

import httpcore
import httpx

Resolver = Callable[[str, int], list[str]]
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class Guard:
    """The limits of one request: its own timeout, the round's deadline, the one private origin allowed."""

    timeout: float
    round_deadline: float | None = None  # time.monotonic() when the fetch round ends
    trusted: tuple[str, int] | None = None  # (host, port) of the [[feed]] url the user configured
    deadline: float | None = None  # set when the first connection starts (waiting for a free one is not counted)

    def start(self) -> None:
        """Start the request's clock at its first connection."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.timeout
            if self.round_deadline is not None:
                self.deadline = min(self.deadline, self.round_deadline)

    def left(self, kind: type[Exception]) -> float | None:
        """Seconds left before the deadline; raises `kind` (an httpcore timeout) when none are."""
        end = self.deadline if self.deadline is not None else self.round_deadline
        if end is None:
            return None
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise kind("deadline passed")
        return remaining

    def round_over(self) -> bool:
        """True once the fetch round's deadline has passed."""
        return self.round_deadline is not None and time.monotonic() >= self.round_deadline


current: ContextVar[Guard | None] = ContextVar("digest_request_guard", default=None)


class Refused(Exception):
    """A connection to a private or local address that the user did not configure."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} is a private or local address ({address})")
        self.host, self.address = host, address


def is_private(address: str) -> bool:
    """True for loopback, private, link-local, reserved, multicast and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified)


def origin(url: str) -> tuple[str, int]:
    """(host, port) of a URL as the connection sees them: IDNA host, the scheme's default port."""
    parsed = httpx.URL(url)
    return parsed.raw_host.decode("ascii").lower(), parsed.port or DEFAULT_PORTS.get(parsed.scheme, 80)


def written_private(host: str) -> bool:
    """The host as a [[feed]] url writes it is itself a private address or `localhost`: the user
    chose a private origin explicitly (a public name that resolves to one did not)."""
    host = host.lower().strip("[]")
    if host == "localhost":
        return True
    try:
        return is_private(host)
    except ValueError:
        return False


def refusal(host: str, port: int, addresses: Iterable[str], trusted: tuple[str, int] | None) -> str | None:
    """The first private address a host resolved to, unless host and port are those of the
    configured feed and its url names a private address itself."""
    if trusted is not None and (host.lower(), port) == trusted and written_private(host):
        return None
    return next((a for a in addresses if is_private(a)), None)


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for a host, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _resolve_within(resolve: Resolver, host: str, port: int, seconds: float | None) -> list[str]:
    """Resolve in a helper thread so a DNS server that never answers cannot outlast the deadline."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    answer: dict[str, object] = {}

    def run() -> None:
        try:
            answer["addresses"] = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            answer["error"] = exc

    worker = threading.Thread(target=run, name="dns", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise httpcore.ConnectTimeout(f"no DNS answer for {host}")
    if "error" in answer or not answer.get("addresses"):
        raise httpcore.ConnectError(f"cannot resolve {host} ({answer.get('error', 'no address')})")
    return list(answer["addresses"])  # type: ignore[call-overload]


def _bounded(timeout: float | None, guard: Guard | None, kind: type[Exception]) -> float | None:
    """A socket timeout no longer than the time left to the guard's deadline."""
    left = guard.left(kind) if guard else None
    if left is None:
        return timeout
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the current guard's deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, for no longer than the time left."""
        return self._inner.read(max_bytes, _bounded(timeout, current.get(), httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, for no longer than the time left."""
        self._inner.write(buffer, _bounded(timeout, current.get(), httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the socket."""
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        """TLS handshake (naming the host, not the pinned address), for no longer than the time left."""
        bounded = _bounded(timeout, current.get(), httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str):
        """What httpcore asks of the socket (TLS details, peer address)."""
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Connects to a checked address of the host, within the current guard's deadline."""

    def __init__(self, resolve: Resolver | None = None):
        self.resolve = resolve or system_resolve

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        """Resolve once, refuse private addresses not configured, connect to the checked address."""
        guard = current.get()
        if guard:
            guard.start()
        addresses = _resolve_within(self.resolve, host, port, _bounded(timeout, guard, httpcore.ConnectTimeout))
        private = refusal(host, port, addresses, guard.trusted if guard else None)
        if private is not None:
            raise Refused(host, private)
        error: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(address, port, _bounded(timeout, guard, httpcore.ConnectTimeout),
                                             local_address, socket_options)
                return _DeadlineStream(stream)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")


def transport(connections: int, resolve: Resolver | None = None) -> httpx.HTTPTransport:
    """An httpx transport over GuardedBackend: at most `connections` at once, none kept alive."""
    result = httpx.HTTPTransport(limits=httpx.Limits(max_connections=connections, max_keepalive_connections=0))
    result._pool = httpcore.ConnectionPool(  # httpx offers no public way to choose the network backend
        ssl_context=httpx.create_ssl_context(), max_connections=connections, max_keepalive_connections=0,
        network_backend=GuardedBackend(resolve))
    return result
