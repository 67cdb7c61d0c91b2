"""Typed readers for settings that come from the environment; they fail loudly."""

import base64
import os
import re
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import overload


class ConfigurationError(Exception):
    """A setting is missing or malformed; start-up must stop."""


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, not {raw!r}") from None


def env_decimal(name: str, default: str) -> Decimal:
    """A decimal number such as a glucose threshold in mmol/L: ``7.0``."""
    raw = os.environ.get(name)
    value = default if raw is None or raw == "" else raw
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ConfigurationError(f"{name} must be a decimal number, not {value!r}") from None
    if not number.is_finite():
        raise ConfigurationError(f"{name} must be a decimal number, not {value!r}")
    return number


RATE_PATTERN = re.compile(r"[0-9]+/[0-9]*[smhd]")


def env_rate(name: str, default: str) -> str:
    """A request rate as ``count/period``: ``30/m``, ``100/h``, ``5/10s``."""
    value = env_str(name, default).strip()
    if not RATE_PATTERN.fullmatch(value):
        raise ConfigurationError(f"{name} must be a rate such as 30/m or 100/h, not {value!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def generated_key(path: Path, factory) -> str:
    """Read a dev key from ``path``, creating it once; safe when processes race."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(factory() + "\n")
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # atomic: fails when another process won the race
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_data_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def decode_data_key(value: str, name: str = "SHOUMEN_DATA_KEY") -> bytes:
    """A 32-byte key given in URL-safe base64 (the data key, the pass signing key)."""
    message = f"{name} must be 32 bytes in URL-safe base64"
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (ValueError, TypeError):
        raise ConfigurationError(message) from None
    if len(key) != 32:
        raise ConfigurationError(message)
    return key
