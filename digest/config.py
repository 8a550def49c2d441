"""Load digest.toml over the documented defaults, with paths relative to the file."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from email.utils import getaddresses, parseaddr
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.errors import ConfigError
from digest.settings import Settings, typed

CONFIG_NAME = "digest.toml"
LIST_TABLES = ("feed",)  # arrays of tables a user may add, not present in the defaults


def default_text() -> str:
    """The commented default digest.toml: the single source of every default."""
    return resources.files("digest").joinpath("default.toml").read_text(encoding="utf-8")


def _defaults() -> dict[str, Any]:
    return tomllib.loads(default_text())


@dataclass(frozen=True)
class MailAddresses:
    """[email] from and to as the headers show them and as the SMTP envelope needs them."""

    header_from: str
    header_to: tuple[str, ...]
    envelope_from: str
    envelope_to: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    """Read-only settings of one workspace."""

    root: Path
    file: Path | None
    data: Mapping[str, Mapping[str, Any]]
    settings: Settings

    def path(self, key: str) -> Path:
        """A [paths] entry resolved against the workspace root."""
        return (self.root / self.data["paths"][key]).resolve()

    def timezone(self) -> ZoneInfo:
        """[digest] timezone as a tzinfo, or a ConfigError naming the option."""
        name = self.settings.digest.timezone
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"[digest] timezone = {name!r} is not a known time zone; "
                              f"use a name like 'Europe/Paris' or 'UTC'") from exc

    def mail_addresses(self) -> "MailAddresses":
        """[email] from and to, checked once for the headers and the SMTP envelope alike,
        so a bad address fails at build time and not at the SMTP server."""
        sender = self.settings.email.from_
        raw = self.settings.email.to
        to = list(raw)
        envelope_from = parseaddr(sender)[1]
        if "@" not in envelope_from:
            raise ConfigError(f"[email] from = {sender!r} is not an email address; "
                              "use a value like 'Digest <digest@example.org>'")
        parsed = getaddresses(to)
        if not parsed or any("@" not in addr for _, addr in parsed):
            raise ConfigError(f"[email] to = {raw!r}: list at least one email address, "
                              "like ['reader@example.org']")
        return MailAddresses(sender, tuple(to), envelope_from, tuple(addr for _, addr in parsed))

    @property
    def feeds(self) -> tuple[Mapping[str, Any], ...]:
        """The [[feed]] tables."""
        return tuple(self.data.get("feed", ()))


def _check_value(file: str, section: str, key: str, value: Any, default: Any) -> Any:
    """The user's value if it has the default's type (an integral float passes for an int)."""
    where = f"{file}: [{section}] {key}"
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and isinstance(default, int) and not isinstance(default, bool) and isinstance(value, float):
            ok = value.is_integer()
            value = int(value) if ok else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ConfigError(f"{where} should be {type(default).__name__} like {default!r}, got {value!r}")
    return value


def merge(user: Mapping[str, Any], file: str = CONFIG_NAME) -> dict[str, Any]:
    """Overlay user settings on the defaults, refusing unknown names and wrong types."""
    merged = _defaults()
    for section, values in user.items():
        if section in LIST_TABLES:
            if not isinstance(values, list):
                raise ConfigError(f"{file}: [[{section}]] must be an array of tables")
            merged[section] = [MappingProxyType(dict(v)) for v in values]
            continue
        if section not in merged:
            known = ", ".join(sorted(list(merged) + list(LIST_TABLES)))
            raise ConfigError(f"{file}: unknown section [{section}]; known sections: {known}")
        if not isinstance(values, dict):
            raise ConfigError(f"{file}: {section} must be a [section] table")
        for key, value in values.items():
            if key not in merged[section]:
                known = ", ".join(sorted(merged[section]))
                raise ConfigError(f"{file}: unknown option [{section}] {key}; known: {known}")
            merged[section][key] = _check_value(file, section, key, value, merged[section][key])
    return merged


def load(path: str | Path | None = None) -> Config:
    """Load a workspace's digest.toml (default ./digest.toml)."""
    file = Path(path or CONFIG_NAME).resolve()
    if not file.is_file():
        raise ConfigError(
            f"{file}: no such config file; create a workspace with `digest init DIR` "
            f"or pass --config PATH"
        )
    try:
        user = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from exc
    return from_mapping(user, file.parent, file)


def from_mapping(user: Mapping[str, Any], root: Path, file: Path | None = None) -> Config:
    """Build a Config from already-parsed settings (used by tests and `init`)."""
    merged = merge(user, str(file or CONFIG_NAME))
    settings = typed(merged, str(file or CONFIG_NAME))
    frozen = {k: (tuple(v) if isinstance(v, list) else MappingProxyType(v)) for k, v in merged.items()}
    return Config(root=Path(root).resolve(), file=file, data=MappingProxyType(frozen), settings=settings)
