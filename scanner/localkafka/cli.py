"""``local-broker`` commands: run a local test broker in the foreground."""

from __future__ import annotations

import logging
import signal
import time
from pathlib import Path
from types import FrameType

import click
import yaml

from scanner.localkafka.broker import LocalBroker
from scanner.localkafka.errors import LocalKafkaError
from scanner.localkafka.maven import KAFKA_VERSION, resolve_kafka
from scanner.localkafka.profiles import PROFILES, SCANNER_USER

log = logging.getLogger(__name__)

PASSWORD_VARIABLE = "STREAMAUDIT_LOCAL_SCANNER_PASSWORD"


class _StopRequested(Exception):
    """Raised from the SIGTERM and SIGINT handler to leave the wait loop."""


@click.group(name="local-broker")
def local_broker() -> None:
    """Run a local single-node Apache Kafka broker (127.0.0.1 only) for trying streamaudit."""


@local_broker.command()
@click.option(
    "--profile",
    "profile_name",
    type=click.Choice(list(PROFILES)),
    default="plaintext",
    show_default=True,
    help="Security profile: listeners, authentication and authorizer settings.",
)
@click.option(
    "--dir",
    "work_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Work directory for config, data, logs and TLS files; must be new or empty. Default: a temporary directory.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="TCP port of the CLIENT listener. Default: a free port.")
@click.option("--keep", is_flag=True, help="Keep the work directory after the broker stops.")
def start(profile_name: str, work_dir: Path | None, port: int | None, keep: bool) -> None:
    """Start a broker, print how to connect, and run until Ctrl-C or SIGTERM."""
    broker = LocalBroker(profile_name, work_dir=work_dir, client_port=port, keep_work_dir=keep)
    # SIGINT gets an explicit handler too. A non-interactive shell starts '&'
    # jobs with SIGINT ignored, and Python then raises no KeyboardInterrupt.
    previous_handlers = {signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            broker.start()
        except LocalKafkaError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(describe(broker))
        click.echo("Broker running; press Ctrl-C to stop.")
        while broker.running:
            time.sleep(0.5)
        log.error("broker JVM exited unexpectedly with code %s", broker.exit_code)
        raise click.ClickException(f"the broker JVM exited with code {broker.exit_code}.\n{broker.log_tail()}")
    except _StopRequested:
        click.echo("Stopping the broker…", err=True)
    finally:
        broker.stop()
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)


@local_broker.command()
def fetch() -> None:
    """Resolve the Kafka jars with Maven into the cache, so a later start needs no download."""
    try:
        libs = resolve_kafka()
    except LocalKafkaError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Kafka {KAFKA_VERSION} jars are in {libs}")


def describe(broker: LocalBroker) -> str:
    """Return the connection summary printed by ``start``: addresses, files and an example config.

    The output contains the ``scanner`` password in an ``export`` line for SASL
    profiles, because a person needs it to run a scan against this broker.
    """
    lines = [
        f"Profile:    {broker.profile.name} ({broker.profile.description})",
        f"Bootstrap:  {broker.bootstrap}",
        "Listeners:  " + ", ".join(f"{name}={address} ({broker.listener_protocols[name]})" for name, address in broker.listeners.items()),
        f"Work dir:   {broker.work_dir}",
        f"Broker log: {broker.log_path}",
    ]
    if broker.ca_path is not None:
        lines.append(f"CA:         {broker.ca_path}")
        if broker.client_trust_path != broker.ca_path:
            lines.append(f"Trust for CLIENT listener: {broker.client_trust_path} (self-signed)")
    lines += ["", "Example streamaudit configuration (scanning as 'scanner'):", "", example_config(broker)]
    if broker.scanner_password is not None:
        lines += ["Before scanning, run:", "", f"export {PASSWORD_VARIABLE}='{broker.scanner_password}'", ""]
    return "\n".join(lines)


def example_config(broker: LocalBroker) -> str:
    """Return a YAML configuration with one Kafka target for this broker, secrets as ``${env:...}`` references."""
    settings = broker.client_config(SCANNER_USER)
    settings.pop("bootstrap.servers")
    if "sasl.password" in settings:
        settings["sasl.password"] = f"${{env:{PASSWORD_VARIABLE}}}"
    config = {
        "version": 1,
        "targets": {
            "kafka": [
                {
                    "name": f"local-{broker.profile.name}",
                    "bootstrap": broker.bootstrap,
                    "environment": "sandbox",
                    "client": settings,
                }
            ]
        },
    }
    return yaml.safe_dump(config, sort_keys=False, default_flow_style=False)


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _StopRequested()
