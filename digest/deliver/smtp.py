"""Mail a built digest's .eml over SMTP; mark it delivered only once the server accepted it.

Which digests: the one asked for, else every digest not yet delivered that was
built in the last `[smtp] retry_days` days, oldest first, so a delivery that
failed yesterday is retried today. The password comes from the environment
variable named by `[smtp] password_env`, never from digest.toml.
"""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from digest.config import Config
from digest.errors import ConfigError, DeliveryError
from digest.models import utcnow
from digest.store import digests
from digest.store.corpus import Corpus

log = logging.getLogger(__name__)

EML_NAME = "digest.eml"


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect, read from [smtp]."""

    host: str
    port: int
    security: str
    username: str
    password: str | None
    timeout: float

    def describe(self) -> str:
        """One line for logs and --dry-run (never the password)."""
        who = f" as {self.username}" if self.username else ""
        return f"{self.host}:{self.port} ({self.security}){who}"


@dataclass
class DeliveryReport:
    """What a delivery did: digests sent, failures (digest id, reason), dry-run previews."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    previews: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        """Numbers for the run log and `digest status`."""
        return {"sent": len(self.sent), "failed": len(self.failed), "would_send": len(self.previews)}


def smtp_settings(config: Config, need_password: bool = True) -> SmtpSettings:
    """Read and check [smtp]; the password comes from the environment variable it names."""
    section = config.settings.smtp
    security, port = section.security.lower(), section.port
    username, env = section.username, section.password_env
    password = os.environ.get(env) if env else None
    if username and not password and need_password:
        raise ConfigError(f"[smtp] username = {username!r} needs a password in the environment variable "
                          f"{env or '(none named)'}; run `export {env or 'DIGEST_SMTP_PASSWORD'}=...` "
                          "first, or set [smtp] password_env")
    return SmtpSettings(host=section.host, port=port, security=security,
                        username=username, password=password, timeout=section.timeout)


def load_message(outdir: Path, recipients: list[str]) -> EmailMessage:
    """Read a digest's .eml and address it to the current recipients."""
    path = Path(outdir) / EML_NAME
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeliveryError(f"{path}: cannot read the digest email ({exc.strerror or exc}); "
                            "rebuild it with `digest build --again --date DAY`") from exc
    msg = BytesParser(policy=policy.default).parsebytes(data)
    if msg.get("Subject") is None:
        raise DeliveryError(f"{path}: not a digest email (no Subject header); rebuild it with `digest build --again`")
    del msg["To"]
    msg["To"] = ", ".join(recipients)
    return msg


def pending(corpus: Corpus, config: Config, digest_id: str | None = None) -> list[tuple[str, Path]]:
    """The digests to send: the one named, else the undelivered recent ones, oldest first."""
    if digest_id:
        row = digests.one(corpus, digest_id)
        if not row:
            recent = [r["id"] for r in digests.recent(corpus)]
            raise DeliveryError(f"no digest {digest_id!r} in the corpus; recent ones: {', '.join(recent) or 'none'}")
        return [(row["id"], Path(row["outdir"]))]
    days = config.settings.smtp.retry_days
    since = (utcnow() - timedelta(days=days)).isoformat()
    return [(r["id"], Path(r["outdir"])) for r in digests.undelivered(corpus, since)]


def unconfirmed(corpus: Corpus) -> list[tuple[str, str]]:
    """(digest id, when sending began) of digests whose sending began but whose end was never recorded:
    the process was killed while the server may already have taken the mail, so they are never resent
    on their own (no silent double send); `digest status` lists them and `send --digest ID` resends."""
    return [(r["id"], r["attempted_at"]) for r in digests.unconfirmed(corpus)]


def unconfirmed_warning(digest_id: str, attempted_at: str) -> str:
    """What to tell the user about one unconfirmed delivery."""
    return (f"digest {digest_id}: unconfirmed delivery: sending began at {attempted_at} but the process "
            "stopped before the server's answer was recorded, so it may have arrived; it is not resent "
            f"automatically. Check the recipients' mailbox, then `digest send --digest {digest_id}` to resend.")


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    """Open an SMTP session with the configured security, logged in when a username is set."""
    context = ssl.create_default_context()
    if settings.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password or "")
    except BaseException:
        client.close()
        raise
    return client


def _reason(exc: Exception, settings: SmtpSettings) -> str:
    """A delivery failure in words, with the setting to check."""
    where = settings.describe()
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "AUTH" in str(exc):
        return (f"{where}: the server offers no login (AUTH); leave [smtp] username empty, or use "
                "security = \"starttls\" or \"ssl\" if it only allows login over TLS")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (f"{where}: the server does not offer STARTTLS; set [smtp] security = \"ssl\" (port 465), "
                "or \"none\" for a trusted local relay")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{where}: login refused ({exc.smtp_code}); check [smtp] username and the password variable"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{where}: every recipient was refused ({', '.join(exc.recipients)}); check [email] to"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where}: the server answered {exc.smtp_code} {exc.smtp_error.decode('utf-8', 'replace')}"
    if isinstance(exc, ssl.SSLError):
        return f"{where}: TLS failed ({exc}); check [smtp] security and port"
    if isinstance(exc, OSError):
        return f"{where}: cannot connect ({exc.strerror or exc}); check [smtp] host and port"
    return f"{where}: {type(exc).__name__}: {exc}"


def transmit(settings: SmtpSettings, msg: EmailMessage, sender: str, recipients: list[str]) -> list[str]:
    """Send one message; return the recipients the server refused (others got it)."""
    try:
        client = _connect(settings)
        try:
            refused = client.send_message(msg, from_addr=sender, to_addrs=recipients)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(_reason(exc, settings)) from exc
    return sorted(refused)


def preview(digest_id: str, msg: EmailMessage, sender: str, recipients: list[str], settings: SmtpSettings) -> str:
    """What --dry-run prints for one digest."""
    parts = []
    for part in msg.walk():
        if not part.is_multipart():
            name = part.get_filename()
            parts.append(part.get_content_type() + (f" ({name})" if name else ""))
    size = len(msg.as_bytes())
    return (f"digest {digest_id}: would send {size / 1024:.0f} KB via {settings.describe()}\n"
            f"  From: {msg.get('From', sender)} (envelope {sender})\n  To: {', '.join(recipients)}\n"
            f"  Subject: {msg.get('Subject', '')}\n  Parts: {', '.join(parts)}")


def send_digest(config: Config, corpus: Corpus, digest_id: str | None = None,
                dry_run: bool = False) -> DeliveryReport:
    """Mail the digest(s) due; a failure is reported and leaves delivered_at empty for the next run."""
    report = DeliveryReport(dry_run=dry_run)
    settings = smtp_settings(config, need_password=not dry_run)
    mail = config.mail_addresses()
    sender, recipients = mail.envelope_from, list(mail.envelope_to)
    todo = pending(corpus, config, digest_id)
    if not todo:
        log.info("deliver: no undelivered digest")
    if not digest_id:
        for ident, began in unconfirmed(corpus):
            report.warnings.append(unconfirmed_warning(ident, began))
            log.warning("deliver: %s", report.warnings[-1])
    for ident, outdir in todo:
        try:
            msg = load_message(outdir, recipients)
            if dry_run:
                report.previews.append(preview(ident, msg, sender, recipients, settings))
                continue
            digests.mark_attempt(corpus, ident, began=True)
            refused = transmit(settings, msg, sender, recipients)
        except DeliveryError as exc:
            log.error("deliver: digest %s not sent: %s", ident, exc)
            report.failed.append((ident, str(exc)))
            if not dry_run:
                digests.mark_attempt(corpus, ident, began=False)  # the server said no, or was never reached
            continue
        if refused:
            report.warnings.append(f"digest {ident}: refused recipients {', '.join(refused)}")
            log.warning("deliver: digest %s: the server refused %s", ident, ", ".join(refused))
        digests.mark_delivered(corpus, ident)
        report.sent.append(ident)
        log.info("deliver: digest %s sent to %s via %s", ident, ", ".join(recipients), settings.describe())
    return report


__all__ = ["DeliveryReport", "SmtpSettings", "load_message", "pending", "send_digest",
           "smtp_settings", "transmit", "unconfirmed", "unconfirmed_warning"]
