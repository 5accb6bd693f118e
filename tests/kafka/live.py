"""Helpers for scans of the local brokers: run the real command and read its outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from scanner.localkafka import LocalBroker


@dataclass
class ScanRun:
    """One ``streamaudit scan`` process and what it wrote."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    output_dir: Path

    @property
    def report(self) -> dict:
        return json.loads((self.output_dir / "streamaudit.json").read_text())

    def statuses(self, rule_id: str) -> dict[str, str]:
        """Map resource id to status for one rule."""
        return {f["resource_id"]: f["status"] for f in self.report["findings"] if f["rule_id"] == rule_id}

    def findings(self, rule_id: str) -> list[dict]:
        return [f for f in self.report["findings"] if f["rule_id"] == rule_id]


def run_scan(workdir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180) -> ScanRun:
    """Run ``python -m scanner scan`` in `workdir` with debug logging and return the run."""
    output_dir = workdir / "report"
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--output-dir", str(output_dir), "-vv", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return ScanRun(completed.returncode, completed.stdout, completed.stderr, time.monotonic() - started, output_dir)


def client_settings(broker: LocalBroker, user: str | None, password_env: str | None) -> dict:
    """Return the librdkafka settings of `user` without bootstrap, the password as an ``${env:...}`` reference."""
    client = {key: value for key, value in broker.client_config(user).items() if key != "bootstrap.servers"}
    if "sasl.password" in client:
        client["sasl.password"] = f"${{env:{password_env}}}"
    return client


def write_config(
    path: Path, broker: LocalBroker, target: str, user: str | None, password_env: str | None, *, extra: dict | None = None, **rules: object
) -> Path:
    """Write a scan configuration for `broker` whose password is an ``${env:...}`` reference.

    `extra` adds or replaces fields of the target entry (probes, server_properties, environment).
    """
    entry = {"name": target, "bootstrap": broker.bootstrap, "environment": "prod", "timeout_seconds": 10, "client": client_settings(broker, user, password_env)}
    entry |= extra or {}
    config = {"version": 1, "targets": {"kafka": [entry]}, "rules": rules}
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
