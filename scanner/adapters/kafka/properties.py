"""Read broker ``server.properties`` files as static scan input, dropping sensitive values.

The parser follows ``java.util.Properties.load``, which Kafka uses to read the
file: the bytes are ISO-8859-1; lines whose first non-blank character is
``#`` or ``!`` are comments; a line ending in an odd number of backslashes
continues on the next line, whose leading blanks are dropped; the key ends at
the first unescaped ``=``, ``:`` or blank; and ``\\t``, ``\\n``, ``\\r``,
``\\f``, ``\\uXXXX`` and ``\\<char>`` are unescaped in keys and values.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from scanner import secrets
from scanner.errors import InputError
from scanner.model.kafka import ConfigValue
from scanner.model.kafka_probes import PropertiesFile

log = logging.getLogger(__name__)

FILE_SOURCE = "SERVER_PROPERTIES_FILE"
DEFAULT_SOURCE = "DEFAULT_CONFIG"

# Keys whose values are credentials or key material. Kafka declares these as
# type PASSWORD (Apache Kafka 4.0 broker configs), and DescribeConfigs returns
# them as null; custom keys are caught by the same patterns as client settings.
_SENSITIVE_SUFFIXES = (
    "sasl.jaas.config",
    "ssl.keystore.key",
    "ssl.keystore.certificate.chain",
    "ssl.truststore.certificates",
    "ssl.key.password",
    "ssl.keystore.password",
    "ssl.truststore.password",
    "delegation.token.secret.key",
    "delegation.token.master.key",
    "password.encoder.secret",
    "password.encoder.old.secret",
)
_SENSITIVE_PATTERN = re.compile(r"(password|secret|credential|jaas|private|token|\.key$)", re.IGNORECASE)

# Kafka 4.0 defaults of the broker keys that rules read, filled in when a file
# leaves them unset (DescribeConfigs reports defaults the same way).
BROKER_DEFAULTS = {
    "authorizer.class.name": "",
    "allow.everyone.if.no.acl.found": "false",
    "auto.create.topics.enable": "true",
    "super.users": "",
}

_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def is_sensitive(key: str) -> bool:
    """True for keys whose values must never reach the snapshot."""
    lowered = key.lower()
    if lowered.endswith(_SENSITIVE_SUFFIXES):
        return True
    return secrets.is_sensitive_key(key) or (bool(_SENSITIVE_PATTERN.search(lowered)) and not lowered.endswith(".location"))


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join continued lines; return (first line number, logical line) without comments and blank lines."""
    lines: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip(" \t\f") if current else raw
        if not current:
            stripped = line.lstrip(" \t\f")
            if not stripped or stripped[0] in "#!":
                continue
            line = stripped
            start = number
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2 == 1:
            current.append(line[:-1])
            continue
        current.append(line)
        lines.append((start, "".join(current)))
        current = []
    if current:
        lines.append((start, "".join(current)))
    return lines


def _unescape(text: str, where: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        following = text[index + 1]
        if following == "u":
            digits = text[index + 2 : index + 6]
            if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise InputError(f"{where}: malformed \\uXXXX escape {text[index:index + 6]!r}; write four hex digits after \\u.")
            out.append(chr(int(digits, 16)))
            index += 6
            continue
        out.append(_ESCAPES.get(following, following))
        index += 2
    return "".join(out)


def _split_key(line: str) -> tuple[str, str]:
    """Split a logical line into the raw key and the raw value."""
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            continue
        if char in "=: \t\f":
            break
        index += 1
    key = line[:index]
    rest = line[index:]
    if rest[:1] in ("=", ":"):
        rest = rest[1:]
    else:
        rest = rest.lstrip(" \t\f")
        if rest[:1] in ("=", ":"):
            rest = rest[1:]
    return key, rest.lstrip(" \t\f")


def parse_properties(text: str, source: str = "properties") -> dict[str, str]:
    """Parse Java properties text into {key: value}; a repeated key keeps its last value, as in Java.

    Raises InputError naming `source` and the line for a malformed escape.
    """
    properties: dict[str, str] = {}
    for number, line in _logical_lines(text):
        raw_key, raw_value = _split_key(line)
        where = f"{source}, line {number}"
        properties[_unescape(raw_key, where)] = _unescape(raw_value, where)
    return properties


def read_properties_file(path: Path) -> tuple[PropertiesFile, dict[str, ConfigValue]]:
    """Read one broker file and return its description and its entries, sensitive values dropped.

    Keys the file leaves unset get Kafka's default for the keys in
    BROKER_DEFAULTS. Raises InputError when the file cannot be read, is
    malformed, or names no ``node.id`` or ``broker.id``.
    """
    try:
        text = path.read_bytes().decode("iso-8859-1")
    except OSError as exc:
        raise InputError(f"cannot read server.properties file {path}: {exc.strerror}. Check the server_properties path.") from exc

    properties = parse_properties(text, str(path))
    node_id = properties.get("node.id") or properties.get("broker.id")
    if node_id is None or not node_id.strip().lstrip("-").isdigit():
        raise InputError(f"{path} sets neither node.id nor broker.id to a number; a broker file needs one to identify the broker.")

    configs: dict[str, ConfigValue] = {}
    sensitive_keys = []
    for key, value in properties.items():
        if is_sensitive(key):
            sensitive_keys.append(key)
            configs[key] = ConfigValue(value=None, sensitive=True, source=FILE_SOURCE, file=str(path))
        else:
            configs[key] = ConfigValue(value=value, source=FILE_SOURCE, file=str(path))
    for key, value in BROKER_DEFAULTS.items():
        configs.setdefault(key, ConfigValue(value=value, default=True, source=DEFAULT_SOURCE, file=str(path)))

    log.info("read %s: %d key(s), %d sensitive value(s) dropped", path, len(properties), len(sensitive_keys))
    described = PropertiesFile(path=str(path), node_id=int(node_id), keys=len(properties), sensitive_keys=sensitive_keys)
    return described, configs
