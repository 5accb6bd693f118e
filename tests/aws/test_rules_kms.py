"""KIN-ENC-001..004 on model instances: key forms, key classes, rotation, state and key policy."""

from __future__ import annotations

import pytest

from scanner.model.aws import PolicyStatement
from tests.aws.models import REGION, account, cmk, region, rid, run, statuses, stream

ALIAS_ARN = f"arn:aws:kms:{REGION}:123456789012:alias/cmk"


def _encrypted(reference: str, key=None, **fields):
    keys = [key] if key is not None else []
    return account(region(streams=[stream(encryption_type="KMS", key_id=reference)], kms_keys=keys, **fields))


def test_enc001_pass_and_fail():
    unit = account(region(streams=[stream("plain"), stream("sealed", encryption_type="KMS", key_id="alias/cmk")]))
    assert statuses("KIN-ENC-001", unit) == {rid("kinesis", "plain"): "FAIL", rid("kinesis", "sealed"): "PASS"}


def test_enc001_stream_not_described():
    unit = account(region(streams=[stream("gone").model_copy(update={"collection_error": "not_found: gone"})]))
    assert statuses("KIN-ENC-001", unit) == {rid("kinesis", "gone"): "NOT_ASSESSED"}


def test_enc001_region_not_collected():
    unit = account(region().model_copy(update={"collection_error": "authentication: region disabled"}))
    assert statuses("KIN-ENC-001", unit) == {rid(): "NOT_ASSESSED"}


@pytest.mark.parametrize("reference", ["alias/cmk", ALIAS_ARN, "k1", "arn:aws:kms:us-east-1:123456789012:key/k1"])
def test_enc002_resolves_every_key_form(reference):
    assert statuses("KIN-ENC-002", _encrypted(reference, cmk(reference))) == {rid("kinesis", "s1"): "PASS"}


def test_enc002_aws_managed_fails():
    key = cmk("alias/aws/kinesis", manager="AWS", rotation_enabled=None)
    assert statuses("KIN-ENC-002", _encrypted("alias/aws/kinesis", key)) == {rid("kinesis", "s1"): "FAIL"}


def test_enc002_aws_managed_alias_without_describe():
    key = cmk("alias/aws/kinesis").model_copy(update={"error": "denied: AccessDenied", "manager": None})
    assert statuses("KIN-ENC-002", _encrypted("alias/aws/kinesis", key)) == {rid("kinesis", "s1"): "FAIL"}


def test_enc002_minimum_external():
    unit = _encrypted("alias/cmk", cmk())
    assert statuses("KIN-ENC-002", unit, min_key_class="external") == {rid("kinesis", "s1"): "FAIL"}
    imported = _encrypted("alias/cmk", cmk(origin="EXTERNAL"))
    assert statuses("KIN-ENC-002", imported, min_key_class="external") == {rid("kinesis", "s1"): "PASS"}


def test_enc002_minimum_aws_managed_accepts_all():
    key = cmk("alias/aws/kinesis", manager="AWS")
    assert statuses("KIN-ENC-002", _encrypted("alias/aws/kinesis", key), min_key_class="aws_managed") == {rid("kinesis", "s1"): "PASS"}


def test_enc002_invalid_minimum_raises():
    with pytest.raises(ValueError, match="min_key_class"):
        run("KIN-ENC-002", _encrypted("alias/cmk", cmk()), min_key_class="hsm")


def test_enc002_unencrypted_not_applicable():
    assert statuses("KIN-ENC-002", account(region(streams=[stream()]))) == {rid("kinesis", "s1"): "NOT_APPLICABLE"}


def test_enc002_cross_account_key_denied():
    reference = "arn:aws:kms:us-east-1:999999999999:key/x"
    key = cmk(reference).model_copy(update={"error": "denied: DescribeKey: AccessDeniedException", "manager": None, "arn": None})
    status, message = run("KIN-ENC-002", _encrypted(reference, key))[rid("kinesis", "s1")]
    assert status == "NOT_ASSESSED"
    assert "AccessDenied" in message


def test_enc003_rotation_statuses():
    assert statuses("KIN-ENC-003", _encrypted("alias/cmk", cmk())) == {rid("kinesis", "s1"): "PASS"}
    assert statuses("KIN-ENC-003", _encrypted("alias/cmk", cmk(rotation_enabled=False))) == {rid("kinesis", "s1"): "FAIL"}
    managed = cmk("alias/aws/kinesis", manager="AWS", rotation_enabled=None)
    assert statuses("KIN-ENC-003", _encrypted("alias/aws/kinesis", managed)) == {rid("kinesis", "s1"): "NOT_APPLICABLE"}
    imported = cmk(origin="EXTERNAL", rotation_enabled=None)
    assert statuses("KIN-ENC-003", _encrypted("alias/cmk", imported)) == {rid("kinesis", "s1"): "NOT_APPLICABLE"}


def test_enc003_rotation_unread():
    key = cmk(rotation_enabled=None, errors={"rotation_enabled": "denied: AccessDeniedException"})
    status, message = run("KIN-ENC-003", _encrypted("alias/cmk", key))[rid("kinesis", "s1")]
    assert status == "NOT_ASSESSED"
    assert "AccessDenied" in message


def test_enc004_state_and_policy():
    public = PolicyStatement(effect="Allow", principals=["*"], actions=["kms:Decrypt"], resources=["*"])
    conditioned = public.model_copy(update={"conditions": {"StringEquals": {"kms:CallerAccount": ["123456789012"]}}})
    cases = {
        "enabled-private": (cmk(), "PASS"),
        "disabled": (cmk(state="Disabled"), "FAIL"),
        "pending": (cmk(state="PendingDeletion", deletion_date="2026-12-11T00:00:00+00:00"), "FAIL"),
        "public": (cmk(policy_statements=[public]), "FAIL"),
        "conditioned": (cmk(policy_statements=[conditioned]), "PASS"),
        "unread": (cmk(policy_statements=None, errors={"policy_statements": "kms:GetKeyPolicy cannot read a key in another account"}), "NOT_ASSESSED"),
    }
    for name, (key, expected) in cases.items():
        assert statuses("KIN-ENC-004", _encrypted("alias/cmk", key)) == {rid("kinesis", "s1"): expected}, name
