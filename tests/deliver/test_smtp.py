"""SMTP delivery against a real aiosmtpd server on 127.0.0.1: what arrives, and what a failure leaves."""
from __future__ import annotations

import shutil
import ssl
import subprocess
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from helpers.feeds import free_port
from helpers.smtp import Sink, auth

from digest import config as config_mod
from digest.deliver import smtp as deliver
from digest.errors import ConfigError
from digest.store import workspace

PDF = b"%PDF-1.4\n% a tiny stand-in for the briefing\n%%EOF\n"


def make_config(tmp_path, port, **smtp_options):
    smtp_settings = {"host": "127.0.0.1", "port": port, "security": "none"}
    smtp_settings.update(smtp_options)
    return config_mod.from_mapping({
        "smtp": smtp_settings,
        "email": {"from": "Morning Digest <digest@example.test>", "to": ["ana@example.test", "Bo <bo@example.test>"]},
    }, tmp_path)


def write_digest(config, digest_id: str, attach: bool = False, built_at: datetime | None = None) -> Path:
    """Record a digest row with a real .eml (text + HTML, PDF attached when asked)."""
    outdir = config.path("outbox") / digest_id
    outdir.mkdir(parents=True)
    msg = EmailMessage()
    msg["Subject"] = f"Morning Digest: {digest_id}"
    msg["From"] = "Morning Digest <digest@example.test>"
    msg["To"] = "old-address@example.test"
    msg["Message-ID"] = f"<digest.{digest_id}@example.test>"
    msg.set_content("Ferry gets a night crossing.\n", charset="utf-8")
    msg.add_alternative("<html><body><h1>Ferry gets a night crossing</h1></body></html>", subtype="html")
    if attach:
        msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"digest-{digest_id}.pdf")
    (outdir / "digest.eml").write_bytes(msg.as_bytes())
    built = (built_at or datetime.now(timezone.utc)).isoformat()
    with workspace.open_corpus(config) as corpus, corpus.transaction() as db:
        db.execute("INSERT INTO digests (id, date, built_at, outdir, json) VALUES (?, ?, ?, ?, '{}')",
                   (digest_id, digest_id[:10], built, str(outdir)))
    return outdir


def delivered_at(config, digest_id):
    with workspace.open_corpus(config) as corpus:
        return corpus.db.execute("SELECT delivered_at FROM digests WHERE id = ?", (digest_id,)).fetchone()[0]


def send(config, **kwargs):
    with workspace.open_corpus(config) as corpus:
        return deliver.send_digest(config, corpus, **kwargs)


def test_sends_both_parts_and_the_attachment(tmp_path, smtp):
    sink, port = smtp
    config = make_config(tmp_path, port)
    write_digest(config, "2026-11-04", attach=True)
    report = send(config)
    assert report.sent == ["2026-11-04"] and report.failed == []
    envelope = sink.envelopes[0]
    assert envelope.mail_from == "digest@example.test"
    assert envelope.rcpt_tos == ["ana@example.test", "bo@example.test"]
    msg = sink.messages()[0]
    assert msg["Subject"] == "Morning Digest: 2026-11-04" and msg["To"] == "ana@example.test, bo@example.test"
    assert msg["Message-ID"] == "<digest.2026-11-04@example.test>"
    assert msg.get_body(("plain",)).get_content().strip() == "Ferry gets a night crossing."
    assert "<h1>Ferry gets a night crossing</h1>" in msg.get_body(("html",)).get_content()
    pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdfs[0].get_filename() == "digest-2026-11-04.pdf" and pdfs[0].get_content() == PDF
    assert delivered_at(config, "2026-11-04")


def test_no_attachment_when_not_configured(tmp_path, smtp):
    sink, port = smtp
    config = make_config(tmp_path, port)
    write_digest(config, "2026-11-04", attach=False)
    send(config)
    assert list(sink.messages()[0].iter_attachments()) == []


def test_login_with_password_from_environment(tmp_path, smtp, monkeypatch):
    sink, port = smtp
    config = make_config(tmp_path, port, username="digest-user", password_env="TEST_DIGEST_PW")
    write_digest(config, "2026-11-04")
    monkeypatch.delenv("TEST_DIGEST_PW", raising=False)
    with pytest.raises(ConfigError, match="TEST_DIGEST_PW"):
        send(config)
    monkeypatch.setenv("TEST_DIGEST_PW", "wrong")
    report = send(config)
    assert "login refused" in report.failed[0][1] and delivered_at(config, "2026-11-04") is None
    monkeypatch.setenv("TEST_DIGEST_PW", "s3cret pass")
    assert send(config).sent == ["2026-11-04"] and len(sink.envelopes) == 1


def test_failed_delivery_is_retried_next_run(tmp_path, smtp):
    sink, port = smtp
    down = make_config(tmp_path, free_port())  # nothing listens there
    write_digest(down, "2026-11-03", built_at=datetime.now(timezone.utc) - timedelta(days=1))
    report = send(down)
    assert report.sent == [] and "cannot connect" in report.failed[0][1] and "[smtp] host" in report.failed[0][1]
    assert delivered_at(down, "2026-11-03") is None
    up = make_config(tmp_path, port)
    write_digest(up, "2026-11-04")
    assert send(up).sent == ["2026-11-03", "2026-11-04"]
    assert send(up).sent == [] and len(sink.envelopes) == 2
    assert send(up, digest_id="2026-11-03").sent == ["2026-11-03"]  # an explicit id is sent again


def test_old_undelivered_digests_are_not_mailed(tmp_path, smtp):
    sink, port = smtp
    config = make_config(tmp_path, port)
    write_digest(config, "2026-10-01", built_at=datetime.now(timezone.utc) - timedelta(days=30))
    assert send(config).sent == [] and sink.envelopes == []


def test_dry_run_sends_nothing(tmp_path, smtp):
    sink, port = smtp
    config = make_config(tmp_path, port, username="digest-user", password_env="TEST_DIGEST_PW_UNSET")
    write_digest(config, "2026-11-04", attach=True)
    report = send(config, dry_run=True)
    assert sink.envelopes == [] and delivered_at(config, "2026-11-04") is None
    text = report.previews[0]
    assert "Subject: Morning Digest: 2026-11-04" in text and "application/pdf (digest-2026-11-04.pdf)" in text
    assert "To: ana@example.test, bo@example.test" in text and "text/html" in text


def test_starttls_refused_by_a_plain_server(tmp_path, smtp):
    sink, port = smtp
    config = make_config(tmp_path, port, security="starttls")
    write_digest(config, "2026-11-04")
    report = send(config)
    assert "does not offer STARTTLS" in report.failed[0][1] and delivered_at(config, "2026-11-04") is None


def test_missing_eml_and_unknown_digest(tmp_path, smtp):
    sink, port = smtp
    config = make_config(tmp_path, port)
    outdir = write_digest(config, "2026-11-04")
    (outdir / "digest.eml").unlink()
    assert "cannot read the digest email" in send(config).failed[0][1]
    with pytest.raises(Exception, match="no digest 'nope'"):
        send(config, digest_id="nope")
    with pytest.raises(ConfigError, match="security"):
        send(make_config(tmp_path, port, security="tls"))


@pytest.fixture
def tls_files(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_delivery(tmp_path, tls_files, monkeypatch, security):
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink, port = Sink(), free_port()
    extra = {"tls_context": context, "require_starttls": True} if security == "starttls" else {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=auth, **extra)
    controller.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate, verification stays on
        monkeypatch.setenv("TEST_DIGEST_PW", "s3cret pass")
        config = make_config(tmp_path, port, security=security, username="digest-user",
                             password_env="TEST_DIGEST_PW")
        write_digest(config, "2026-11-04")
        assert send(config).sent == ["2026-11-04"]
        assert sink.messages()[0]["Subject"] == "Morning Digest: 2026-11-04"
    finally:
        controller.stop()


def test_send_command(tmp_path, smtp):
    from click.testing import CliRunner

    from digest.cli.main import cli

    sink, port = smtp
    config = make_config(tmp_path, port)
    config_file = tmp_path / "digest.toml"
    config_file.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                           '[email]\nfrom = "digest@example.test"\nto = ["ana@example.test"]\n')
    write_digest(config, "2026-11-04", attach=True)
    runner = CliRunner()
    dry = runner.invoke(cli, ["--config", str(config_file), "send", "--dry-run"])
    assert dry.exit_code == 0 and "would send" in dry.output and sink.envelopes == []
    sent = runner.invoke(cli, ["--config", str(config_file), "send"])
    assert sent.exit_code == 0 and "sent digest 2026-11-04" in sent.output and len(sink.envelopes) == 1
    assert "nothing to send" in runner.invoke(cli, ["--config", str(config_file), "send"]).output
    config_file.write_text(config_file.read_text().replace(f"port = {port}", f"port = {free_port()}"))
    failed = runner.invoke(cli, ["--config", str(config_file), "send", "--digest", "2026-11-04"])
    assert failed.exit_code == 1 and "cannot connect" in failed.output


def test_built_digest_is_delivered(tmp_path, smtp):
    """End to end: feed entries -> digest.build.build (real render) -> SMTP."""
    build = pytest.importorskip("digest.build")
    from helpers.feeds import FeedServer, static

    from digest.ingest import feeds

    sink, port = smtp
    with FeedServer() as server:
        server.routes.update({"/rss2.xml": static("rss2.xml"), "/atom.xml": static("atom.xml")})
        config = config_mod.from_mapping({
            "smtp": {"host": "127.0.0.1", "port": port, "security": "none"},
            "email": {"from": "digest@example.test", "to": ["ana@example.test"], "attach_pdf": True},
            "feed": [{"url": server.url("/rss2.xml")}, {"url": server.url("/atom.xml")}],
            "feeds": {"max_age_days": 0},
        }, tmp_path)
        with workspace.open_corpus(config) as corpus:
            assert feeds.fetch_all(config, corpus).counts()["added"] == 4
            result = build.build(config, corpus)
            report = deliver.send_digest(config, corpus)
    assert report.sent == [result.digest_id]
    msg = sink.messages()[0]
    assert "Ferry" in msg.get_body(("plain",)).get_content()
    assert msg.get_body(("html",)).get_content().lstrip().lower().startswith(("<!doctype", "<html"))
    assert [p.get_content_type() for p in msg.iter_attachments()] == ["application/pdf"]
    assert delivered_at(config, result.digest_id)
