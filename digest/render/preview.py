"""Local preview: the email at 600 and 375 px side by side, the plain text and the PDF, live-reloaded."""
from __future__ import annotations

import html as htmlmod
import json
import logging
import threading
import time
import webbrowser
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

from digest.config import Config
from digest.errors import DigestError, RenderError
from digest.jsonio import digest_from_dict
from digest.models import Digest
from digest.render.email import render_html
from digest.render.environment import builtin_dir, user_dir
from digest.render.pdf import render_pdf
from digest.render.text import render_text

log = logging.getLogger(__name__)

EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
POLL_SECONDS = 0.5


def load_digest_dir(digest_dir: Path) -> Digest:
    """The Digest saved in outbox/YYYY-MM-DD/digest.json."""
    path = Path(digest_dir) / "digest.json"
    try:
        return digest_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise RenderError(f"{path}: no digest.json to preview; run `digest build` first "
                          f"or choose another day's folder") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"{path}: not a digest.json written by digest ({exc}); rebuild it") from exc


@dataclass
class Rendered:
    """The current outputs kept in memory (the outbox files are never touched by the preview)."""

    version: int = 0
    html: str = ""
    text: str = ""
    error: str | None = None
    pdf: bytes | None = None
    digest: Digest | None = None
    config: Config | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Preview:
    """Renders a digest and re-renders it whenever the config, templates or digest.json change."""

    def __init__(self, load_config: Callable[[], Config], digest_dir: Path,
                 load_digest: Callable[[Config], Digest] | None = None):
        """Keep how to reload the config and the digest; nothing is rendered yet."""
        self.load_config = load_config
        self.digest_dir = Path(digest_dir)
        self.load_digest = load_digest or (lambda _config: load_digest_dir(self.digest_dir))
        self.state = Rendered()
        self._stamp: tuple = ()
        self._stop = threading.Event()

    def watched(self) -> list[Path]:
        """Files whose change triggers a rebuild."""
        config = self.state.config
        folders = [builtin_dir()] + ([user_dir(config)] if config else [])
        files = [p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()]
        if config and config.file:
            files.append(Path(config.file))
        return files + [self.digest_dir / "digest.json"]

    def _fingerprint(self) -> tuple:
        """Path, mtime and size of every watched file, to detect edits."""
        stamp = []
        for path in sorted(self.watched()):
            try:
                info = path.stat()
                stamp.append((str(path), info.st_mtime_ns, info.st_size))
            except OSError:
                stamp.append((str(path), 0, 0))
        return tuple(stamp)

    def rebuild(self) -> None:
        """Render email and text again; on a user error keep the last good output and show the message."""
        try:
            config = self.load_config()
            digest = self.load_digest(config)
            html, text = render_html(digest, config), render_text(digest, config)
        except DigestError as exc:
            with self.state.lock:
                self.state.error, self.state.version = str(exc), self.state.version + 1
            log.warning("preview: %s", exc)
            return
        with self.state.lock:
            self.state.html, self.state.text, self.state.error = html, text, None
            self.state.digest, self.state.config, self.state.pdf = digest, config, None
            self.state.version += 1
        log.info("preview: rebuilt (version %d)", self.state.version)

    def pdf(self) -> bytes:
        """The PDF of the current version, rendered on first request."""
        with self.state.lock:
            if self.state.pdf is None and self.state.digest is not None:
                self.state.pdf = render_pdf(self.state.digest, self.state.config)
            return self.state.pdf or b""

    def check(self) -> bool:
        """Rebuild when a watched file changed since the last check; True when it did."""
        stamp = self._fingerprint()
        if stamp == self._stamp:
            return False
        self.rebuild()
        self._stamp = self._fingerprint()  # the config may now name another templates folder
        return True

    def watch(self) -> None:
        """Poll the watched files until stop() (run in a thread)."""
        while not self._stop.wait(POLL_SECONDS):
            self.check()

    def stop(self) -> None:
        """Stop the watch loop."""
        self._stop.set()


def page(state: Rendered) -> str:
    """The preview page: two iframes, the text, the PDF link, a reload poller and an overflow probe."""
    title = htmlmod.escape(state.digest.title if state.digest else "digest preview")
    error = f'<p class="error">{htmlmod.escape(state.error)}</p>' if state.error else ""
    frames = "".join(
        f'<figure><figcaption>{w} px <span id="fit-{w}">measuring\u2026</span></figcaption>'
        f'<iframe id="frame-{w}" src="/email.html?v={state.version}" width="{w}" height="900" '
        f'sandbox="allow-same-origin allow-popups" title="email at {w} px"></iframe></figure>'
        for w in (600, 375))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Preview: {title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:16px;background:#f4f5f7;color:#1d2329}}
.row{{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}} figure{{margin:0}}
iframe{{border:1px solid #c9ced6;background:#fff}} pre{{background:#fff;border:1px solid #c9ced6;padding:12px;
max-width:80ch;overflow:auto}} .error{{background:#fde8e8;border:1px solid #d33;padding:8px}}
.bad{{color:#b00;font-weight:bold}} .ok{{color:#07631f}}</style></head>
<body data-version="{state.version}"><h1>{title}</h1>{error}
<p><a href="/digest.pdf" target="_blank">PDF briefing</a> &middot; <a href="/email.html" target="_blank">email
alone</a> &middot; <a href="/digest.txt" target="_blank">plain text</a> &middot; reloads when templates or the
config change</p>
<div class="row">{frames}</div>
<h2>Plain text</h2><pre id="text">{htmlmod.escape(state.text)}</pre>
<script>
function probe(w){{var f=document.getElementById('frame-'+w),d=f.contentDocument,e=d&&d.documentElement;
 if(!e)return;var over=Math.max(0,e.scrollWidth-e.clientWidth),s=document.getElementById('fit-'+w);
 s.textContent=over?'overflows by '+over+' px':'fits';s.className=over?'bad':'ok';
 document.body.setAttribute('data-overflow-'+w,String(over));f.height=Math.max(600,e.scrollHeight+20);}}
[600,375].forEach(function(w){{var f=document.getElementById('frame-'+w);
 f.addEventListener('load',function(){{probe(w);}});probe(w);}});
setInterval(function(){{fetch('/version').then(function(r){{return r.text();}}).then(function(v){{
 if(v!==document.body.getAttribute('data-version'))location.reload();}}).catch(function(){{}});}},1000);
</script></body></html>"""


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one preview."""
    class Handler(BaseHTTPRequestHandler):
        """Serves the preview page and the rendered outputs from memory."""

        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            """Route one GET request."""
            route = self.path.split("?", 1)[0]
            state = preview.state
            try:
                if route == "/":
                    self._send(page(state).encode(), "text/html; charset=utf-8")
                elif route == "/email.html":
                    self._send(state.html.encode(), "text/html; charset=utf-8", csp=EMAIL_CSP)
                elif route == "/digest.txt":
                    self._send(state.text.encode(), "text/plain; charset=utf-8")
                elif route == "/digest.pdf":
                    self._send(preview.pdf(), "application/pdf")
                elif route == "/version":
                    self._send(str(state.version).encode(), "text/plain")
                else:
                    self.send_error(404)
            except DigestError as exc:
                self._send(str(exc).encode(), "text/plain; charset=utf-8", status=500)

        def _send(self, body: bytes, ctype: str, status: int = 200, csp: str | None = None) -> None:
            """Send a complete, uncached response."""
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if csp:
                self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args: Any) -> None:
            """Route access logs to logging (debug) instead of stderr."""
            log.debug("preview: " + fmt, *args)

    return Handler


class PreviewServer:
    """A running preview: HTTP server and file watcher in background threads."""

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 0):
        """Bind the HTTP server now (so the URL is known) and prepare the threads."""
        self.preview = preview
        self.httpd = ThreadingHTTPServer((host, port), _handler(preview))
        self.httpd.daemon_threads = True
        self.threads = [threading.Thread(target=self.httpd.serve_forever, daemon=True),
                        threading.Thread(target=preview.watch, daemon=True)]

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "PreviewServer":
        """Render once, then serve and watch in background threads."""
        self.preview.check()
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and watching."""
        self.preview.stop()
        self.httpd.shutdown()
        self.httpd.server_close()


def start(config: Config | Callable[[], Config], digest_dir: Path, host: str = "127.0.0.1", port: int = 0,
          load_digest: Callable[[Config], Digest] | None = None) -> PreviewServer:
    """Start a preview in the background and return it (tests, `digest preview`)."""
    load_config = config if callable(config) else (lambda: config)
    return PreviewServer(Preview(load_config, digest_dir, load_digest), host, port).start()


def serve(config: Config | Callable[[], Config], digest_dir: Path, host: str = "127.0.0.1", port: int = 0,
          load_digest: Callable[[Config], Digest] | None = None,
          on_ready: Callable[[str], None] = print, open_browser: bool = False) -> None:
    """Serve the preview until interrupted (Ctrl-C); on_ready receives the URL once listening."""
    server = start(config, digest_dir, host, port, load_digest)
    on_ready(server.url)
    if open_browser:
        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
