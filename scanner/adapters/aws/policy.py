"""Parse IAM policy documents (identity, resource, key and endpoint policies) into PolicyStatement lists."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from scanner.model.aws import PolicyStatement


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principals(value: Any) -> list[str]:
    """Normalise a Principal element: ``"*"`` stays ``*``, ``{"AWS": [a, b]}`` becomes ``AWS:a``, ``AWS:b``."""
    if value == "*":
        return ["*"]
    if isinstance(value, dict):
        return [f"{kind}:{item}" for kind, items in value.items() for item in _as_list(items)]
    return [str(item) for item in _as_list(value)]


def _conditions(value: Any) -> dict[str, dict[str, list[str]]]:
    if not isinstance(value, dict):
        return {}
    return {
        operator: {key: [str(item) for item in _as_list(values)] for key, values in (keys or {}).items()}
        for operator, keys in value.items()
    }


def load_document(document: Any) -> dict[str, Any]:
    """Return a policy document as a dict; accepts a dict, JSON text or URL-encoded JSON text.

    Raises ValueError when the text is not a JSON object.
    """
    if isinstance(document, dict):
        return document
    text = str(document)
    if text.lstrip().startswith("%7B") or "%22" in text[:20]:
        text = unquote(text)
    parsed = json.loads(text) if text.strip() else {}
    if not isinstance(parsed, dict):
        raise ValueError(f"policy document is a JSON {type(parsed).__name__}, not an object")
    return parsed


def parse_statements(document: Any, has_principal: bool = True) -> list[PolicyStatement]:
    """Return the statements of a policy document; `has_principal` is False for identity policies."""
    data = load_document(document)
    statements = []
    for raw in _as_list(data.get("Statement")):
        if not isinstance(raw, dict):
            continue
        statements.append(
            PolicyStatement(
                sid=raw.get("Sid"),
                effect=str(raw.get("Effect", "")),
                principals=_principals(raw.get("Principal")) if has_principal else None,
                not_principals=_principals(raw.get("NotPrincipal")),
                actions=[str(item) for item in _as_list(raw.get("Action"))],
                not_actions=[str(item) for item in _as_list(raw.get("NotAction"))],
                resources=[str(item) for item in _as_list(raw.get("Resource"))],
                not_resources=[str(item) for item in _as_list(raw.get("NotResource"))],
                conditions=_conditions(raw.get("Condition")),
            )
        )
    return statements
