"""Collect one AWS target: its accounts (configured roles or an Organization), their regions and resources.

Accounts, regions and per-resource reads run in bounded thread pools. A
failed call never stops the scan: it is logged, recorded as a
CollectionError in the target's provenance, and leaves the affected model
field None with the reason, so rules report NOT_ASSESSED for it. Only an
InputError (such as an unset ``${env:NAME}`` variable) is raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scanner import secrets
from scanner.adapters.aws import iam, kinesis, services
from scanner.adapters.aws.config import AwsAccountRef, AwsTarget
from scanner.adapters.aws.context import ErrorLog, RegionScope
from scanner.adapters.aws.errors import REGION_DISABLED_CODES, classify, error_code
from scanner.adapters.aws.kms import KeyReader
from scanner.adapters.aws.ratelimit import RateLimiter
from scanner.adapters.aws.session import AccountSession, CallRecorder, assumed_role_session, base_session
from scanner.errors import InputError
from scanner.model.aws import AwsAccount, AwsRegion
from scanner.model.common import CollectionError, ErrorKind, TargetProvenance

log = logging.getLogger(__name__)
AwsError = (ClientError, BotoCoreError)

# Region collections after the streams, as (model field, operation named in errors, collector).
_REGION_READS: list[tuple[str, str, Callable[[RegionScope], list]]] = [
    ("vpcs", "ec2:DescribeVpcs", services.collect_vpcs),
    ("vpc_endpoints", "ec2:DescribeVpcEndpoints", services.collect_endpoints),
    ("firehose_streams", "firehose:ListDeliveryStreams", services.collect_firehose),
    ("event_source_mappings", "lambda:ListEventSourceMappings", services.collect_mappings),
    ("alarms", "cloudwatch:DescribeAlarms", services.collect_alarms),
    ("msk_clusters", "kafka:ListClustersV2", services.collect_msk),
]


@dataclass(frozen=True)
class AccountPlan:
    """One account to collect: the role to assume (None for the base credentials) and its external id."""

    role_arn: str | None
    external_id: str | None
    account_id: str | None


class AwsCollector:
    """Collects one target. Use `collect()`; `calls` then contains every operation sent."""

    def __init__(self, target: AwsTarget) -> None:
        self.target = target
        self.calls = CallRecorder()
        self.limiter = RateLimiter(target.rate_for)
        self.error_log = ErrorLog()
        self.base = base_session(target)
        self._home = AccountSession(target, self.base, self.calls, self.limiter, account="base")

    def _record(self, scope: str, kind: ErrorKind, message: str) -> None:
        log.error("aws target %s: %s: %s", self.target.name, scope, message)
        self.error_log.add(CollectionError(scope=scope, kind=kind, message=message))

    def _plans(self) -> list[AccountPlan]:
        """Return the accounts to scan; raises the Organizations error when the listing fails."""
        where = f"targets.aws.{self.target.name}"
        if self.target.organization is not None:
            return self._organization_plans(where)
        refs = self.target.accounts or [AwsAccountRef()]
        return [
            AccountPlan(ref.role_arn, secrets.resolve(ref.external_id, f"{where}.external_id"), ref.account_id)  # type: ignore[arg-type]
            for ref in refs
        ]

    def _organization_plans(self, where: str) -> list[AccountPlan]:
        organization = self.target.organization
        assert organization is not None
        external_id = secrets.resolve(organization.external_id, f"{where}.organization.external_id")
        session = self._home
        if organization.management_role_arn:
            management_external = external_id if isinstance(external_id, str) else None
            core = assumed_role_session(self.target, self._home.client("sts", self.target.home_region), organization.management_role_arn, management_external)
            session = AccountSession(self.target, core, self.calls, self.limiter, account="organization")

        accounts = []
        for page in session.client("organizations", self.target.home_region).get_paginator("list_accounts").paginate():
            accounts.extend(account for account in page.get("Accounts", []) if account.get("Status") == "ACTIVE")
        ids = sorted(account["Id"] for account in accounts)
        if organization.include_accounts:
            ids = [account for account in ids if account in organization.include_accounts]
        ids = [account for account in ids if account not in organization.exclude_accounts]
        return [
            AccountPlan(f"arn:aws:iam::{account}:role/{organization.role_name}", external_id, account)  # type: ignore[arg-type]
            for account in ids
        ]

    def collect(self) -> tuple[list[AwsAccount], TargetProvenance]:
        """Collect every account of the target; return the account units and the target's provenance."""
        started = time.monotonic()
        log.info("aws target %s: collecting", self.target.name)
        try:
            plans = self._plans()
        except InputError:
            raise
        except AwsError as exc:
            kind, message = classify(exc)
            self._record("target", kind, f"listing the organization's accounts failed: {message}")
            return [AwsAccount(target=self.target.name, collection_error=message)], self._provenance()

        with ThreadPoolExecutor(max_workers=self.target.max_concurrent_accounts, thread_name_prefix="aws-account") as pool:
            accounts = list(pool.map(self._collect_account_safely, plans))

        if accounts and all(account.collection_error for account in accounts):
            self._record("target", ErrorKind.ERROR, "no account of the target could be collected")
        log.info(
            "aws target %s: %d account(s) in %.1f s, %d API call(s)",
            self.target.name, len(accounts), time.monotonic() - started, self.calls.total,
        )
        return accounts, self._provenance()

    def _provenance(self) -> TargetProvenance:
        return TargetProvenance(provider="aws", target=self.target.name, errors=self.error_log.sorted())

    def _account_session(self, plan: AccountPlan) -> tuple[AccountSession, str]:
        """Return the account's session and id; raises the STS error when the role cannot be assumed."""
        session = self.base
        if plan.role_arn is not None:
            session = assumed_role_session(self.target, self._home.client("sts", self.target.home_region), plan.role_arn, plan.external_id)
        account = AccountSession(self.target, session, self.calls, self.limiter, account=plan.account_id or "unknown")
        identity = account.client("sts", self.target.home_region).get_caller_identity()
        account.account = identity["Account"]
        return account, identity["Account"]

    def _collect_account_safely(self, plan: AccountPlan) -> AwsAccount:
        """Collect one account; an unexpected exception marks the account not collected instead of ending the scan."""
        try:
            return self._collect_account(plan)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - one account's bug or odd response must not end the scan
            label = plan.account_id or "base credentials"
            log.exception("aws target %s: account %s: collection failed", self.target.name, label)
            message = f"{type(exc).__name__}: {exc}"
            self._record(f"account {label}", ErrorKind.ERROR, f"collection failed: {message}")
            return AwsAccount(target=self.target.name, account_id=plan.account_id, role_arn=plan.role_arn, collection_error=message)

    def _collect_account(self, plan: AccountPlan) -> AwsAccount:
        base = {"target": self.target.name, "account_id": plan.account_id, "role_arn": plan.role_arn}
        label = plan.account_id or "base credentials"
        try:
            session, account_id = self._account_session(plan)
        except AwsError as exc:
            kind, message = classify(exc)
            via = f" through role {plan.role_arn}" if plan.role_arn else ""
            self._record(f"account {label}", kind, f"cannot access the account{via}: {message}")
            return AwsAccount(**base, collection_error=f"{kind.value}: {message}")
        base["account_id"] = account_id

        try:
            regions = self._regions(session)
        except AwsError as exc:
            kind, message = classify(exc)
            self._record(f"account {account_id}", kind, f"ec2:DescribeRegions failed, so the regions to scan are unknown: {message}")
            return AwsAccount(**base, collection_error=f"{kind.value}: {message}")

        errors: dict[str, str] = {}
        iam_fields: dict[str, Any] = {}
        try:
            details = iam.read_authorization_details(session.client("iam", self.target.home_region))
            iam_fields["iam_policies"], iam_fields["iam_principals"] = iam.build_iam(details)
        except AwsError as exc:
            kind, message = classify(exc)
            self._record(f"{account_id}/global: iam:GetAccountAuthorizationDetails", kind, message)
            errors["iam_policies"] = errors["iam_principals"] = f"{kind.value}: {message}"

        with ThreadPoolExecutor(max_workers=self.target.max_concurrent_regions, thread_name_prefix="aws-region") as pool:
            collected = list(pool.map(lambda region: self._collect_region(session, account_id, region), regions))
        return AwsAccount(**base, regions=collected, errors=errors, **iam_fields)

    def _regions(self, session: AccountSession) -> list[str]:
        """Return the configured regions, or the regions enabled for the account (ec2:DescribeRegions)."""
        if self.target.regions:
            return list(self.target.regions)
        response = session.client("ec2", self.target.home_region).describe_regions(AllRegions=False)
        return sorted(
            region["RegionName"]
            for region in response.get("Regions", [])
            if region.get("OptInStatus", "opt-in-not-required") != "not-opted-in"
        )

    def _collect_region(self, session: AccountSession, account_id: str, region: str) -> AwsRegion:
        with ThreadPoolExecutor(max_workers=self.target.max_concurrent_requests, thread_name_prefix="aws-call") as pool:
            scope = RegionScope(self.target.name, account_id, region, session, self.error_log, pool)
            return collect_region(scope)


def collect_region(scope: RegionScope) -> AwsRegion:
    """Collect one region. A region that rejects the first call as disabled gets `collection_error`.

    The streams are described in the scope's pool while this thread runs the
    other region reads, and each stream's KMS key is read as soon as the
    stream's description names it.
    """
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    keys = KeyReader(scope)
    streams = None
    try:
        streams = kinesis.submit_streams(scope, keys)
    except AwsError as exc:
        reason = scope.failed("kinesis:ListStreams", exc)
        if error_code(exc) in REGION_DISABLED_CODES:
            return AwsRegion(name=scope.region, collection_error=reason)
        errors["streams"] = reason

    for field, operation, read in _REGION_READS:
        try:
            fields[field] = read(scope)
        except (*AwsError, ValueError) as exc:
            errors[field] = scope.failed(operation, exc)
    if streams is not None:
        fields["streams"] = [future.result() for future in streams]

    references = {stream.key_id for stream in fields.get("streams") or [] if stream.encrypted and stream.key_id}
    references |= {cluster.at_rest_key_arn for cluster in fields.get("msk_clusters") or [] if cluster.at_rest_key_arn}
    fields["kms_keys"] = keys.keys(references)
    return AwsRegion(name=scope.region, errors=errors, **fields)


def collect_aws(target: AwsTarget) -> tuple[list[AwsAccount], TargetProvenance]:
    """Inventory adapter entry point (see scanner.adapters)."""
    return AwsCollector(target).collect()
