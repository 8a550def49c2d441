"""HTTP for feeds and linked articles: limits, redirects, private addresses, Retry-After.

Every request has a timeout and a size limit (feedparser has no timeout of its own,
so it never fetches: it parses the bytes read here), a clear User-Agent, and follows
redirects by hand so that a permanent move (301, 308) is noticed and remembered.
Links found inside a feed may be refused when they point to a private address.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Mapping
from urllib.parse import urljoin, urlsplit

import httpx

from digest.errors import InputError
from digest.models import utcnow

REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
MAX_REDIRECTS = 5
RETRY_AFTER_MAX = timedelta(hours=24)


def _version() -> str:
    """The installed digest version, for the User-Agent."""
    try:
        return metadata.version("digest")
    except metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"digest/{_version()} (daily news digest; feed reader; python-httpx)"


@dataclass(frozen=True)
class Limits:
    """The [feeds] settings every request obeys."""

    timeout: float
    max_bytes: int
    concurrency: int
    min_chars: int
    max_age_days: float = 0  # 0: entries of any age are taken


@dataclass(frozen=True)
class Fetched:
    """One HTTP response read within the limits."""

    status: int
    url: str
    headers: Mapping[str, str]
    body: bytes
    moved_to: str | None = None


def make_client(limits: Limits) -> httpx.Client:
    """An HTTP client with the User-Agent and timeouts; redirects are followed by hand."""
    return httpx.Client(
        timeout=httpx.Timeout(limits.timeout), follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=limits.concurrency * 2),
    )


def _read_limited(response: httpx.Response, url: str, limits: Limits, deadline: float) -> bytes:
    """Read a body, refusing it once it passes max_bytes or the overall deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise InputError(url, f"response is {int(declared) / 1e6:.1f} MB, over the "
                              f"{limits.max_bytes / 1e6:.0f} MB limit ([feeds] max_mb)")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise InputError(url, f"response passed the {limits.max_bytes / 1e6:.0f} MB limit "
                                  "([feeds] max_mb); raise it if the feed is really that large")
        if time.monotonic() > deadline:
            raise InputError(url, f"response took over {limits.timeout:g} s ([feeds] timeout)")
        chunks.append(chunk)
    return b"".join(chunks)


def private_host(url: str) -> str | None:
    """The host of url when it is (or resolves to) a loopback, private or link-local address."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None  # unresolvable: the request itself will fail with a clear error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return host
    return None


def http_get(client: httpx.Client, url: str, limits: Limits, headers: Mapping[str, str] | None = None,
             allow_private: bool = True) -> Fetched:
    """GET a URL within the limits, following redirects and noting a permanent move."""
    deadline = time.monotonic() + limits.timeout
    moved_to, permanent = None, True
    for _hop in range(MAX_REDIRECTS + 1):
        if not allow_private and private_host(url):
            raise InputError(url, "refused: a link found in a feed points to a private or local address")
        try:
            with client.stream("GET", url, headers=dict(headers or {})) as response:
                target = response.headers.get("location")
                if response.status_code in REDIRECTS and target:
                    url = urljoin(url, target.strip())
                    if urlsplit(url).scheme not in ("http", "https"):
                        raise InputError(url, "redirected to a non-HTTP address")
                    permanent = permanent and response.status_code in PERMANENT
                    moved_to = url if permanent else moved_to
                    continue
                body = _read_limited(response, url, limits, deadline) if response.status_code == 200 else b""
                return Fetched(response.status_code, url, dict(response.headers), body, moved_to)
        except httpx.TimeoutException as exc:
            raise InputError(url, f"no answer within {limits.timeout:g} s ([feeds] timeout)") from exc
        except httpx.HTTPError as exc:
            raise InputError(url, f"cannot fetch ({type(exc).__name__}: {exc})") from exc
    raise InputError(url, f"more than {MAX_REDIRECTS} redirects")


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> timedelta | None:
    """A Retry-After header (seconds or an HTTP date), capped at RETRY_AFTER_MAX, if the server sent one."""
    value = {k.lower(): v for k, v in headers.items()}.get("retry-after", "").strip()
    if value.isdigit():
        wait = timedelta(seconds=int(value))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        wait = when - (now or utcnow())
    return min(max(wait, timedelta(0)), RETRY_AFTER_MAX)
