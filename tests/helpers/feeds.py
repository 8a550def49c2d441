"""A real HTTP server on 127.0.0.1 for the feed tests: routes serve files, 304s, redirects, errors, slowness."""
from __future__ import annotations

import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from helpers.paths import DATA

FEEDS_DATA = DATA / "feeds"

Route = Callable[[BaseHTTPRequestHandler, "FeedServer"], None]


def free_port() -> int:
    """A port nobody listens on right now (aiosmtpd cannot take port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def send(handler: BaseHTTPRequestHandler, code: int, body: bytes = b"", headers: dict | None = None) -> None:
    """Write one complete response."""
    handler.send_response(code)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def static(name: str, ctype: str = "application/rss+xml", etag: str | None = None,
           last_modified: str | None = None) -> Route:
    """Serve a file of tests/data/feeds ({base} replaced), answering 304 to matching validators."""
    def route(handler, server):
        if etag and handler.headers.get("If-None-Match") == etag:
            return send(handler, 304, headers={"ETag": etag})
        if last_modified and handler.headers.get("If-Modified-Since") == last_modified:
            return send(handler, 304)
        body = (FEEDS_DATA / name).read_bytes().replace(b"{base}", server.base.encode())
        headers = {"Content-Type": ctype}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        send(handler, 200, body, headers)
    return route


def body(data: bytes, ctype: str = "application/rss+xml", code: int = 200) -> Route:
    """Serve fixed bytes."""
    return lambda handler, server: send(handler, code, data, {"Content-Type": ctype})


def redirect(code: int, location: str) -> Route:
    """Answer with a redirect to another path of this server."""
    return lambda handler, server: send(handler, code, headers={"Location": location})


def status(code: int, headers: dict | None = None) -> Route:
    """Answer with a bare status."""
    return lambda handler, server: send(handler, code, b"error\n", headers)


def slow(seconds: float, then: Route) -> Route:
    """Wait before answering (a server that hangs)."""
    def route(handler, server):
        time.sleep(seconds)
        then(handler, server)
    return route


def trickle(seconds: float, step: float = 0.2) -> Route:
    """Send headers at once, then a byte every `step` seconds: never idle long enough for a read timeout."""
    def route(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(step)
        except OSError:
            pass
    return route


def trickle_headers(seconds: float, step: float = 1.0) -> Route:
    """Send the status line, then one header line every `step` seconds, then a valid feed: no read is ever idle."""
    def route(handler, server):
        feed = (FEEDS_DATA / "rss2.xml").read_bytes()
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
            handler.wfile.flush()
            end, n = time.monotonic() + seconds, 0
            while time.monotonic() < end:
                time.sleep(step)
                n += 1
                handler.wfile.write(f"X-Slow-{n}: {n}\r\n".encode())
                handler.wfile.flush()
            handler.wfile.write(f"Content-Length: {len(feed)}\r\n\r\n".encode() + feed)
        except OSError:
            pass
        handler.close_connection = True
    return route


def teaser_feed(count: int) -> Route:
    """An RSS feed of `count` one-line teasers, entry n linking to /page/n.html on this server (ETag "t1")."""
    def route(handler, server):
        if handler.headers.get("If-None-Match") == '"t1"':
            return send(handler, 304, headers={"ETag": '"t1"'})
        items = "".join(
            f"<item><title>Harbour report number {n}</title><link>{server.base}/page/{n}.html</link>"
            f"<guid>teaser-{n}</guid><description>Teaser {n}... Read more</description></item>"
            for n in range(count))
        send(handler, 200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>'
                            f"{items}</channel></rss>".encode(), {"Content-Type": "application/rss+xml", "ETag": '"t1"'})
    return route


def article_page(n: int) -> bytes:
    """An article page whose main text is long enough to replace a teaser."""
    text = (f"<p>Report {n}: the harbour board met on Monday to discuss the dredging of berth {n}, which has "
            "silted up since the spring floods and now limits the draught of visiting cargo ships.</p>"
            f"<p>The board agreed to ask three contractors for prices before the end of month {n % 12 + 1}, "
            "and said the work would be paid from the reserve fund rather than from higher port dues.</p>")
    return (f"<!DOCTYPE html><html><head><title>Report {n}</title></head><body><article>"
            f"<h1>Harbour report number {n}</h1>{text}</article></body></html>").encode()


def huge(megabytes: int, declare_length: bool) -> Route:
    """A response larger than the limit, with or without Content-Length."""
    def route(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        if declare_length:
            handler.send_header("Content-Length", str(megabytes * 1024 * 1024))
        handler.end_headers()
        chunk = b"<!-- padding -->" * 4096
        try:
            for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                handler.wfile.write(chunk)
        except OSError:
            pass
        handler.close_connection = True
    return route


class _QuietServer(ThreadingHTTPServer):
    """Does not print a traceback when a client that gave up closed the connection first."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FeedServer:
    """ThreadingHTTPServer on 127.0.0.1 (or another loopback address) with a route table and a log of requests."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                outer.requests.append((self.path, dict(self.headers)))
                route = outer.routes.get(self.path)
                if route is None:
                    return send(self, 404, b"not found\n")
                route(self, outer)

            def log_message(self, *args):
                pass

        self.httpd = _QuietServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base + path

    def hits(self, path: str) -> list[dict]:
        """Request headers of every GET of a path."""
        return [headers for p, headers in self.requests if p == path]

    def __enter__(self) -> "FeedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
