"""A PostgreSQL corpus behind a password (issue 16): the password comes from the variable named by
[paths] corpus_password_env, or, when none is named, from libpq's own PGPASSWORD; never from the file."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import psycopg
import pytest

from digest import config as config_mod
from digest.errors import ConfigError
from digest.store import workspace

ROLE, SECRET = "digest_pw", "s3cret-Pw"


def _require_password(server) -> None:
    """Make the throwaway server ask ROLE for its password on the socket (other users stay trusted)."""
    server.admin.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{SECRET}'")
    hba = server.data / "pg_hba.conf"
    hba.write_text(f"local all {ROLE} scram-sha-256\n" + hba.read_text())
    server.admin.execute("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the reload is a signal: wait until it took effect
        try:
            psycopg.connect(server.url("postgres").replace("digest@", f"{ROLE}@", 1), password="").close()
        except psycopg.OperationalError:
            return
        time.sleep(0.1)
    raise AssertionError("the server did not start asking for the password")


def test_the_password_comes_from_the_named_variable_or_from_pgpassword(pg_server, tmp_path, monkeypatch):
    _require_password(pg_server)
    url = pg_server.fresh_database()
    name = urlsplit(url).path.lstrip("/")
    pg_server.admin.execute(f"ALTER DATABASE {name} OWNER TO {ROLE}")
    url = url.replace("digest@", f"{ROLE}@", 1)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    named = config_mod.from_mapping({"paths": {"corpus": url, "corpus_password_env": "DIGEST_TEST_PW"}}, tmp_path)
    plain = config_mod.from_mapping({"paths": {"corpus": url}}, tmp_path)

    monkeypatch.setenv("DIGEST_TEST_PW", "wrong")
    with pytest.raises(ConfigError, match="cannot connect to PostgreSQL") as caught:
        workspace.open_corpus(named)
    assert "wrong" not in str(caught.value)
    monkeypatch.setenv("DIGEST_TEST_PW", SECRET)
    with workspace.open_corpus(named) as corpus:  # creates the tables as the role
        assert corpus.db.execute("SELECT current_user").fetchone()[0] == ROLE

    with pytest.raises(ConfigError, match="cannot connect to PostgreSQL"):
        workspace.open_corpus(plain)  # no variable named, no PGPASSWORD, no ~/.pgpass
    monkeypatch.setenv("PGPASSWORD", SECRET)
    with workspace.open_corpus(plain) as corpus:
        assert corpus.schema_version() > 0
