"""A real SMTP server (aiosmtpd) on 127.0.0.1 for delivery tests: what it accepted, and a login to check."""
from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from helpers.feeds import free_port


class Sink:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self):
        return [BytesParser(policy=policy.default).parsebytes(e.content) for e in self.envelopes]


def auth(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"digest-user" and auth_data.password == b"s3cret pass"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp():
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=auth, auth_require_tls=False)
    controller.start()
    yield sink, port
    controller.stop()
