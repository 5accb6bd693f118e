"""`LocalBroker`: a single-node Apache Kafka 4.x broker+controller (KRaft) on 127.0.0.1 for tests.

`LocalBroker.start` resolves the Kafka jars with Maven (cached) and generates
TLS material and random SCRAM passwords. It formats KRaft storage with the
SCRAM users and launches ``kafka.Kafka`` with a small heap. Once an AdminClient
on the ``CLIENT`` listener can list topics, it creates the seed topics and ACLs
as ``admin``. See `scanner.localkafka.profiles` for the listeners of each profile.

The broker log is ``<work_dir>/logs/server.log``; JVM stdout and stderr go to
``<work_dir>/logs/stdout.log``.
"""

from __future__ import annotations

import base64
import logging
import secrets
import shutil
import tempfile
import time
import uuid
import weakref
from importlib import resources
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from scanner.localkafka import jvm, maven, seed
from scanner.localkafka.errors import BrokerStartError, LocalKafkaError
from scanner.localkafka.profiles import ADMIN_USER, APP_USER, SCANNER_USER, SCRAM_MECHANISM, Profile, get_profile
from scanner.localkafka.serverconfig import (
    HOST,
    BrokerTls,
    listener_protocols,
    pick_free_ports,
    render_properties,
    write_properties,
)
from scanner.localkafka.tls import IssuedCertificate, client_spec, create_ca, issue_certificate, server_spec

log = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 20.0
BIND_RETRIES = 3
_PROBE_INTERVAL_SECONDS = 0.5


class LocalBroker:
    """A local single-node Kafka broker in one security profile; use as a context manager.

    `profile` is a profile name (see `scanner.localkafka.profiles.PROFILES`) or
    a `Profile`. `work_dir` must be missing or empty; None creates a temporary
    directory. `client_port` fixes the ``CLIENT`` port, other ports are free
    ports picked on 127.0.0.1. `stop()` removes the work directory unless
    `keep_work_dir`. A finalizer kills the JVM if the object is collected or
    the interpreter exits while the broker runs.
    """

    def __init__(
        self,
        profile: str | Profile = "plaintext",
        *,
        work_dir: str | Path | None = None,
        client_port: int | None = None,
        keep_work_dir: bool = False,
        kafka_version: str = maven.KAFKA_VERSION,
        heap: str = "512m",
        start_timeout: float = START_TIMEOUT_SECONDS,
        stop_timeout: float = STOP_TIMEOUT_SECONDS,
    ) -> None:
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        self.kafka_version = kafka_version
        self.keep_work_dir = keep_work_dir
        self.heap = heap
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._requested_dir = Path(work_dir).expanduser().resolve() if work_dir is not None else None
        self._client_port = client_port
        self._work_dir: Path | None = None
        self._process = None
        self._finalizer: weakref.finalize | None = None
        self._ports: dict[str, int] = {}
        self._tls: BrokerTls | None = None
        self._client_certs: dict[str, IssuedCertificate] = {}
        self.cluster_id = _new_cluster_id()
        self.passwords: dict[str, str] = (
            {user: secrets.token_urlsafe(18) for user in self.profile.users} if self.profile.uses_scram else {}
        )

    # -- lifecycle -----------------------------------------------------------------

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> LocalBroker:
        """Start the broker and return self once the ``CLIENT`` listener serves metadata.

        Raises ToolMissingError when java or mvn is missing, ResolveError when
        Maven fails, and BrokerStartError when the JVM exits or the listener
        does not respond within `start_timeout` seconds. The BrokerStartError
        message ends with the broker log tail.
        """
        if self.running:
            return self
        libs = maven.resolve_kafka(self.kafka_version)
        java = maven.find_java()
        self._work_dir = self._prepare_work_dir()
        self._finalizer = weakref.finalize(self, _cleanup, self._work_dir, None, self.keep_work_dir)
        log.info("starting local Kafka %s broker, profile %s, in %s", self.kafka_version, self.profile.name, self._work_dir)

        started = time.monotonic()
        try:
            if self.profile.uses_tls:
                self._generate_tls()
            self._launch_with_retries(java, libs)
            self._seed()
        except BaseException:
            self._cleanup_after_failure()
            raise
        log.info("local broker %s ready at %s in %.1f s", self.profile.name, self.bootstrap, time.monotonic() - started)
        return self

    def stop(self) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL after `stop_timeout` s) and remove the work dir unless kept."""
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        self._kill()
        if self._work_dir is not None and not self.keep_work_dir and self._work_dir.exists():
            shutil.rmtree(self._work_dir, ignore_errors=True)
            log.info("removed broker work dir %s", self._work_dir)

    # -- public properties ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the broker JVM is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def exit_code(self) -> int | None:
        """Exit code of the broker JVM, or None while it runs or before start."""
        return None if self._process is None else self._process.poll()

    @property
    def pid(self) -> int | None:
        """Process id of the broker JVM, or None before start."""
        return None if self._process is None else self._process.pid

    @property
    def work_dir(self) -> Path:
        """Directory with server.properties, data, logs and TLS material."""
        if self._work_dir is None:
            raise LocalKafkaError("the broker has no work dir yet; call start() first")
        return self._work_dir

    @property
    def log_path(self) -> Path:
        """The broker's log4j2 log file."""
        return self.work_dir / "logs" / "server.log"

    @property
    def listeners(self) -> dict[str, str]:
        """Listener name → ``127.0.0.1:port`` for every listener, including ``CONTROLLER``."""
        return {name: f"{HOST}:{port}" for name, port in self._ports.items()}

    @property
    def listener_protocols(self) -> dict[str, str]:
        """Listener name → security protocol."""
        return listener_protocols(self.profile)

    @property
    def bootstrap(self) -> str:
        """``127.0.0.1:port`` of the ``CLIENT`` listener."""
        if "CLIENT" not in self._ports:
            raise LocalKafkaError("the broker has no ports yet; call start() first")
        return self.listeners["CLIENT"]

    @property
    def ca_path(self) -> Path | None:
        """PEM file of the test CA that issued the broker and client certificates; None without TLS."""
        return None if self._tls is None else self._tls.ca.cert_path

    @property
    def client_trust_path(self) -> Path | None:
        """PEM file that a client must trust to verify the ``CLIENT`` listener.

        The CA file, or the certificate itself when it is self-signed (weak-cert).
        """
        if self._tls is None:
            return None
        if self._tls.client_listener.spec.self_signed:
            return self._tls.client_listener.cert_path
        return self._tls.ca.cert_path

    @property
    def server_certificate(self) -> IssuedCertificate | None:
        """The certificate that the ``CLIENT`` listener presents; None without TLS."""
        return None if self._tls is None else self._tls.client_listener

    @property
    def client_certificates(self) -> dict[str, IssuedCertificate]:
        """User name → CA-issued client certificate (CN = user name), for TLS profiles."""
        return dict(self._client_certs)

    @property
    def admin_user(self) -> str:
        """Name of the super user: SCRAM user in SASL profiles, certificate CN in mTLS."""
        return ADMIN_USER

    @property
    def admin_password(self) -> str | None:
        """SCRAM password of ``admin``; None when the profile has no SCRAM."""
        return self.passwords.get(ADMIN_USER)

    @property
    def scanner_password(self) -> str | None:
        """SCRAM password of the read-only ``scanner`` principal; None when the profile has no SCRAM."""
        return self.passwords.get(SCANNER_USER)

    @property
    def app_password(self) -> str | None:
        """SCRAM password of ``app``; None when the profile has no SCRAM."""
        return self.passwords.get(APP_USER)

    def client_config(self, user: str | None = ADMIN_USER, *, listener: str = "CLIENT") -> dict[str, Any]:
        """Return confluent-kafka settings that connect to `listener` as `user`.

        `user` picks the SCRAM credentials on SASL_SSL and the client
        certificate on SSL listeners with client auth; None connects without
        credentials. Raises LocalKafkaError for an unknown user or listener.
        """
        protocols = self.listener_protocols
        if listener not in protocols or listener not in self._ports:
            raise LocalKafkaError(f"listener {listener!r} does not exist; this broker has {', '.join(self._ports)}")
        protocol = protocols[listener]
        config: dict[str, Any] = {"bootstrap.servers": self.listeners[listener], "security.protocol": protocol}
        if protocol in ("SSL", "SASL_SSL"):
            trust = self.client_trust_path if listener == "CLIENT" else self.ca_path
            config["ssl.ca.location"] = str(trust)
            config["ssl.endpoint.identification.algorithm"] = "https"
        if listener == "CLIENT":
            config.update(self.profile.client_settings)
        if protocol == "SASL_SSL" and user is not None:
            if user not in self.passwords:
                raise LocalKafkaError(f"no SCRAM user {user!r}; users are {', '.join(self.passwords)}")
            config.update({"sasl.mechanism": SCRAM_MECHANISM, "sasl.username": user, "sasl.password": self.passwords[user]})
        if protocol == "SSL" and user is not None:
            if user not in self._client_certs:
                raise LocalKafkaError(f"no client certificate for {user!r}; users are {', '.join(self._client_certs)}")
            config["ssl.certificate.location"] = str(self._client_certs[user].cert_path)
            config["ssl.key.location"] = str(self._client_certs[user].key_path)
        return config

    def log_tail(self, lines: int = 60) -> str:
        """Return the first distinct ERROR lines and the last `lines` lines of the JVM output and broker log."""
        parts = []
        errors = jvm.first_error_lines(self.log_path)
        if errors:
            parts.append("--- first ERROR lines ---\n" + "\n".join(errors))
        for path in (self.work_dir / "logs" / "stdout.log", self.log_path):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(parts) or "(no broker log written)"

    # -- start steps --------------------------------------------------------------------

    def _prepare_work_dir(self) -> Path:
        if self._requested_dir is None:
            return Path(tempfile.mkdtemp(prefix=f"streamaudit-kafka-{self.profile.name}-"))
        if self._requested_dir.exists() and any(self._requested_dir.iterdir()):
            raise LocalKafkaError(f"work dir {self._requested_dir} is not empty; pass a new or empty directory")
        self._requested_dir.mkdir(parents=True, exist_ok=True)
        return self._requested_dir

    def _generate_tls(self) -> None:
        tls_dir = self.work_dir / "tls"
        ca = create_ca(tls_dir)
        internal = issue_certificate(server_spec(), tls_dir, "broker", ca)
        client_listener = internal
        if self.profile.client_server_cert is not None:
            client_listener = issue_certificate(self.profile.client_server_cert, tls_dir, "client-listener", ca)
        self._tls = BrokerTls(ca=ca, internal=internal, client_listener=client_listener)
        self._client_certs = {
            user: issue_certificate(client_spec(user), tls_dir, f"client-{user}", ca) for user in self.profile.users
        }

    def _launch(self, java: str, libs: Path) -> None:
        data_dir = self.work_dir / "data"
        logs_dir = self.work_dir / "logs"
        shutil.rmtree(data_dir, ignore_errors=True)
        logs_dir.mkdir(parents=True, exist_ok=True)
        self._ports = pick_free_ports(list(listener_protocols(self.profile)), self._client_port)

        properties = self.work_dir / "server.properties"
        write_properties(properties, render_properties(self.profile, self._ports, data_dir, self._tls))
        log4j_config = self.work_dir / "log4j2.properties"
        log4j_config.write_text(resources.files("scanner.localkafka").joinpath("log4j2.properties").read_text("utf-8"))
        java_security = None
        security_override = jvm.java_security_override(self.profile.relax_jvm_security, self.profile.legacy_tls)
        if security_override is not None:
            java_security = self.work_dir / "java.security"
            java_security.write_text(security_override, encoding="utf-8")

        scram = [f"{SCRAM_MECHANISM}=[name={user},password={password}]" for user, password in self.passwords.items()]
        jvm.format_storage(java, libs, properties, self.cluster_id, scram, logs_dir / "format.log")
        command = jvm.server_command(java, libs, properties, log4j_config, logs_dir, self.heap, java_security)
        self._process = jvm.launch(command, logs_dir / "stdout.log", self.work_dir)
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _cleanup, self._work_dir, self._process, self.keep_work_dir)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        admin = AdminClient(self._probe_config())
        last_error = "no response yet"
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                raise BrokerStartError(f"broker JVM exited with code {code} during startup.\n{self.log_tail()}")
            try:
                admin.list_topics(timeout=min(5.0, max(0.5, deadline - time.monotonic())))
                return
            except KafkaException as exc:
                last_error = str(exc)
            time.sleep(_PROBE_INTERVAL_SECONDS)
        raise BrokerStartError(
            f"broker {self.profile.name} did not respond on {self.bootstrap} within {self.start_timeout:.0f} s "
            f"(last error: {last_error}).\n{self.log_tail()}"
        )

    def _probe_config(self) -> dict[str, Any]:
        config = self.client_config(ADMIN_USER if self.profile.client_protocol != "PLAINTEXT" else None)
        config["logger"] = logging.getLogger("scanner.localkafka.librdkafka")
        config["reconnect.backoff.max.ms"] = 1000
        return config

    def _launch_with_retries(self, java: str, libs: Path) -> None:
        for attempt in range(1, BIND_RETRIES + 1):
            try:
                self._launch(java, libs)
                self._wait_until_ready()
                return
            except BrokerStartError as exc:
                port_taken = "Address already in use" in str(exc)
                if not port_taken or attempt == BIND_RETRIES or self._client_port is not None:
                    raise
                log.warning("a picked port was taken before the broker bound it; retrying with new ports (%d)", attempt)
                self._kill()

    def _seed(self) -> None:
        if self.profile.seed_topics:
            seed.seed(self._probe_config(), create_acls=self.profile.authorizer and self.profile.seed_acls)

    def _kill(self) -> None:
        if self._process is not None:
            jvm.terminate(self._process, self.stop_timeout)

    def _cleanup_after_failure(self) -> None:
        self._kill()
        if self.keep_work_dir:
            log.info("broker start failed; work dir %s kept", self._work_dir)
        self.stop()


def _cleanup(work_dir: Path | None, process: Any, keep_work_dir: bool = True) -> None:
    if process is not None:
        jvm.terminate(process, STOP_TIMEOUT_SECONDS)
    if work_dir is not None and not keep_work_dir:
        shutil.rmtree(work_dir, ignore_errors=True)


def _new_cluster_id() -> str:
    """Return a random KRaft cluster id (URL-safe base64 of a UUID, without padding)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id
