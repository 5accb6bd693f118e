"""The ``streamaudit`` command line: ``scan``, ``rules list``, ``rules show`` and ``local-broker``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from scanner import __version__
from scanner.errors import InputError
from scanner.findings import Severity
from scanner.scan import ScanOptions, run_scan

SEVERITIES = [severity.value for severity in Severity]
FORMAT_NAMES = ("json", "sarif", "html")


def _configure_logging(verbosity: int) -> None:
    level = logging.DEBUG
    if verbosity == 0:
        level = logging.WARNING
    elif verbosity == 1:
        level = logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)

    # The Azure SDK logs every HTTP request and its headers at INFO; keep that for -vv.
    if verbosity < 2:
        for noisy in ("azure", "urllib3", "botocore", "boto3"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # librdkafka logs every failed connection attempt; the adapter records the error that matters.
        logging.getLogger("scanner.adapters.kafka.librdkafka").setLevel(logging.CRITICAL)


class _Group(click.Group):
    """A click group that turns InputError into one message and exit code 2, with no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"streamaudit: error: {exc}", err=True)
            ctx.exit(2)


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMAT_NAMES]
    if unknown or not names:
        raise click.BadParameter(f"{value!r}: choose one or more of {', '.join(FORMAT_NAMES)}, separated by commas.")
    return names


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="streamaudit")
def main() -> None:
    """Scan Kafka, Azure Event Hubs and AWS Kinesis estates against streaming security rules.

    Exit codes: 0 no failing result at or above --fail-on; 1 failing results
    found; 2 usage or input error; 3 scan incomplete (a target or part of one
    was not collected).
    """


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Scan configuration file (YAML).")
@click.option("--kafka-bootstrap", multiple=True, metavar="HOST:PORT", help="Scan this Kafka cluster without a configuration file (plaintext, no credentials). Repeat for more clusters.")
@click.option("--snapshot", "snapshot_in", type=click.Path(path_type=Path), help="Evaluate a saved snapshot instead of collecting from live targets.")
@click.option("--snapshot-out", type=click.Path(path_type=Path), help="Also write the collected snapshot to this file.")
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("streamaudit-report"), show_default=True, help="Folder for the report files.")
@click.option("--format", "formats", default="json,sarif", show_default=True, callback=_formats, help="Report formats, comma-separated: json, sarif, html.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="low", show_default=True, help="Lowest severity of a FAIL that makes the exit code 1.")
@click.option("--select", multiple=True, metavar="ID", help="Run only these rules (ids or patterns such as 'KAFKA-ACL-*'). Repeatable.")
@click.option("--skip", multiple=True, metavar="ID", help="Skip these rules (ids or patterns). Repeatable.")
@click.option("--provider", "providers", multiple=True, type=click.Choice(["kafka", "aws", "azure"]), help="Run only the rules of this provider. Repeatable.")
@click.option("--min-severity", type=click.Choice(SEVERITIES), help="Run only rules of this severity or higher.")
@click.option("--waivers", "waivers_path", type=click.Path(path_type=Path), help="YAML file of waivers that turn matching FAILs into SUPPRESSED.")
@click.option("--allow-partial", is_flag=True, help="Do not exit with 3 when some target was not fully collected.")
@click.option("--sarif-include-pass", is_flag=True, help="Also put PASS and NOT_APPLICABLE results into the SARIF file.")
@click.option("--sarif-artifact", metavar="PATH", help="Repository-relative file that SARIF results point to (default: the --config file, else the --snapshot file).")
@click.option("-v", "--verbose", count=True, help="Log progress to stderr (-v) or debug details (-vv).")
def scan(**options) -> None:
    """Collect a snapshot of the configured targets, evaluate the rules and write reports."""
    _configure_logging(options.pop("verbose"))
    code = run_scan(ScanOptions(**options))
    sys.exit(code)


@main.group("rules")
def rules_group() -> None:
    """List and describe the rules."""


@rules_group.command("list")
@click.option("--provider", type=click.Choice(["kafka", "aws", "azure"]), help="Only this provider's rules.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def rules_list(provider: str | None, as_json: bool) -> None:
    """List every rule with its severity, title and parameters."""
    from rules import all_rules

    selected = [rule for rule in all_rules().values() if provider in (None, rule.provider)]
    if as_json:
        click.echo(json.dumps([_rule_summary(rule) for rule in selected], indent=2))
        return
    for rule in selected:
        click.echo(f"{rule.id:<20} {rule.severity.value:<9} {rule.title}")
        for name, param in rule.params.items():
            click.echo(f"{'':<31}param {name} = {json.dumps(param.default)}")


@rules_group.command("show")
@click.argument("rule_id")
def rules_show(rule_id: str) -> None:
    """Show one rule in full: rationale, remediation, parameters and references."""
    from rules import all_rules

    catalog = all_rules()
    rule = catalog.get(rule_id.upper())
    if rule is None:
        raise InputError(f"no rule has the id {rule_id!r}. Run 'streamaudit rules list' for the ids.")

    click.echo(f"{rule.id}: {rule.title}")
    click.echo(f"severity: {rule.severity.value}    provider: {rule.provider}    resource: {rule.resource_type}")
    if rule.principle:
        click.echo(f"principle: {rule.principle}")
    click.echo(f"\nWhy: {rule.rationale}\n\nFix: {rule.remediation}")
    if rule.params:
        click.echo("\nParameters:")
        for name, param in rule.params.items():
            click.echo(f"  {name} = {json.dumps(param.default)}: {param.description}")
    for url in rule.references:
        click.echo(f"\nReference: {url}")


def _rule_summary(rule) -> dict:
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity.value,
        "provider": rule.provider,
        "resource_type": rule.resource_type,
        "principle": rule.principle,
        "params": {name: {"default": param.default, "description": param.description} for name, param in rule.params.items()},
        "references": list(rule.references),
    }


def _add_local_broker() -> None:
    try:
        from scanner.localkafka.cli import local_broker
    except ImportError:
        return
    main.add_command(local_broker, "local-broker")


_add_local_broker()
