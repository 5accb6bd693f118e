"""Model-level tests of the rules on the live TLS probe: versions, expiry, key strength, names."""

from datetime import datetime, timedelta, timezone

from scanner.model.kafka_probes import ProbeStatus, TlsProbe, TlsVersionProbe, VersionResult
from tests.kafka.builders import broker, certificate, cluster, listener, run_rule, statuses, tls_probe

LISTENER = "kafka/prod/broker/1/listener/"


def unit(*listeners):
    return cluster([broker(*listeners)])


def test_tls004_weak_version_fails_with_versions():
    outcomes = run_rule("KAFKA-TLS-004", unit(listener("SSL", "SSL", tls_probe=tls_probe(("TLSv1.1", "TLSv1.2")))))
    assert statuses(outcomes) == {LISTENER + "SSL": "FAIL"}
    assert outcomes[0].evidence["tls_versions"] == {"TLSv1": "rejected", "TLSv1.1": "accepted", "TLSv1.2": "accepted", "TLSv1.3": "rejected"}
    assert "TLSv1.1" in outcomes[0].message


def test_tls004_modern_versions_pass():
    outcomes = run_rule("KAFKA-TLS-004", unit(listener("SSL", "SSL", tls_probe=tls_probe())))
    assert statuses(outcomes) == {LISTENER + "SSL": "PASS"}
    assert outcomes[0].evidence["accepted"] == ["TLSv1.2", "TLSv1.3"]


def test_tls004_untested_weak_version_not_assessed():
    probe = tls_probe()
    versions = [TlsVersionProbe(version="TLSv1", result=VersionResult.NOT_TESTED, detail="local OpenSSL cannot offer TLSv1"), *probe.versions[1:]]
    outcomes = run_rule("KAFKA-TLS-004", unit(listener("SSL", "SSL", tls_probe=probe.model_copy(update={"versions": versions}))))
    assert statuses(outcomes) == {LISTENER + "SSL": "NOT_ASSESSED"}
    assert "local OpenSSL" in outcomes[0].message


def test_tls004_probe_states():
    listeners = [
        listener("PLAIN", "PLAINTEXT"),
        listener("OFF", "SSL", tls_probe=TlsProbe(status=ProbeStatus.DISABLED, reason="the TLS probe is disabled (probes.tls: false)")),
        listener("SLOW", "SSL", tls_probe=TlsProbe(status=ProbeStatus.TIMED_OUT, reason="no answer within 5 s")),
        listener("NONE", "SSL"),
    ]
    outcomes = run_rule("KAFKA-TLS-004", unit(*listeners))
    assert statuses(outcomes) == {
        LISTENER + "PLAIN": "NOT_APPLICABLE",
        LISTENER + "OFF": "NOT_ASSESSED",
        LISTENER + "SLOW": "NOT_ASSESSED",
        LISTENER + "NONE": "NOT_ASSESSED",
    }
    messages = {outcome.resource_id: outcome.message for outcome in outcomes}
    assert "is disabled" in messages[LISTENER + "OFF"]
    assert "timed out" in messages[LISTENER + "SLOW"]


def test_tls005_expiry_boundaries():
    now = datetime.now(timezone.utc)
    listeners = [
        listener("EXPIRED", "SSL", tls_probe=tls_probe(certificate=certificate(not_after=now - timedelta(days=1)))),
        listener("SOON", "SSL", tls_probe=tls_probe(certificate=certificate(not_after=now + timedelta(days=5)))),
        listener("LATER", "SSL", tls_probe=tls_probe(certificate=certificate(not_after=now + timedelta(days=31)))),
        listener("FUTURE", "SSL", tls_probe=tls_probe(certificate=certificate(not_before=now + timedelta(days=2)))),
    ]
    outcomes = run_rule("KAFKA-TLS-005", unit(*listeners))
    assert statuses(outcomes) == {LISTENER + "EXPIRED": "FAIL", LISTENER + "SOON": "FAIL", LISTENER + "LATER": "PASS", LISTENER + "FUTURE": "FAIL"}
    soon = next(outcome for outcome in outcomes if outcome.resource_id.endswith("SOON"))
    assert soon.evidence["days_left"] == 4
    assert soon.evidence["subject"] == "CN=kafka-1.example.internal,O=example"
    assert statuses(run_rule("KAFKA-TLS-005", unit(*listeners), cert_expiry_warning_days=3))[LISTENER + "SOON"] == "PASS"


def test_tls005_missing_certificate_not_assessed():
    probe = tls_probe(certificate=None, reason="no handshake completed")
    outcomes = run_rule("KAFKA-TLS-005", unit(listener("MTLS", "SSL", tls_probe=probe)))
    assert statuses(outcomes) == {LISTENER + "MTLS": "NOT_ASSESSED"}
    assert "no handshake completed" in outcomes[0].message


def test_tls006_key_and_signature_strength():
    listeners = [
        listener("RSA1024", "SSL", tls_probe=tls_probe(certificate=certificate(key_size=1024))),
        listener("SHA1", "SSL", tls_probe=tls_probe(certificate=certificate(signature_algorithm="sha1WithRSAEncryption", signature_hash="sha1"))),
        listener("EC224", "SSL", tls_probe=tls_probe(certificate=certificate(key_type="EC", key_size=224, signature_algorithm="ecdsa-with-SHA256"))),
        listener("EC256", "SSL", tls_probe=tls_probe(certificate=certificate(key_type="EC", key_size=256, signature_algorithm="ecdsa-with-SHA256"))),
        listener("MD5", "SSL", tls_probe=tls_probe(certificate=certificate(signature_algorithm="md5WithRSAEncryption", signature_hash=None))),
        listener("ED25519", "SSL", tls_probe=tls_probe(certificate=certificate(key_type="Ed25519", key_size=256, signature_algorithm="ed25519", signature_hash=None))),
        listener("RSA2048", "SSL", tls_probe=tls_probe()),
    ]
    outcomes = run_rule("KAFKA-TLS-006", unit(*listeners))
    assert statuses(outcomes) == {
        LISTENER + "RSA1024": "FAIL",
        LISTENER + "SHA1": "FAIL",
        LISTENER + "EC224": "FAIL",
        LISTENER + "EC256": "PASS",
        LISTENER + "MD5": "FAIL",
        LISTENER + "ED25519": "PASS",
        LISTENER + "RSA2048": "PASS",
    }
    weak = next(outcome for outcome in outcomes if outcome.resource_id.endswith("RSA1024"))
    assert weak.evidence["key_size"] == 1024
    assert "RSA key of 1024 bits" in weak.message


def test_tls007_name_mismatch_and_verification_off():
    listeners = [
        listener("WRONG", "SSL", ssl_endpoint_identification="https", tls_probe=tls_probe(hostname_matches=False)),
        listener("OFF", "SSL", ssl_endpoint_identification="", overrides=["ssl.endpoint.identification.algorithm"], tls_probe=tls_probe()),
        listener("GOOD", "SSL", ssl_endpoint_identification="https", tls_probe=tls_probe()),
        listener("UNPROBED", "SSL", ssl_endpoint_identification="https"),
    ]
    outcomes = run_rule("KAFKA-TLS-007", unit(*listeners))
    assert statuses(outcomes) == {LISTENER + "WRONG": "FAIL", LISTENER + "OFF": "FAIL", LISTENER + "GOOD": "PASS", LISTENER + "UNPROBED": "NOT_ASSESSED"}
    by_id = {outcome.resource_id: outcome for outcome in outcomes}
    assert by_id[LISTENER + "WRONG"].evidence["dns_names"] == ["kafka-1.example.internal"]
    assert "kafka-1.example.internal" in by_id[LISTENER + "WRONG"].message
    assert by_id[LISTENER + "OFF"].evidence["config"] == "listener.name.off.ssl.endpoint.identification.algorithm"


def test_tls007_static_input_fails_on_config_alone():
    off = listener("SSL", "SSL", ssl_endpoint_identification="", tls_probe=TlsProbe(status=ProbeStatus.SKIPPED, reason="static input"))
    assert statuses(run_rule("KAFKA-TLS-007", unit(off))) == {LISTENER + "SSL": "FAIL"}
