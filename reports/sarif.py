"""SARIF 2.1.0 output that GitHub code scanning accepts.

One run per scanned target, each with its own ``automationDetails.id`` so
GitHub keeps the targets' alerts apart. Every result points to a real file of
the repository (the scan configuration, at the line that declares the target)
and names the scanned resource in its message and logical location.
PASS and NOT_APPLICABLE results are left out unless asked for.
"""

from __future__ import annotations

import json
from typing import Any

from reports.context import ReportInput
from rules.base import Rule
from scanner.findings import Finding, Severity, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/streamaudit/streamaudit"
FINGERPRINT_KEY = "streamaudit/v1"

# GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9), medium (4.0-6.9) and low (0.1-3.9).
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
KIND = {
    Status.FAIL: "fail",
    Status.SUPPRESSED: "fail",
    Status.PASS: "pass",
    Status.NOT_APPLICABLE: "notApplicable",
    Status.NOT_ASSESSED: "review",
}


def _rule_descriptor(rule: Rule, params: dict[str, Any]) -> dict[str, Any]:
    settings = "".join(f"\n- `{name}` = `{json.dumps(value)}`" for name, value in params.items())
    help_markdown = (
        f"**{rule.title}** ({rule.severity.value})\n\n{rule.rationale}\n\n**Remediation:** {rule.remediation}"
        + (f"\n\n**Principle:** {rule.principle}" if rule.principle else "")
        + (f"\n\n**Parameters:**{settings}" if settings else "")
        + "".join(f"\n\n[Reference]({url})" for url in rule.references)
    )
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": f"{rule.rationale} Remediation: {rule.remediation}", "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["security", rule.provider, *rule.tags],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
            "problem.severity": "error" if rule.severity.at_least(Severity.HIGH) else "warning",
        },
    }
    if rule.help_uri:
        descriptor["helpUri"] = rule.help_uri
    return descriptor


def _result(finding: Finding, rule_index: int, report: ReportInput) -> dict[str, Any]:
    line = report.target_lines.get((finding.provider, finding.target), 1)
    artifact = {"uri": report.artifact}
    if "://" not in report.artifact:
        artifact["uriBaseId"] = "%SRCROOT%"
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": KIND[finding.status],
        "level": LEVEL[finding.severity] if finding.status in (Status.FAIL, Status.SUPPRESSED) else "none",
        "message": {"text": f"{finding.resource_id}: {finding.message}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {"startLine": line},
                },
                "logicalLocations": [
                    {"fullyQualifiedName": finding.resource_id, "name": finding.resource_id.rsplit("/", 1)[-1], "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "status": finding.status.value,
            "severity": finding.severity.value,
            "target": finding.target,
            "resourceId": finding.resource_id,
            "resourceType": finding.resource_type,
            "evidence": finding.evidence,
        },
    }
    if finding.waiver is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{finding.waiver.reason} (owner {finding.waiver.owner}, expires {finding.waiver.expires})",
            }
        ]
    return result


def build_sarif(report: ReportInput) -> dict[str, Any]:
    """Return the SARIF log as plain data."""
    provenance = report.snapshot.provenance
    runs = []
    for entry in provenance.targets:
        rules = [evaluated for evaluated in report.evaluation.rules if evaluated.rule.provider == entry.provider]
        index = {evaluated.rule.id: position for position, evaluated in enumerate(rules)}
        findings = [
            finding
            for finding in report.evaluation.findings
            if finding.provider == entry.provider and finding.target == entry.target and finding.status in report.sarif_statuses
        ]
        notifications = [
            {"level": "error", "message": {"text": f"{entry.provider} target {entry.target}: {error.scope}: {error.kind.value}: {error.message}"}}
            for error in entry.errors
        ]
        runs.append(
            {
                "tool": {
                    "driver": {
                        "name": "streamaudit",
                        "version": provenance.tool_version,
                        "semanticVersion": provenance.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(evaluated.rule, evaluated.params) for evaluated in rules],
                    }
                },
                "automationDetails": {"id": f"streamaudit/{entry.provider}/{entry.target}/{provenance.started_at.strftime('%Y%m%dT%H%M%SZ')}"},
                "invocations": [
                    {
                        "executionSuccessful": entry.assessed,
                        "startTimeUtc": provenance.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "endTimeUtc": provenance.finished_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root, where streamaudit ran."}}},
                "results": [_result(finding, index[finding.rule_id], report) for finding in findings],
                "columnKind": "unicodeCodePoints",
            }
        )
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}


def render_sarif(report: ReportInput) -> str:
    return json.dumps(build_sarif(report), indent=2, default=str) + "\n"
