"""Edge cases of the Event Hubs network and TLS rules, on snapshot models."""

from __future__ import annotations

from scanner.adapters.azure import parse
from scanner.model.azure import IpRule, NetworkRuleSet, PerimeterConfiguration, PrivateEndpointConnection
from tests.azure.builders import namespace, run, statuses, subscription


def rule_set(**fields) -> NetworkRuleSet:
    defaults = {"default_action": "Allow", "default_action_raw": "Allow"}
    return NetworkRuleSet(**(defaults | fields))


def test_net001_rule_set_disables_public_access():
    ns = namespace(public_network_access="Enabled", network_rule_set=rule_set(public_network_access="Disabled"))
    assert statuses("EVH-NET-001", ns) == ["PASS"]


def test_net001_rule_set_enables_public_access():
    ns = namespace(public_network_access="Disabled", network_rule_set=rule_set(public_network_access="Enabled"))
    [(_, status, message)] = run("EVH-NET-001", subscription(ns))
    assert status == "FAIL"
    assert "any address" in message


def test_net001_namespace_value_when_rule_set_silent():
    ns = namespace(public_network_access="Disabled", network_rule_set=rule_set(public_network_access=None))
    assert statuses("EVH-NET-001", ns) == ["PASS"]


def test_net001_lowercase_deny_passes():
    parsed = parse.network_rule_set({"properties": {"defaultAction": "deny", "publicNetworkAccess": "enabled", "ipRules": None}})
    assert parsed.default_action == "Deny"
    assert statuses("EVH-NET-001", namespace(network_rule_set=parsed)) == ["PASS"]


def test_net001_rule_set_missing_not_assessed():
    assert statuses("EVH-NET-001", namespace(network_rule_set=None)) == ["NOT_ASSESSED"]


def test_net001_basic_fails_with_upgrade():
    [(_, status, message)] = run("EVH-NET-001", subscription(namespace(sku="Basic", network_rule_set=rule_set(public_network_access="Enabled"))))
    assert status == "FAIL"
    assert "Standard or Premium" in message


def test_net001_basic_with_access_disabled_passes():
    assert statuses("EVH-NET-001", namespace(sku="Basic", public_network_access="Disabled", network_rule_set=rule_set())) == ["PASS"]


def test_net001_perimeter_modes():
    def perimeter(mode):
        configs = None if mode is None else [PerimeterConfiguration(name="assoc", access_mode=mode)]
        return namespace(
            sku="Premium",
            public_network_access="SecuredByPerimeter",
            network_rule_set=rule_set(public_network_access="SecuredByPerimeter"),
            perimeter_configurations=configs,
        )

    assert statuses("EVH-NET-001", perimeter("EnforcedMode")) == ["PASS"]
    assert statuses("EVH-NET-001", perimeter("LearningMode")) == ["FAIL"]
    assert statuses("EVH-NET-001", perimeter(None)) == ["NOT_ASSESSED"]


def test_net001_perimeter_learning_with_deny_passes():
    ns = namespace(
        public_network_access="SecuredByPerimeter",
        network_rule_set=rule_set(default_action="Deny", public_network_access="SecuredByPerimeter"),
        perimeter_configurations=[PerimeterConfiguration(name="assoc", access_mode="LearningMode")],
    )
    assert statuses("EVH-NET-001", ns) == ["PASS"]


def with_ip_rules(*masks: str, **fields):
    return namespace(network_rule_set=rule_set(default_action="Deny", ip_rules=[IpRule(ip_mask=mask) for mask in masks]), **fields)


def test_net002_wide_rule_fails():
    [(_, status, message)] = run("EVH-NET-002", subscription(with_ip_rules("203.0.113.7", "0.0.0.0/0")))
    assert status == "FAIL"
    assert "0.0.0.0/0" in message


def test_net002_narrow_rules_pass():
    assert statuses("EVH-NET-002", with_ip_rules("198.51.100.0/24", "192.0.2.1")) == ["PASS"]
    assert statuses("EVH-NET-002", with_ip_rules()) == ["PASS"]


def test_net002_parameters():
    assert statuses("EVH-NET-002", with_ip_rules("10.20.0.0/16"), min_ip_prefix_length=16) == ["PASS"]
    assert statuses("EVH-NET-002", with_ip_rules("10.20.0.0/16"), allowed_cidrs=["10.0.0.0/8"]) == ["PASS"]
    assert statuses("EVH-NET-002", with_ip_rules("10.20.0.0/16"), allowed_cidrs=["172.16.0.0/12"]) == ["FAIL"]


def test_net002_ipv6_and_invalid_masks():
    assert statuses("EVH-NET-002", with_ip_rules("2001:db8::/48")) == ["FAIL"]
    assert statuses("EVH-NET-002", with_ip_rules("2001:db8::/112")) == ["PASS"]
    assert statuses("EVH-NET-002", with_ip_rules("not-an-address")) == ["FAIL"]


def test_net002_not_applicable_cases():
    assert statuses("EVH-NET-002", namespace(sku="Basic")) == ["NOT_APPLICABLE"]
    disabled = namespace(network_rule_set=rule_set(public_network_access="Disabled", ip_rules=[IpRule(ip_mask="0.0.0.0/0")]))
    assert statuses("EVH-NET-002", disabled) == ["NOT_APPLICABLE"]


def connection(status: str) -> PrivateEndpointConnection:
    return PrivateEndpointConnection(name=f"pe-{status}", status=parse.canonical(status, parse.CONNECTION_STATES), status_raw=status)


def test_net003_statuses():
    assert statuses("EVH-NET-003", namespace(private_endpoint_connections=[connection("Pending"), connection("approved")])) == ["PASS"]
    assert statuses("EVH-NET-003", namespace(private_endpoint_connections=[connection("Rejected")])) == ["FAIL"]
    assert statuses("EVH-NET-003", namespace(private_endpoint_connections=[])) == ["FAIL"]
    assert statuses("EVH-NET-003", namespace(private_endpoint_connections=None)) == ["NOT_ASSESSED"]
    assert statuses("EVH-NET-003", namespace(sku="Basic")) == ["FAIL"]


def test_tls001_versions():
    assert statuses("EVH-TLS-001", namespace(minimum_tls_version="1.0")) == ["FAIL"]
    assert statuses("EVH-TLS-001", namespace(minimum_tls_version="1.1")) == ["FAIL"]
    assert statuses("EVH-TLS-001", namespace(minimum_tls_version="1.2")) == ["PASS"]
    assert statuses("EVH-TLS-001", namespace(minimum_tls_version="1.3")) == ["PASS"]
    assert statuses("EVH-TLS-001", namespace(minimum_tls_version=None)) == ["NOT_ASSESSED"]
