"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, listening on a unix
socket there only, stopped and deleted at the end of the session; one fresh database per test."""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

USER = "digest"  # the server's superuser (initdb -U), who owns every test database
BIN_GLOBS = ("/usr/lib/postgresql/*/bin",)


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(itertools.chain.from_iterable(glob.glob(g) for g in BIN_GLOBS), reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _as_owner(owner: str | None) -> list[str]:
    """Command prefix running a server binary as `owner` (initdb and postgres refuse to run as root)."""
    return ["runuser", "-u", owner, "--"] if owner else []


def _owner() -> str | None:
    """The account the server runs as: the current one, or Debian's `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise RuntimeError("running as root and no `postgres` account to run the server as "
                           "(install Debian's postgresql package: scripts/system-deps.sh test)") from exc
    return "postgres"


class Server:
    """One PostgreSQL server in a temporary folder, reached through its unix socket."""

    def __init__(self, bindir: Path, shared_buffers: str = "128MB"):
        """`shared_buffers`: the server's page cache (PostgreSQL's default 128MB suits the tests)."""
        self.bindir = bindir
        self.owner = _owner()
        self.root = Path(tempfile.mkdtemp(prefix="digest-pg-"))
        self.data = self.root / "data"
        self.counter = itertools.count(1)
        if self.owner:
            shutil.chown(self.root, user=self.owner)
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = (f"-k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   f"-c full_page_writes=off -c max_connections=200 -c shared_buffers={shared_buffers}")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self.admin = psycopg.connect(self.url("postgres"), autocommit=True)

    def _run(self, program: str, *args: str) -> None:
        """Run one server binary as the server's owner; its output goes to the error on failure."""
        result = subprocess.run([*_as_owner(self.owner), str(self.bindir / program), *args],
                                capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def url(self, database: str) -> str:
        """The URL of one database of this server (the socket folder as the host)."""
        return f"postgresql://{USER}@/{database}?host={self.root}"

    def fresh_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t{os.getpid()}_{next(self.counter)}"
        self.admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a test database, closing any connection a test left open."""
        name = urlsplit(url).path.lstrip("/")
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        self.admin.close()
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
