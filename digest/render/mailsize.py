"""The size of an email's HTML part as sent: after the transfer encoding its message will use.

Clients clip on the message as it arrives (Gmail near 102 KB), and quoted-printable adds
several per cent to HTML full of inline styles (every "=" becomes "=3D", long lines are
folded), so [email] max_html_kb is checked on the encoded part, encoded as build_message does.
"""
from __future__ import annotations

from email.message import EmailMessage


def sent_size(html: str) -> int:
    """Bytes of the HTML part's body on the wire: encoded as in build_message, lines ending in CRLF."""
    part = EmailMessage()
    part.set_content(html, subtype="html", charset="utf-8")
    payload = part.get_payload()
    return len(payload.encode("ascii", "replace")) + payload.count("\n")


__all__ = ["sent_size"]
