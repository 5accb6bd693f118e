"""Turn server.properties input into brokers, or merge it into brokers collected live.

Live values win: a file fills only keys that DescribeConfigs did not report
or reported as sensitive (``super.users``, ``allow.everyone.if.no.acl.found``
and every password-type key come back as null). Each filled entry keeps the
file path in `ConfigValue.file`, which rules show as the source of the fact.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scanner.adapters.kafka.listeners import parse_listeners
from scanner.adapters.kafka.properties import read_properties_file
from scanner.errors import InputError
from scanner.model.kafka import Broker, ConfigValue, Listener
from scanner.model.kafka_probes import PropertiesFile

log = logging.getLogger(__name__)

FileConfigs = dict[int, dict[str, ConfigValue]]


def read_files(paths: list[Path], target: str) -> tuple[list[PropertiesFile], FileConfigs]:
    """Read every file of one target; raise InputError when two files describe the same node id."""
    files: list[PropertiesFile] = []
    configs: FileConfigs = {}
    for path in paths:
        described, values = read_properties_file(path)
        if described.node_id in configs:
            other = next(file.path for file in files if file.node_id == described.node_id)
            raise InputError(
                f"kafka target {target}: {path} and {other} both describe node {described.node_id}; "
                "give one server.properties file per broker"
            )
        files.append(described)
        configs[described.node_id] = values
    return files, configs


def _address(listeners: list[Listener]) -> tuple[str | None, int | None]:
    """Return the advertised address of the broker's first client-only listener, else of any advertised listener."""
    advertised = [listener for listener in listeners if listener.is_client and listener.advertised_port is not None]
    advertised.sort(key=lambda listener: len(listener.roles))
    if advertised:
        return advertised[0].advertised_host, advertised[0].advertised_port
    return None, None


def brokers_from_files(configs: FileConfigs) -> list[Broker]:
    """Build one broker per file, with the listeners its configuration defines."""
    brokers = []
    for node_id, values in configs.items():
        listeners = parse_listeners(values)
        host, port = _address(listeners)
        brokers.append(Broker(id=node_id, host=host, port=port, configs=values, listeners=listeners))
    return brokers


def merge_files(brokers: list[Broker], configs: FileConfigs, target: str) -> list[Broker]:
    """Fill keys that the live scan could not read from the file of the same node id.

    Listeners are parsed again when a file filled a key, because listener
    settings may be among them. Brokers without a file are returned unchanged.
    """
    merged = []
    for broker in brokers:
        values = configs.get(broker.id)
        if values is None or broker.configs is None:
            merged.append(broker)
            continue

        combined = dict(broker.configs)
        filled = []
        for key, value in values.items():
            live = combined.get(key)
            if (live is None or live.value is None) and not (value.default and live is not None):
                combined[key] = value
                filled.append(key)
        log.info("kafka target %s: broker %d: %d key(s) filled from %s", target, broker.id, len(filled), next(iter(values.values())).file)
        merged.append(broker.model_copy(update={"configs": dict(sorted(combined.items())), "listeners": parse_listeners(combined)}))

    unmatched = sorted(set(configs) - {broker.id for broker in brokers})
    if unmatched:
        log.warning("kafka target %s: server.properties for node(s) %s match no live broker", target, unmatched)
    return merged
