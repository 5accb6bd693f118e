"""Derive a broker's listeners from its configuration entries.

Kafka spreads listener facts over several keys: ``listeners`` and
``advertised.listeners`` give names and addresses,
``listener.security.protocol.map`` the security protocol of each name,
``inter.broker.listener.name`` and ``controller.listener.names`` their roles,
and ``listener.name.<name>.<key>`` overrides a setting for one listener.
"""

from __future__ import annotations

from scanner.model.kafka import ConfigValue, Listener, ListenerRole, SecurityProtocol

# Broker defaults for the keys read here (Apache Kafka 4.x).
DEFAULT_PROTOCOL_MAP = "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT"
DEFAULTS = {
    "sasl.enabled.mechanisms": "GSSAPI",
    "ssl.client.auth": "none",
    "ssl.enabled.protocols": "TLSv1.2,TLSv1.3",
    "ssl.endpoint.identification.algorithm": "https",
}


def parse_endpoints(value: str | None) -> dict[str, tuple[str | None, int | None]]:
    """Parse ``NAME://host:port,...`` into {NAME: (host, port)}; an empty host means all interfaces."""
    endpoints: dict[str, tuple[str | None, int | None]] = {}
    for item in (value or "").split(","):
        item = item.strip()
        if "://" not in item:
            continue
        name, _, address = item.partition("://")
        host, _, port = address.rpartition(":")
        host = host.strip("[]") or None
        endpoints[name.strip().upper()] = (host, int(port) if port.isdigit() else None)
    return endpoints


def parse_protocol_map(value: str | None) -> dict[str, SecurityProtocol]:
    """Parse ``NAME:PROTOCOL,...``; unknown protocol names are skipped."""
    mapping: dict[str, SecurityProtocol] = {}
    for item in (value or DEFAULT_PROTOCOL_MAP).split(","):
        name, _, protocol = item.strip().partition(":")
        if name and protocol.strip().upper() in SecurityProtocol.__members__:
            mapping[name.strip().upper()] = SecurityProtocol(protocol.strip().upper())
    return mapping


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def effective(configs: dict[str, ConfigValue], listener: str, key: str) -> tuple[str | None, bool]:
    """Return (value, overridden) for `key` on one listener: the listener override wins over the base key."""
    override = configs.get(f"listener.name.{listener.lower()}.{key}")
    if override is not None and override.value is not None:
        return override.value, True
    base = configs.get(key)
    if base is not None:
        return base.value, False
    return DEFAULTS.get(key), False


def parse_listeners(configs: dict[str, ConfigValue]) -> list[Listener]:
    """Return the broker's listeners, each with its roles and effective security settings."""

    def value(key: str) -> str | None:
        entry = configs.get(key)
        return entry.value if entry is not None else None

    bound = parse_endpoints(value("listeners"))
    advertised = parse_endpoints(value("advertised.listeners"))
    protocols = parse_protocol_map(value("listener.security.protocol.map"))
    controller_names = {name.upper() for name in _split(value("controller.listener.names"))}

    inter_broker = (value("inter.broker.listener.name") or "").upper()
    if not inter_broker:
        protocol = (value("security.inter.broker.protocol") or "PLAINTEXT").upper()
        inter_broker = next((name for name, mapped in protocols.items() if name == protocol and mapped == protocol), protocol)

    listeners = []
    for name in sorted(set(bound) | controller_names):
        protocol = protocols.get(name, SecurityProtocol(name) if name in SecurityProtocol.__members__ else None)
        if protocol is None:
            continue

        roles = []
        if name in controller_names:
            roles.append(ListenerRole.CONTROLLER)
        else:
            roles.append(ListenerRole.CLIENT)
        if name == inter_broker:
            roles.append(ListenerRole.INTER_BROKER)

        overrides = []
        settings = {}
        for key in DEFAULTS:
            setting, overridden = effective(configs, name, key)
            settings[key] = setting
            if overridden:
                overrides.append(key)
        if name in controller_names and value("sasl.mechanism.controller.protocol"):
            settings["sasl.enabled.mechanisms"] = value("sasl.mechanism.controller.protocol")

        host, port = bound.get(name, (None, None))
        # Without advertised.listeners a broker advertises its bound client listeners.
        default_advertised = (None, None) if name in controller_names or advertised else (host, port)
        advertised_host, advertised_port = advertised.get(name, default_advertised)
        protocols_value = settings["ssl.enabled.protocols"]
        listeners.append(
            Listener(
                name=name,
                security_protocol=protocol,
                host=host,
                port=port,
                advertised_host=advertised_host,
                advertised_port=advertised_port,
                roles=roles,
                sasl_mechanisms=_split(settings["sasl.enabled.mechanisms"]) if protocol.sasl else [],
                ssl_client_auth=settings["ssl.client.auth"] if protocol.encrypted else None,
                ssl_enabled_protocols=_split(protocols_value) if protocol.encrypted and protocols_value is not None else None,
                ssl_endpoint_identification=settings["ssl.endpoint.identification.algorithm"] if protocol.encrypted else None,
                overrides=overrides,
            )
        )
    return listeners
