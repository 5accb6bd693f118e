"""Secret references in the scan configuration.

Secrets never appear in a configuration file: a sensitive setting holds a
reference such as ``${env:KAFKA_PASSWORD}``, resolved from the environment
only when a client is built. Resolved values are never logged, stored in the
snapshot or written to a report.
"""

from __future__ import annotations

import os
import re

from scanner.errors import InputError

_ENV_REFERENCE = re.compile(r"^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$")
_SENSITIVE_KEY = re.compile(r"(password|secret|\.pem$|key\.pem|oauthbearer\.config|jaas\.config|token)", re.IGNORECASE)


def is_sensitive_key(key: str) -> bool:
    """True for client settings whose values are credentials or key material."""
    return bool(_SENSITIVE_KEY.search(key)) and not key.endswith(".location")


def is_reference(value: object) -> bool:
    return isinstance(value, str) and bool(_ENV_REFERENCE.match(value))


def literal_secret_keys(settings: dict[str, object]) -> list[str]:
    """Return the sensitive settings that hold a literal value instead of a reference."""
    return [key for key, value in settings.items() if is_sensitive_key(key) and not is_reference(value)]


def resolve(value: object, where: str) -> object:
    """Return `value` with an ``${env:NAME}`` reference replaced by the variable's value."""
    if not isinstance(value, str):
        return value
    match = _ENV_REFERENCE.match(value)
    if match is None:
        return value
    name = match.group(1)
    if name not in os.environ:
        raise InputError(f"{where}: environment variable {name} is not set. Export it before running the scan.")
    return os.environ[name]


def resolve_all(settings: dict[str, object], where: str) -> dict[str, object]:
    return {key: resolve(value, f"{where}.{key}") for key, value in settings.items()}


def redact(settings: dict[str, object]) -> dict[str, object]:
    """Return a copy safe to log: sensitive values replaced by '***'."""
    return {key: ("***" if is_sensitive_key(key) else value) for key, value in settings.items()}
