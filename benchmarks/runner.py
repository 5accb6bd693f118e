"""Spawn worker processes, summarise repeated figures, and describe the machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class BenchmarkError(RuntimeError):
    """A worker failed or printed no result."""


def run_worker(arguments: list[str], timeout: float, environment: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``python -m benchmarks.worker ARGUMENTS`` from the repository root and return its JSON result.

    Raises BenchmarkError with the tail of the worker's stderr when it exits
    non-zero, and subprocess.TimeoutExpired after `timeout` seconds.
    """
    env = {**os.environ, **(environment or {}), "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise BenchmarkError(f"worker {' '.join(arguments)} failed with exit code {completed.returncode}:\n{tail}")
    return json.loads(lines[-1])


def summary(values: list[float]) -> dict[str, Any]:
    """Return the median, min and max of repeated figures, with the figures themselves."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def machine() -> dict[str, Any]:
    """Describe the machine the figures come from."""
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    import pydantic

    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "pydantic": pydantic.VERSION,
        "platform": platform.platform(),
        "commit": _commit(),
    }


def _commit() -> str | None:
    try:
        completed = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() or None
