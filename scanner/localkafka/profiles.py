"""Security profiles of the local broker: one frozen dataclass of options per named profile.

Listener names used by every profile:

- ``CLIENT``: the listener under test; `LocalBroker.bootstrap` points here.
- ``CONTROLLER``: the KRaft controller listener (``controller.listener.names``).
- ``INTERNAL``: inter-broker traffic, present in every profile except ``plaintext``.
- ``ANON``: an extra listener without authentication (PLAINTEXT, or SSL
  without client certificates), present only when `Profile.anonymous_listener`
  is set. Its clients have the principal ``User:ANONYMOUS``.

In TLS profiles ``INTERNAL`` and ``CONTROLLER`` are SSL listeners with
``ssl.client.auth=required``. They always use a sound CA-issued broker
certificate (CN ``kafka-broker``), so a deliberately bad ``CLIENT`` certificate
(expired, weak, wrong SAN) does not break the broker's own connections.
``ssl.principal.mapping.rules`` maps a certificate subject ``CN=x,...`` to the
principal ``User:x``, which makes the broker ``User:kafka-broker`` and an mTLS
client with CN ``admin`` ``User:admin``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from scanner.localkafka.tls import CertSpec, server_spec

Protocol = Literal["PLAINTEXT", "SSL", "SASL_SSL"]

AUTHORIZER_CLASS = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
BROKER_PRINCIPAL_NAME = "kafka-broker"
ADMIN_USER = "admin"
SCANNER_USER = "scanner"
APP_USER = "app"
# A principal that no seed ACL names, for probes of what a principal without ACLs can do.
NO_ACL_USER = "nobody"
DEFAULT_USERS = (ADMIN_USER, SCANNER_USER, APP_USER, NO_ACL_USER)
SCRAM_MECHANISM = "SCRAM-SHA-512"
TLS_PROTOCOLS = "TLSv1.2,TLSv1.3"


@dataclass(frozen=True)
class Profile:
    """Options that decide the listeners and security settings of one local broker.

    `client_protocol` is the protocol of the ``CLIENT`` listener: SASL_SSL uses
    SCRAM-SHA-512 users, SSL requires client certificates. `auto_create_topics`
    None leaves ``auto.create.topics.enable`` unset (Kafka's default, true).
    `client_server_cert` replaces the CA-issued certificate that the ``CLIENT``
    listener presents. `relax_jvm_security` starts the broker JVM with a
    ``java.security`` override that re-enables SHA-1 and small RSA keys.
    `legacy_tls` lets the JVM serve TLS 1.0 and 1.1 where a listener's
    ``ssl.enabled.protocols`` lists them.
    `client_settings` are extra librdkafka settings that a client needs on the
    ``CLIENT`` listener.
    """

    name: str
    description: str
    client_protocol: Protocol
    authorizer: bool = False
    allow_everyone_if_no_acl_found: bool = False
    auto_create_topics: bool | None = None
    anonymous_listener: Literal["PLAINTEXT", "SSL"] | None = None
    extra_super_users: tuple[str, ...] = ()
    client_server_cert: CertSpec | None = None
    relax_jvm_security: bool = False
    legacy_tls: bool = False
    client_settings: dict[str, str] = field(default_factory=dict)
    users: tuple[str, ...] = DEFAULT_USERS
    seed_topics: bool = True
    seed_acls: bool = True
    extra_properties: dict[str, str] = field(default_factory=dict)

    @property
    def uses_tls(self) -> bool:
        """True when any listener of this profile uses TLS (so TLS material is generated)."""
        return self.client_protocol != "PLAINTEXT" or self.anonymous_listener == "SSL"

    @property
    def uses_scram(self) -> bool:
        """True when the ``CLIENT`` listener authenticates with SCRAM-SHA-512."""
        return self.client_protocol == "SASL_SSL"

    @property
    def internal_protocol(self) -> Protocol:
        """Protocol of the ``CONTROLLER`` and inter-broker listeners."""
        return "PLAINTEXT" if not self.uses_tls else "SSL"

    @property
    def super_users(self) -> tuple[str, ...]:
        """Principals listed in ``super.users`` when the authorizer is on."""
        principals = [f"User:{ADMIN_USER}"]
        if self.uses_tls:
            principals.append(f"User:{BROKER_PRINCIPAL_NAME}")
        return tuple(principals) + self.extra_super_users


SASL_SSL = Profile(
    name="sasl-ssl",
    description="SASL_SSL client listener with SCRAM-SHA-512, StandardAuthorizer, deny when no ACL matches",
    client_protocol="SASL_SSL",
    authorizer=True,
    allow_everyone_if_no_acl_found=False,
    auto_create_topics=False,
)

PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            name="plaintext",
            description="PLAINTEXT client and controller listeners, no authorizer, Kafka's default auto topic creation",
            client_protocol="PLAINTEXT",
            seed_acls=False,
        ),
        SASL_SSL,
        Profile(
            name="mtls",
            description="SSL client listener with ssl.client.auth=required, StandardAuthorizer, CN-mapped principals",
            client_protocol="SSL",
            authorizer=True,
            allow_everyone_if_no_acl_found=False,
            auto_create_topics=False,
        ),
        replace(
            SASL_SSL,
            name="sasl-ssl-expiring",
            description="sasl-ssl whose CLIENT listener certificate expires in 5 days",
            client_server_cert=server_spec(valid_days=5),
        ),
        replace(
            SASL_SSL,
            name="weak-cert",
            description="sasl-ssl whose CLIENT listener certificate is a self-signed RSA-1024 SHA-1 leaf",
            client_server_cert=server_spec(self_signed=True, rsa_key_size=1024, hash_name="sha1"),
            relax_jvm_security=True,
            # OpenSSL 3 rejects SHA-1 signatures and RSA-1024 keys at its
            # default security level 1; level 0 accepts them and still checks
            # the chain and the host name.
            client_settings={"ssl.cipher.suites": "DEFAULT:@SECLEVEL=0"},
        ),
        replace(
            SASL_SSL,
            name="allow-everyone",
            description="sasl-ssl with allow.everyone.if.no.acl.found=true and no seed ACLs, so no ACL matches any topic",
            allow_everyone_if_no_acl_found=True,
            # The seed's LITERAL '*' topic bindings would match every topic and so hide the setting.
            seed_acls=False,
        ),
        replace(
            SASL_SSL,
            name="legacy-tls",
            description=(
                "sasl-ssl whose CLIENT listener also accepts TLS 1.0 and 1.1, presents a certificate for "
                "kafka.example.invalid only, and has ssl.endpoint.identification.algorithm empty"
            ),
            client_server_cert=server_spec(dns_names=("kafka.example.invalid",), ip_addresses=()),
            legacy_tls=True,
            client_settings={"ssl.endpoint.identification.algorithm": "none"},
            extra_properties={
                "listener.name.client.ssl.enabled.protocols": "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3",
                "listener.name.client.ssl.endpoint.identification.algorithm": "",
            },
        ),
        replace(
            SASL_SSL,
            name="anonymous-super",
            description="sasl-ssl plus an unauthenticated PLAINTEXT listener ANON, with User:ANONYMOUS in super.users",
            anonymous_listener="PLAINTEXT",
            extra_super_users=("User:ANONYMOUS",),
        ),
    )
}


def get_profile(name: str) -> Profile:
    """Return the profile called `name`; raise ValueError listing the known names otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown broker profile {name!r}; choose one of: {', '.join(PROFILES)}") from None
