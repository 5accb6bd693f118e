"""Helpers for tests that need an external component (broker, moto, SARIF Multitool)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MULTITOOL = ROOT / ".cache/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"


def missing_component(reason: str) -> None:
    """Fail under CI (CI set in the environment), skip elsewhere: CI must never skip a real-component test."""
    if os.environ.get("CI"):
        pytest.fail(f"required test component missing: {reason}")
    pytest.skip(reason)


def sarif_multitool() -> Path:
    """Return the SARIF Multitool binary that scripts/install-test-tools.sh installs."""
    configured = os.environ.get("STREAMAUDIT_SARIF_MULTITOOL")
    candidate = Path(configured) if configured else MULTITOOL
    if not candidate.exists():
        found = shutil.which("Sarif.Multitool")
        if found is None:
            missing_component(f"SARIF Multitool not found at {candidate}; run scripts/install-test-tools.sh")
        candidate = Path(found)
    return candidate


def validate_sarif(path: Path, tmp_path: Path, rule_kinds: str) -> list[dict]:
    """Run ``Sarif.Multitool validate`` and return its error- and warning-level results."""
    import json

    output = tmp_path / f"validation-{rule_kinds.replace(';', '-')}.sarif"
    output.unlink(missing_ok=True)
    completed = subprocess.run(
        [str(sarif_multitool()), "validate", "--rule-kind", rule_kinds, "--level", "Error;Warning;Note", "-o", str(output), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"},
    )
    assert output.exists(), f"multitool wrote no log (exit {completed.returncode}): {completed.stdout[-2000:]} {completed.stderr[-2000:]}"
    log = json.loads(output.read_text())
    return [
        result
        for run in log["runs"]
        for result in run.get("results", [])
        if result.get("level", "warning") in ("error", "warning")
    ]
