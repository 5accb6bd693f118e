"""The scan pipeline behind ``streamaudit scan``: configuration, snapshot, evaluation, reports."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from reports import FORMATS, ReportInput
from rules import all_rules
from scanner.adapters.kafka.config import KafkaTarget
from scanner.collect import collect_snapshot
from scanner.config import ScanConfig, load_config
from scanner.engine import EXIT_INPUT_ERROR, evaluate, exit_code, select_rules
from scanner.errors import InputError
from scanner.findings import Severity, Status
from scanner.model import Snapshot, SnapshotError
from scanner.output import write_all_atomic
from scanner.waivers import check_waivers, load_waivers

log = logging.getLogger(__name__)


@dataclass
class ScanOptions:
    """The options of one ``streamaudit scan`` (see ``streamaudit scan --help``)."""

    config_path: Path | None = None
    kafka_bootstrap: tuple[str, ...] = ()
    snapshot_in: Path | None = None
    snapshot_out: Path | None = None
    output_dir: Path = Path("streamaudit-report")
    formats: tuple[str, ...] | list[str] = ("json", "sarif")
    fail_on: str = "low"
    select: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    min_severity: str | None = None
    waivers_path: Path | None = None
    allow_partial: bool = False
    sarif_include_pass: bool = False
    sarif_artifact: str | None = None


def build_config(options: ScanOptions) -> ScanConfig:
    """Merge the configuration file with the command-line options."""
    if options.snapshot_in is not None and options.kafka_bootstrap:
        raise InputError("--snapshot evaluates a saved snapshot, so it cannot be combined with --kafka-bootstrap.")
    if options.config_path is None and not options.kafka_bootstrap and options.snapshot_in is None:
        raise InputError("nothing to scan: give --config FILE, --kafka-bootstrap HOST:PORT or --snapshot FILE.")

    config = load_config(options.config_path) if options.config_path is not None else ScanConfig()

    extra_targets = []
    for bootstrap in options.kafka_bootstrap:
        try:
            extra_targets.append(KafkaTarget(name=bootstrap.replace(",", "_"), bootstrap=bootstrap))
        except ValueError as exc:
            raise InputError(f"--kafka-bootstrap {bootstrap!r} is not HOST:PORT (for example localhost:9092).") from exc
    if extra_targets:
        config.targets.kafka.extend(extra_targets)

    if options.snapshot_in is None and not any(getattr(config.targets, provider) for provider in ("kafka", "aws", "azure")):
        raise InputError(
            f"{options.config_path} defines no targets. Add targets.kafka, targets.aws or targets.azure, "
            "or give --kafka-bootstrap or --snapshot."
        )

    selection = config.rules
    selection.select.extend(options.select)
    selection.skip.extend(options.skip)
    selection.providers.extend(options.providers)
    if options.min_severity is not None:
        selection.min_severity = Severity(options.min_severity)

    if options.waivers_path is not None:
        config.waivers.extend(load_waivers(options.waivers_path))
    return config


def target_lines(config_path: Path | None) -> dict[tuple[str, str], int]:
    """Return the line of each ``name:`` entry under ``targets`` in the configuration file."""
    if config_path is None:
        return {}
    lines: dict[tuple[str, str], int] = {}
    root = yaml.compose(config_path.read_text(encoding="utf-8"))
    for key, providers in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
        if key.value != "targets" or not isinstance(providers, yaml.MappingNode):
            continue
        for provider, entries in providers.value:
            for entry in getattr(entries, "value", []):
                for field, value in getattr(entry, "value", []) if isinstance(entry, yaml.MappingNode) else []:
                    if field.value == "name":
                        lines[(provider.value, str(value.value))] = value.start_mark.line + 1
    return lines


def _artifact(options: ScanOptions) -> str:
    """Return the repository-relative path that SARIF results point to."""
    if options.sarif_artifact:
        return options.sarif_artifact
    for path in (options.config_path, options.snapshot_in):
        if path is not None:
            absolute = path.resolve()
            try:
                return absolute.relative_to(Path.cwd().resolve()).as_posix()
            except ValueError:
                return absolute.as_uri()
    return "streamaudit.yaml"


def run_scan(options: ScanOptions) -> int:
    """Run one scan and return its exit code. Raises InputError for bad input, before writing anything."""
    config = build_config(options)
    selected = select_rules(config.rules)
    warnings = check_waivers(config.waivers, set(all_rules()))
    if not selected:
        raise InputError("the rule selection selects no rule. Loosen --select, --skip, --provider or --min-severity.")

    if options.snapshot_in is not None:
        try:
            snapshot = Snapshot.load(options.snapshot_in)
        except SnapshotError as exc:
            raise InputError(f"{exc} Give a file written by 'streamaudit scan --snapshot-out'.") from exc
    else:
        snapshot = collect_snapshot(config)

    evaluation = evaluate(snapshot, selected, config.waivers)
    selected_ids = {evaluated.rule.id for evaluated in selected}
    for waiver in evaluation.unused_waivers:
        if waiver.rule in selected_ids:
            warnings.append(f"the waiver of {waiver.rule} on {waiver.resource} matches no result; check the resource id in the JSON report.")
    statuses = {Status.FAIL, Status.SUPPRESSED, Status.NOT_ASSESSED}
    if options.sarif_include_pass:
        statuses |= {Status.PASS, Status.NOT_APPLICABLE}
    report = ReportInput(
        evaluation=evaluation,
        snapshot=snapshot,
        artifact=_artifact(options),
        target_lines=target_lines(options.config_path),
        sarif_statuses=frozenset(statuses),
    )

    files = {options.output_dir / FORMATS[name].filename: FORMATS[name].render(report) for name in options.formats}
    if options.snapshot_out is not None:
        files[options.snapshot_out] = snapshot.to_json()
    try:
        write_all_atomic(files)
    except OSError as exc:
        raise InputError(
            f"cannot write {exc.filename}: {exc.strerror}. Nothing was written; choose a writable "
            "--output-dir for the reports and --snapshot-out path for the snapshot."
        ) from exc

    code = exit_code(evaluation, snapshot, Severity(options.fail_on), options.allow_partial)
    for warning in warnings:
        click.echo(f"streamaudit: warning: {warning}", err=True)
    _print_summary(report, files, code)
    return code


def _print_summary(report: ReportInput, files: dict[Path, str], code: int) -> None:
    counts = report.summary()
    click.echo(
        "streamaudit: "
        + ", ".join(f"{counts[status.value]} {status.value}" for status in Status)
        + f" across {len(report.snapshot.provenance.targets)} target(s)."
    )
    for entry in report.snapshot.provenance.targets:
        for error in entry.errors:
            click.echo(f"  not collected: {entry.provider}/{entry.target}: {error.scope}: {error.message}", err=True)
    for path in files:
        click.echo(f"  wrote {os.fspath(path)}")
    click.echo(f"  exit code {code}" + (" (coverage incomplete)" if code == 3 else ""))


__all__ = ["EXIT_INPUT_ERROR", "ScanOptions", "run_scan"]
