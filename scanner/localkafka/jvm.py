"""Run the Kafka JVM: format KRaft storage, launch the server, and stop it.

Main classes in ``kafka_2.13`` (checked for Kafka 4.1.1 and 4.4.0):
``kafka.tools.StorageTool`` formats storage and ``kafka.Kafka`` runs the server.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

from scanner.localkafka.errors import LocalKafkaError

log = logging.getLogger(__name__)

STORAGE_TOOL_CLASS = "kafka.tools.StorageTool"
SERVER_CLASS = "kafka.Kafka"
FORMAT_TIMEOUT_SECONDS = 120.0

# The JDK's defaults minus every SHA-1 restriction and with RSA keys down to
# 1024 bits allowed. Used only for brokers whose profile sets
# relax_jvm_security. On Debian's OpenJDK 17.0.15 a self-signed RSA-1024
# SHA-1 certificate is served without this file, because the stock
# jdk.certpath.disabledAlgorithms limits SHA-1 only for chains that end at a
# JDK cacerts CA ("SHA1 jdkCA & usage TLSServer"). The override keeps such a
# certificate servable on JDK builds that disable SHA-1 in more cases.
RELAXED_JAVA_SECURITY = """\
jdk.certpath.disabledAlgorithms=MD2, MD5, RSA keySize < 1024, DSA keySize < 1024, EC keySize < 224
jdk.tls.disabledAlgorithms=SSLv3, TLSv1, TLSv1.1, DTLSv1.0, RC4, DES, MD5withRSA, \\
    DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL, ECDH
jdk.security.legacyAlgorithms=
"""

# The JDK's jdk.tls.disabledAlgorithms without TLSv1 and TLSv1.1, used only
# for brokers whose profile sets legacy_tls. Kafka then serves TLS 1.0 and 1.1
# on listeners whose ssl.enabled.protocols lists them.
LEGACY_TLS_JAVA_SECURITY = """\
jdk.tls.disabledAlgorithms=SSLv3, DTLSv1.0, RC4, DES, MD5withRSA, \\
    DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL, ECDH
"""


def java_security_override(relax: bool, legacy_tls: bool) -> str | None:
    """Return the java.security override text for a profile, or None when it needs none."""
    if legacy_tls:
        # Later lines win in a properties file, so this replaces the relaxed disabledAlgorithms too.
        return (RELAXED_JAVA_SECURITY if relax else "") + LEGACY_TLS_JAVA_SECURITY
    return RELAXED_JAVA_SECURITY if relax else None

_PR_SET_PDEATHSIG = 1


def classpath(libs: Path) -> str:
    """Return the JVM class path wildcard for every jar in `libs`."""
    return str(libs / "*")


def format_storage(
    java: str, libs: Path, properties: Path, cluster_id: str, scram_credentials: Sequence[str], log_path: Path
) -> None:
    """Format the KRaft log directories of `properties`, adding SCRAM credentials at format time.

    Each entry of `scram_credentials` is one ``--add-scram`` value such as
    ``SCRAM-SHA-512=[name=alice,password=...]``. The command line (and so
    ``ps``) shows these passwords while the tool runs, for about a second.
    The tool's output goes to `log_path`, never to this process's log,
    because it can contain the command line. Raises LocalKafkaError when the
    tool fails or times out.
    """
    command = [java, "-Xmx256m", "-cp", classpath(libs), STORAGE_TOOL_CLASS, "format"]
    command += ["--config", str(properties), "--cluster-id", cluster_id]
    for credential in scram_credentials:
        command += ["--add-scram", credential]

    log.info("formatting KRaft storage for cluster %s with %d SCRAM credential(s)", cluster_id, len(scram_credentials))
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=FORMAT_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LocalKafkaError(f"{STORAGE_TOOL_CLASS} format timed out after {FORMAT_TIMEOUT_SECONDS:.0f} s") from exc

    output = (result.stdout or "") + (result.stderr or "")
    log_path.write_text(output, encoding="utf-8")
    if result.returncode != 0:
        raise LocalKafkaError(
            f"{STORAGE_TOOL_CLASS} format exited with code {result.returncode}; its output is in {log_path}:\n"
            + "\n".join(output.splitlines()[-20:])
        )


def server_command(
    java: str,
    libs: Path,
    properties: Path,
    log4j_config: Path,
    logs_dir: Path,
    heap: str,
    java_security: Path | None = None,
) -> list[str]:
    """Return the java command line that runs the broker with `properties`."""
    command = [
        java,
        "-Xms64m",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={log4j_config}",
        f"-Dkafka.logs.dir={logs_dir}",
    ]
    if java_security is not None:
        command.append(f"-Djava.security.properties={java_security}")
    command += ["-cp", classpath(libs), SERVER_CLASS, str(properties)]
    return command


def launch(command: list[str], stdout_path: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start `command` in its own process group with output appended to `stdout_path`.

    On Linux the child gets SIGKILL when the thread that started it exits
    (PR_SET_PDEATHSIG), so a killed test run leaves no JVM behind. Start the
    broker from a thread that lives as long as the broker should.
    """
    with open(stdout_path, "ab") as output:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent if os.uname().sysname == "Linux" else None,
        )
    log.info("started broker JVM pid %d", process.pid)
    return process


def terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Send SIGTERM to the process group of `process`, then SIGKILL if it is still running after `timeout` seconds."""
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
        log.info("broker JVM pid %d exited with code %s", process.pid, process.returncode)
        return
    except subprocess.TimeoutExpired:
        log.warning("broker JVM pid %d did not exit %.0f s after SIGTERM; sending SIGKILL", process.pid, timeout)
    _signal_group(process, signal.SIGKILL)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log.error("broker JVM pid %d is still running after SIGKILL", process.pid)


def first_error_lines(path: Path, limit: int = 5, width: int = 400) -> list[str]:
    """Return up to `limit` log4j lines of level ERROR from `path`, one per distinct message start."""
    if not path.is_file():
        return []
    found: list[str] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8", errors="replace") as log_file:
        for line in log_file:
            if "] ERROR " not in line:
                continue
            message = line.split("] ERROR ", 1)[1][:width].rstrip()
            key = message[:80]
            if key not in seen:
                seen.add(key)
                found.append(line.rstrip()[:width])
            if len(found) >= limit:
                break
    return found


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
    except PermissionError as exc:
        log.warning("cannot signal process group %d: %s; signalling the process only", process.pid, exc)
        process.send_signal(signum)


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
