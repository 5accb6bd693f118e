"""An index of Kafka ACL bindings that finds the bindings for a resource in time linear in its name.

Matching follows the Kafka authorizer: a LITERAL binding matches its exact
name, the LITERAL name ``*`` matches every resource of its type, and a
PREFIXED binding matches every name that starts with its prefix. Looking up
one resource costs one dictionary lookup per prefix length of its name, so a
whole cluster is evaluated in time linear in bindings plus topics.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from scanner.model.kafka import AclBinding

WILDCARD = "*"


class AclIndex:
    """Bindings grouped by resource type, pattern type and name."""

    def __init__(self, bindings: Iterable[AclBinding]) -> None:
        self._literal: dict[tuple[str, str], list[AclBinding]] = defaultdict(list)
        self._prefixed: dict[tuple[str, str], list[AclBinding]] = defaultdict(list)
        self._prefix_lengths: dict[str, set[int]] = defaultdict(set)

        for binding in bindings:
            key = (binding.resource_type, binding.resource_name)
            if binding.pattern_type == "PREFIXED":
                self._prefixed[key].append(binding)
                self._prefix_lengths[binding.resource_type].add(len(binding.resource_name))
            else:
                self._literal[key].append(binding)

    def matching(self, resource_type: str, name: str, include_wildcard: bool = True) -> list[AclBinding]:
        """Return every binding that applies to one resource.

        With `include_wildcard` False, the LITERAL ``*`` bindings and PREFIXED
        bindings with an empty prefix are left out, which leaves the bindings
        written for this resource or a named prefix of it.
        """
        found = list(self._literal.get((resource_type, name), ()))
        if include_wildcard and name != WILDCARD:
            found.extend(self._literal.get((resource_type, WILDCARD), ()))

        for length in self._prefix_lengths.get(resource_type, ()):
            if length > len(name) or (length == 0 and not include_wildcard):
                continue
            found.extend(self._prefixed.get((resource_type, name[:length]), ()))
        return found
