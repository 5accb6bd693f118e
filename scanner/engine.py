"""Evaluate selected rules against a snapshot and produce findings."""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from rules import all_rules
from rules.base import Outcome, Rule
from scanner.config import RuleSelection
from scanner.errors import InputError
from scanner.findings import Finding, Severity, Status, Waiver, fingerprint
from scanner.gc_pause import gc_paused
from scanner.model import Snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvaluatedRule:
    """A selected rule with the parameter values it ran with."""

    rule: Rule
    params: dict[str, Any]


@dataclass
class Evaluation:
    """The findings of one evaluation and the rules that produced them."""

    rules: list[EvaluatedRule]
    findings: list[Finding] = field(default_factory=list)
    unused_waivers: list[Waiver] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for finding in self.findings if finding.status == status)


def select_rules(selection: RuleSelection) -> list[EvaluatedRule]:
    """Return the selected rules with their parameters, raising InputError on unknown ids or parameters."""
    catalog = all_rules()

    for rule_id, overrides in selection.params.items():
        if rule_id not in catalog:
            raise InputError(f"rules.params names unknown rule {rule_id!r}. Run 'streamaudit rules list' for the ids.")
        known = catalog[rule_id].params
        for name in overrides:
            if name not in known:
                choices = ", ".join(sorted(known)) or "none"
                raise InputError(f"rules.params.{rule_id}: unknown parameter {name!r} (this rule takes: {choices}).")

    for pattern in [*selection.select, *selection.skip]:
        if not any(_matches(pattern, rule_id) for rule_id in catalog):
            raise InputError(f"rule selection {pattern!r} matches no rule. Run 'streamaudit rules list' for the ids.")

    selected = []
    for rule in catalog.values():
        if selection.selects(rule.id, rule.provider, rule.severity):
            params = rule.defaults | _coerce_params(rule, selection.params.get(rule.id, {}))
            selected.append(EvaluatedRule(rule, params))
    return selected


def _matches(pattern: str, rule_id: str) -> bool:
    return fnmatch.fnmatchcase(rule_id, pattern)


def _coerce_params(rule: Rule, overrides: dict[str, Any]) -> dict[str, Any]:
    """Check each override against the type of the parameter's default."""
    values = {}
    for name, value in overrides.items():
        default = rule.params[name].default
        expected = type(default)
        where = f"rules.params.{rule.id}.{name}"
        if default is None or isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
            values[name] = value
        elif expected is float and isinstance(value, int) and not isinstance(value, bool):
            values[name] = float(value)
        else:
            raise InputError(f"{where} must be of type {expected.__name__}, like {default!r}, not {value!r}.")
        if isinstance(default, list) and not all(isinstance(item, str) for item in value):
            raise InputError(f"{where} must be a list of strings, not {value!r}.")
    return values


def evaluate(snapshot: Snapshot, rules: Iterable[EvaluatedRule], waivers: Iterable[Waiver] = ()) -> Evaluation:
    """Run every rule on every unit of its provider and return the findings, sorted.

    Waivers that match no finding are listed in
    `Evaluation.unused_waivers`, because a mistyped resource id would otherwise
    fail silently. A unit that was not collected gets NOT_ASSESSED from every rule of its
    provider. A check that raises gets NOT_ASSESSED with the error, and is
    logged: one broken rule never stops the evaluation.
    """
    rules = list(rules)
    evaluation = Evaluation(rules=rules)
    waiver_index = {(waiver.rule, waiver.resource): waiver for waiver in waivers}
    matched: set[tuple[str, str]] = set()
    today = date.today()

    with gc_paused():
        for evaluated in rules:
            rule = evaluated.rule
            for unit in snapshot.units(rule.provider):
                for outcome in _run(rule, evaluated.params, unit):
                    finding = _to_finding(rule, unit.target, outcome)
                    waiver = waiver_index.get((rule.id, finding.resource_id))
                    if waiver is not None:
                        matched.add((rule.id, finding.resource_id))
                    if finding.status == Status.FAIL and waiver is not None and waiver.expires >= today:
                        finding = replace(finding, status=Status.SUPPRESSED, waiver=waiver)
                    evaluation.findings.append(finding)

        evaluation.findings.sort(key=lambda f: (f.provider, f.target, f.rule_id, f.resource_id))
    evaluation.unused_waivers = [waiver for key, waiver in waiver_index.items() if key not in matched]
    return evaluation


def _run(rule: Rule, params: dict[str, Any], unit: Any) -> list[Outcome]:
    root = getattr(unit, "resource_root", None) or f"{rule.provider}/{unit.target}"
    if unit.collection_error:
        return [Outcome(Status.NOT_ASSESSED, root, f"Target not collected: {unit.collection_error}", {}, "target")]
    try:
        return list(rule.check(unit, params))
    except Exception as exc:  # noqa: BLE001 - a faulty rule must not end the scan
        log.exception("rule %s failed on target %s", rule.id, unit.target)
        return [Outcome(Status.NOT_ASSESSED, root, f"Rule error: {type(exc).__name__}: {exc}", {}, "target")]


def _to_finding(rule: Rule, target: str, outcome: Outcome) -> Finding:
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=rule.severity,
        status=outcome.status,
        provider=rule.provider,
        target=target,
        resource_id=outcome.resource_id,
        resource_type=outcome.resource_type or rule.resource_type,
        message=outcome.message,
        evidence=outcome.evidence,
        remediation=rule.remediation if outcome.status == Status.FAIL else "",
        fingerprint=fingerprint(rule.id, outcome.resource_id),
    )


EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_INPUT_ERROR = 2
EXIT_INCOMPLETE = 3


def exit_code(evaluation: Evaluation, snapshot: Snapshot, fail_on: Severity, allow_partial: bool = False) -> int:
    """Return the documented exit code.

    3 when any target had a collection error (coverage is partial), unless
    `allow_partial`; else 1 when a FAIL at or above `fail_on` remains; else 0.
    """
    if not allow_partial and not snapshot.provenance.complete:
        return EXIT_INCOMPLETE
    for finding in evaluation.findings:
        if finding.status == Status.FAIL and finding.severity.at_least(fail_on):
            return EXIT_FAILURES
    return EXIT_OK
