"""The rule contract: declarative metadata plus one check function.

A rule module defines checks like this::

    @rule(
        id="KAFKA-TOPIC-004",
        title="Unclean leader election is off",
        severity=Severity.MEDIUM,
        provider="kafka",
        resource_type="kafka.topic",
        ...
    )
    def unclean_election_off(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
        for topic in cluster.topics:
            ...
            yield failed(cluster.resource_id("topic", topic.name), "...", value=value)

The check receives one unit of its provider (a Kafka cluster, an AWS account,
an Azure subscription) and yields one Outcome per resource it looked at. The
engine handles units that were not collected, applies parameters and waivers,
and turns outcomes into findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scanner.findings import Severity, Status

PROVIDERS = ("kafka", "aws", "azure")


@dataclass(frozen=True)
class Param:
    """A rule parameter: its default, and what it sets."""

    default: Any
    description: str


@dataclass(frozen=True)
class Outcome:
    """A check's decision about one resource."""

    status: Status
    resource_id: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    resource_type: str | None = None


def passed(resource_id: str, message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.PASS, resource_id, message, evidence)


def failed(resource_id: str, message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.FAIL, resource_id, message, evidence)


def not_applicable(resource_id: str, reason: str, **evidence: Any) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, resource_id, reason, evidence)


def not_assessed(resource_id: str, reason: str, **evidence: Any) -> Outcome:
    return Outcome(Status.NOT_ASSESSED, resource_id, reason, evidence)


Params = dict[str, Any]
CheckFunction = Callable[[Any, Params], Iterable[Outcome]]


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and its check. See the module docstring for the check contract."""

    id: str
    title: str
    severity: Severity
    provider: str
    resource_type: str
    rationale: str
    remediation: str
    check: CheckFunction
    principle: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)

    @property
    def defaults(self) -> Params:
        return {name: param.default for name, param in self.params.items()}

    @property
    def help_uri(self) -> str:
        return self.references[0] if self.references else ""


_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    provider: str,
    resource_type: str,
    rationale: str,
    remediation: str,
    principle: str = "",
    references: Iterable[str] = (),
    tags: Iterable[str] = (),
    params: dict[str, Param] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the check of a rule with this metadata."""

    if provider not in PROVIDERS:
        raise ValueError(f"rule {id}: provider must be one of {PROVIDERS}, not {provider!r}")

    def register(check: CheckFunction) -> CheckFunction:
        if id in _REGISTRY:
            raise ValueError(f"rule id {id} is defined twice")
        _REGISTRY[id] = Rule(
            id=id,
            title=title,
            severity=severity,
            provider=provider,
            resource_type=resource_type,
            rationale=rationale,
            remediation=remediation,
            check=check,
            principle=principle,
            references=tuple(references),
            tags=tuple(tags),
            params=dict(params or {}),
        )
        return check

    return register


def registered_rules() -> dict[str, Rule]:
    """Return the rules registered so far, by id."""
    return dict(_REGISTRY)
