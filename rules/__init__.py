"""Rule modules. Importing this package registers every rule it contains."""

from __future__ import annotations

import importlib
import pkgutil

from rules.base import Rule, registered_rules


def all_rules() -> dict[str, Rule]:
    """Import every rule module of this package and return the rules, sorted by id."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base" and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(registered_rules().items()))
