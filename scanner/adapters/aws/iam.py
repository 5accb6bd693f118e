"""Collect the IAM identity policies that grant Kinesis actions, from iam:GetAccountAuthorizationDetails."""

from __future__ import annotations

import logging
from typing import Any

from scanner.adapters.aws.actions import allowed_kinesis_actions
from scanner.adapters.aws.policy import parse_statements
from scanner.model.aws import IamPrincipal, IdentityPolicy, PolicyStatement

log = logging.getLogger(__name__)

_PRINCIPAL_LISTS = (
    ("UserDetailList", "user", "UserName", "UserPolicyList"),
    ("GroupDetailList", "group", "GroupName", "GroupPolicyList"),
    ("RoleDetailList", "role", "RoleName", "RolePolicyList"),
)


def _kinesis_statements(document: Any, where: str) -> list[PolicyStatement]:
    """Return the Allow statements of a document that grant at least one Kinesis action."""
    try:
        statements = parse_statements(document, has_principal=False)
    except ValueError as exc:
        log.warning("IAM policy %s has an unreadable document (%s); it is left out", where, exc)
        return []
    return [statement for statement in statements if statement.allows and allowed_kinesis_actions(statement)]


def _default_version(policy: dict[str, Any]) -> Any:
    for version in policy.get("PolicyVersionList", []):
        if version.get("IsDefaultVersion"):
            return version.get("Document", {})
    return {}


def read_authorization_details(client: Any) -> dict[str, list[dict[str, Any]]]:
    """Page through GetAccountAuthorizationDetails to the end and merge the pages."""
    merged: dict[str, list[dict[str, Any]]] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for page in client.get_paginator("get_account_authorization_details").paginate():
        for key in merged:
            merged[key].extend(page.get(key, []))
    return merged


def build_iam(details: dict[str, list[dict[str, Any]]]) -> tuple[list[IdentityPolicy], list[IamPrincipal]]:
    """Return the Kinesis-granting policies and the principals they apply to.

    AWS-managed policies that nothing is attached to are left out; unattached
    customer-managed policies are kept, since attaching them needs no review
    of their text.
    """
    policies: dict[str, IdentityPolicy] = {}
    for policy in details["Policies"]:
        arn = policy["Arn"]
        aws_managed = arn.split(":")[4] == "aws"
        if aws_managed and not policy.get("AttachmentCount"):
            continue
        statements = _kinesis_statements(_default_version(policy), arn)
        if statements:
            name = policy.get("PolicyName") or arn.rsplit("/", 1)[-1]
            policies[arn] = IdentityPolicy(id=arn, name=name, kind="managed", statements=statements)

    own_policies: dict[str, list[str]] = {}
    group_policies: dict[str, list[str]] = {}
    kinds: dict[str, tuple[str, str, str]] = {}
    for list_key, kind, name_key, inline_key in _PRINCIPAL_LISTS:
        for entry in details[list_key]:
            arn = entry["Arn"]
            kinds[arn] = (kind, entry[name_key], entry.get("Path", "/"))
            ids = [attached["PolicyArn"] for attached in entry.get("AttachedManagedPolicies", []) if attached["PolicyArn"] in policies]
            for inline in entry.get(inline_key, []):
                policy_id = f"{arn}/inline-policy/{inline['PolicyName']}"
                statements = _kinesis_statements(inline.get("PolicyDocument", {}), policy_id)
                if statements:
                    policies[policy_id] = IdentityPolicy(id=policy_id, name=inline["PolicyName"], kind="inline", statements=statements)
                    ids.append(policy_id)
            own_policies[arn] = ids
            if kind == "group":
                group_policies[entry[name_key]] = ids

    principals = []
    for entry in details["UserDetailList"]:
        own_policies[entry["Arn"]] += [policy_id for group in entry.get("GroupList", []) for policy_id in group_policies.get(group, [])]
    for arn, policy_ids in own_policies.items():
        if policy_ids:
            kind, name, path = kinds[arn]
            principals.append(IamPrincipal(arn=arn, name=name, kind=kind, path=path, policy_ids=policy_ids))
    return list(policies.values()), principals
