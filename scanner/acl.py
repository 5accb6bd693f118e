"""An index of Kafka ACL bindings that finds the bindings for a resource in time linear in its name.

Matching follows the Kafka authorizer: a LITERAL binding matches its exact
name, the LITERAL name ``*`` matches every resource of its type, and a
PREFIXED binding matches every name that starts with its prefix. Looking up
one resource costs one dictionary lookup per distinct prefix length, so a
whole cluster is evaluated in time linear in bindings plus resources.

`AclIndex.authorize` decides one request the way Kafka's StandardAuthorizer
does (Apache Kafka 4.0, ``StandardAuthorizerData``): super users are allowed;
a matching DENY wins over any ALLOW; READ, WRITE, DELETE and ALTER imply
DESCRIBE and ALTER_CONFIGS implies DESCRIBE_CONFIGS, for ALLOW bindings only;
ALL covers every operation; ``User:*`` matches every ``User:`` principal and
host ``*`` every host. When no binding of any principal matches the resource,
the request is allowed only with ``allow.everyone.if.no.acl.found=true``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from scanner.model.kafka import AclBinding

WILDCARD = "*"
WILDCARD_PRINCIPAL = "User:*"
ALL = "ALL"

IMPLIED_BY_ALLOW = {
    "DESCRIBE": frozenset({"READ", "WRITE", "DELETE", "ALTER"}),
    "DESCRIBE_CONFIGS": frozenset({"ALTER_CONFIGS"}),
}


def normalize_principal(principal: str) -> str:
    """Return `principal` in ``Type:name`` form; a bare name becomes ``User:name``."""
    principal = principal.strip()
    return principal if ":" in principal else f"User:{principal}"


@dataclass(frozen=True)
class Decision:
    """The result of `AclIndex.authorize`, with the bindings that decided it.

    `reason` is one of ``super_user``, ``deny``, ``allow``, ``no_acl_allow_everyone``,
    ``no_acl_denied`` and ``not_allowed`` (bindings exist for the resource, none allows).
    """

    allowed: bool
    reason: str
    bindings: tuple[AclBinding, ...] = field(default_factory=tuple)


class AclIndex:
    """Bindings grouped by resource type, pattern type, name and principal."""

    def __init__(self, bindings: Iterable[AclBinding]) -> None:
        self._literal: dict[tuple[str, str], dict[str, list[AclBinding]]] = defaultdict(lambda: defaultdict(list))
        self._prefixed: dict[tuple[str, str], dict[str, list[AclBinding]]] = defaultdict(lambda: defaultdict(list))
        self._prefix_lengths: dict[str, set[int]] = defaultdict(set)
        self._principals: dict[str, list[AclBinding]] = defaultdict(list)

        for binding in bindings:
            key = (binding.resource_type, binding.resource_name)
            principal = binding.principal
            if binding.pattern_type == "PREFIXED":
                self._prefixed[key][principal].append(binding)
                self._prefix_lengths[binding.resource_type].add(len(binding.resource_name))
            else:
                self._literal[key][principal].append(binding)
            self._principals[principal].append(binding)

    def _buckets(self, resource_type: str, name: str, include_wildcard: bool) -> list[dict[str, list[AclBinding]]]:
        """Return the per-principal groups of every pattern that matches one resource."""
        buckets = []
        literal = self._literal.get((resource_type, name))
        if literal:
            buckets.append(literal)
        if include_wildcard and name != WILDCARD:
            wildcard = self._literal.get((resource_type, WILDCARD))
            if wildcard:
                buckets.append(wildcard)

        for length in self._prefix_lengths.get(resource_type, ()):
            if length > len(name) or (length == 0 and not include_wildcard):
                continue
            prefixed = self._prefixed.get((resource_type, name[:length]))
            if prefixed:
                buckets.append(prefixed)
        return buckets

    def matching(self, resource_type: str, name: str, include_wildcard: bool = True) -> list[AclBinding]:
        """Return every binding that applies to one resource.

        With `include_wildcard` False, the LITERAL ``*`` bindings and PREFIXED
        bindings with an empty prefix are left out, which leaves the bindings
        written for this resource or a named prefix of it.
        """
        return [
            binding
            for bucket in self._buckets(resource_type, name, include_wildcard)
            for bindings in bucket.values()
            for binding in bindings
        ]

    def has_acls(self, resource_type: str, name: str) -> bool:
        """True when any binding, of any principal, matches the resource."""
        return bool(self._buckets(resource_type, name, include_wildcard=True))

    def for_principal(self, principal: str) -> list[AclBinding]:
        """Return the bindings written for exactly this principal (``User:*`` bindings are not included)."""
        return list(self._principals.get(normalize_principal(principal), ()))

    def authorize(
        self,
        principal: str,
        operation: str,
        resource_type: str,
        name: str,
        host: str = WILDCARD,
        *,
        super_users: Iterable[str] = (),
        allow_everyone_if_no_acl_found: bool = False,
    ) -> Decision:
        """Decide whether `principal` connecting from `host` may perform `operation` on one resource.

        `host` ``*`` stands for a client address that matches only host ``*``
        bindings. The cost is one lookup per matching pattern, independent of
        the number of bindings for other principals.
        """
        principal = normalize_principal(principal)
        if principal in {normalize_principal(user) for user in super_users}:
            return Decision(True, "super_user")

        buckets = self._buckets(resource_type, name, include_wildcard=True)
        if not buckets:
            if allow_everyone_if_no_acl_found:
                return Decision(True, "no_acl_allow_everyone")
            return Decision(False, "no_acl_denied")

        principals = {principal}
        if principal.startswith("User:"):
            principals.add(WILDCARD_PRINCIPAL)
        allows: list[AclBinding] = []
        denies: list[AclBinding] = []
        for bucket in buckets:
            for candidate in principals:
                for binding in bucket.get(candidate, ()):
                    if binding.host not in (WILDCARD, host):
                        continue
                    if binding.permission == "DENY" and binding.operation in (operation, ALL):
                        denies.append(binding)
                    elif binding.permission == "ALLOW" and _allow_covers(binding.operation, operation):
                        allows.append(binding)

        if denies:
            return Decision(False, "deny", tuple(denies))
        if allows:
            return Decision(True, "allow", tuple(allows))
        return Decision(False, "not_allowed")


def _allow_covers(granted: str, requested: str) -> bool:
    return granted in (requested, ALL) or granted in IMPLIED_BY_ALLOW.get(requested, frozenset())
