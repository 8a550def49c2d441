"""HTTP for feeds and linked articles: limits, redirects, private addresses, Retry-After.

Every request has a size limit, a clear User-Agent and one deadline for the whole of it
(connect, headers, body, every redirect hop: [feeds] timeout, and never past the end of
the fetch round, [feeds] round_timeout). feedparser has no timeout of its own, so it never
fetches: it parses the bytes read here. Redirects are followed by hand so that a permanent
move (301, 308) is noticed and remembered. Every hop connects through netguard: a private
or local address is refused unless it is the host and port the user configured the feed on,
written as a private address (netguard.written_private).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Mapping
from urllib.parse import urljoin, urlsplit

import httpx

from digest import __version__
from digest.errors import InputError
from digest.models import utcnow
from digest.sources import netguard

REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
MAX_REDIRECTS = 5
RETRY_AFTER_MAX = timedelta(hours=24)


USER_AGENT = f"digest/{__version__} (daily news digest; feed reader; python-httpx)"


@dataclass(frozen=True)
class Limits:
    """The [feeds] settings every request obeys."""

    timeout: float
    max_bytes: int
    concurrency: int
    min_chars: int
    max_age_days: float = 0  # 0: entries of any age are taken
    round_timeout: float = 0  # seconds a whole fetch round may take; 0: no round deadline
    max_pages: int = 0  # full-article pages per feed per round; 0: no cap
    deadline: float | None = None  # time.monotonic() at which this fetch round ends (set by fetch_all)


@dataclass(frozen=True)
class Fetched:
    """One HTTP response read within the limits."""

    status: int
    url: str
    headers: Mapping[str, str]
    body: bytes
    moved_to: str | None = None


def make_client(limits: Limits, resolve: netguard.Resolver | None = None) -> httpx.Client:
    """An HTTP client with the User-Agent whose connections are checked and pinned by netguard.

    Proxies named in the environment are not used: the address checks need the connection.
    """
    return httpx.Client(
        transport=netguard.transport(limits.concurrency, resolve), timeout=httpx.Timeout(limits.timeout),
        follow_redirects=False, headers={"User-Agent": USER_AGENT},
    )


def _read_limited(response: httpx.Response, url: str, limits: Limits) -> bytes:
    """Read a body, refusing it once it passes max_bytes (the guard's deadline ends slow bodies)."""
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
        chunks.append(chunk)
    return b"".join(chunks)


def round_over(limits: Limits) -> bool:
    """True once the fetch round's deadline ([feeds] round_timeout) has passed."""
    return limits.deadline is not None and time.monotonic() >= limits.deadline


def late_reason(limits: Limits) -> str:
    """Why a feed or page was left for the next run."""
    return (f"not done within the fetch round's {limits.round_timeout:g} s ([feeds] round_timeout); "
            "tried again at the next run")


def http_get(client: httpx.Client, url: str, limits: Limits, headers: Mapping[str, str] | None = None,
             trusted: str | None = None) -> Fetched:
    """GET a URL within the limits, following redirects; only `trusted` (the configured feed) may be private."""
    guard = netguard.Guard(limits.timeout, limits.deadline, netguard.origin(trusted) if trusted else None)
    token = netguard.current.set(guard)
    try:
        if guard.round_over():
            raise InputError(url, late_reason(limits))
        return _follow(client, url, limits, dict(headers or {}), guard)
    finally:
        netguard.current.reset(token)


def _follow(client: httpx.Client, url: str, limits: Limits, headers: dict[str, str],
            guard: netguard.Guard) -> Fetched:
    """The redirect loop of http_get, with httpx and netguard failures turned into InputErrors."""
    start, moved_to, permanent = url, None, True
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            pool_wait = guard.left(httpx.PoolTimeout) if limits.deadline else limits.timeout
            with client.stream("GET", url, headers=headers,
                               timeout=httpx.Timeout(limits.timeout, pool=pool_wait)) as response:
                target = response.headers.get("location")
                if response.status_code in REDIRECTS and target:
                    url = urljoin(url, target.strip())
                    if urlsplit(url).scheme not in ("http", "https"):
                        raise InputError(url, "redirected to a non-HTTP address")
                    permanent = permanent and response.status_code in PERMANENT
                    moved_to = url if permanent else moved_to
                    continue
                body = _read_limited(response, url, limits) if response.status_code == 200 else b""
                return Fetched(response.status_code, url, dict(response.headers), body, moved_to)
        except netguard.Refused as exc:
            raise InputError(url, _refused_reason(start, url, exc)) from exc
        except httpx.TimeoutException as exc:
            if guard.round_over():
                raise InputError(url, late_reason(limits)) from exc
            raise InputError(url, f"no complete answer within {limits.timeout:g} s ([feeds] timeout)") from exc
        except httpx.HTTPError as exc:
            raise InputError(url, f"cannot fetch ({type(exc).__name__}: {exc})") from exc
    raise InputError(url, f"more than {MAX_REDIRECTS} redirects")


def _refused_reason(start: str, url: str, exc: netguard.Refused) -> str:
    """Say which hop was refused and how to fix it if the address really is wanted."""
    where = f"{start} redirected to {url}" if url != start else f"{url}"
    return (f"refused: {where}, a private or local address ({exc.address}); nothing was fetched from it. "
            "Only the host and port a [[feed]] url names may be private; if the feed really lives there, "
            "change its [[feed]] url in digest.toml to that address")


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
