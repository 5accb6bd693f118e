"""Resolve the Apache Kafka server jars from Maven Central with the machine's ``mvn``.

The jars of one Kafka version land in ``<cache>/kafka/<version>/libs``, where
``<cache>`` is ``$STREAMAUDIT_CACHE`` or ``~/.cache/streamaudit``. A marker file
written after a successful copy makes later calls return at once without
running Maven. A file lock serialises concurrent resolutions of one version
(for example two pytest processes), and the jars are copied into a temporary
directory that is renamed into place, so a killed run never leaves a
half-filled ``libs`` directory behind.

Besides ``kafka_2.13`` the runtime gets a log4j2 backend: Kafka 4.x declares
``slf4j-api`` 1.7.36, so the matching binding is ``log4j-slf4j-impl`` (the
SLF4J 1.x binding), plus ``log4j-core``.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

from scanner.localkafka.errors import ResolveError, ToolMissingError

log = logging.getLogger(__name__)

# The newest 4.x release in Maven Central's metadata when pinned; 4.1.1 also
# starts with this harness (kafka_version="4.1.1").
KAFKA_VERSION = "4.4.0"
SCALA_VERSION = "2.13"
LOG4J_VERSION = "2.26.1"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
MAVEN_TIMEOUT_SECONDS = 1200.0

_COMPLETE_MARKER = ".complete"

_POM_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>streamaudit.localkafka</groupId>
  <artifactId>kafka-server-runtime</artifactId>
  <version>{kafka}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_{scala}</artifactId>
      <version>{kafka}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>{log4j}</version>
    </dependency>
  </dependencies>
</project>
"""


def cache_root() -> Path:
    """Return the streamaudit cache directory (``$STREAMAUDIT_CACHE`` or ``~/.cache/streamaudit``)."""
    override = os.environ.get("STREAMAUDIT_CACHE")
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "streamaudit"


def find_program(name: str, install_hint: str) -> str:
    """Return the absolute path of `name` on PATH, or raise ToolMissingError with `install_hint`."""
    path = shutil.which(name)
    if path is None:
        raise ToolMissingError(f"'{name}' was not found on PATH. {install_hint}")
    return path


def find_java() -> str:
    """Return the java executable: ``$JAVA_HOME/bin/java`` when set, else ``java`` on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        log.warning("JAVA_HOME=%s has no executable bin/java; looking for java on PATH", java_home)
    return find_program("java", "Install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless).")


def libs_dir(version: str = KAFKA_VERSION) -> Path:
    """Return the directory for the jars of Kafka `version` (it exists only after a resolve)."""
    return cache_root() / "kafka" / version / "libs"


def is_resolved(version: str = KAFKA_VERSION) -> bool:
    """True when the jars of `version` were copied completely by an earlier call."""
    return (libs_dir(version) / _COMPLETE_MARKER).is_file()


def resolve_kafka(version: str = KAFKA_VERSION, *, timeout: float = MAVEN_TIMEOUT_SECONDS) -> Path:
    """Return the directory of the Kafka `version` server jars, running Maven only on a cache miss.

    Raises ToolMissingError when ``mvn`` is missing and ResolveError when Maven
    fails or exceeds `timeout` seconds; the error contains the end of Maven's output.
    """
    target = libs_dir(version)
    if is_resolved(version):
        log.debug("Kafka %s jars found in %s", version, target)
        return target

    version_dir = target.parent
    version_dir.mkdir(parents=True, exist_ok=True)
    with open(version_dir / ".lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if is_resolved(version):
            return target
        _copy_dependencies(version, version_dir, timeout)
    return target


def _copy_dependencies(version: str, version_dir: Path, timeout: float) -> None:
    mvn = find_program("mvn", "Install Apache Maven 3.8+ (Debian: apt-get install maven).")
    pom = version_dir / "pom.xml"
    pom.write_text(_POM_TEMPLATE.format(kafka=version, scala=SCALA_VERSION, log4j=LOG4J_VERSION), encoding="utf-8")

    staging = version_dir / f"libs.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    command = [
        mvn,
        "-B",
        "-q",
        "-Dstyle.color=never",
        "-f",
        str(pom),
        f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    log.info("resolving Kafka %s jars with Maven into %s", version, version_dir / "libs")
    started = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ResolveError(f"mvn timed out after {timeout:.0f} s resolving Kafka {version}: {_tail(exc.stdout)}") from exc

    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        output = _tail((result.stdout or "") + (result.stderr or ""))
        raise ResolveError(
            f"mvn exited with code {result.returncode} resolving org.apache.kafka:kafka_{SCALA_VERSION}:{version}. "
            f"Check that Maven Central is reachable and the version exists. Maven output:\n{output}"
        )

    jars = sorted(path.name for path in staging.glob("*.jar"))
    if not any(name.startswith(f"kafka_{SCALA_VERSION}-") for name in jars):
        shutil.rmtree(staging, ignore_errors=True)
        raise ResolveError(f"mvn succeeded but copied no kafka_{SCALA_VERSION} jar into {staging}")

    (staging / _COMPLETE_MARKER).write_text("\n".join(jars) + "\n", encoding="utf-8")
    final = version_dir / "libs"
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    log.info("resolved %d jars for Kafka %s in %.1f s", len(jars), version, time.monotonic() - started)


def _tail(text: str | bytes | None, lines: int = 40) -> str:
    if text is None:
        return "(no output)"
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"
