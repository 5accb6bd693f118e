"""boto3 sessions and clients for one scan: credentials, retries, timeouts, rate limits, read-only guard.

Every client is created here, so every call passes through botocore event
hooks: ``before-call`` rejects any operation outside `READ_OPERATIONS` and
records the call, and ``before-send`` waits for the rate limiter before each
HTTP attempt (retries included). ``before-parameter-build`` picks the
resource whose bucket an operation with a per-resource quota waits for.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials

from scanner.adapters.aws.config import PER_RESOURCE_RATE_LIMITS, AwsTarget
from scanner.adapters.aws.ratelimit import RateLimiter

log = logging.getLogger(__name__)

# Every operation the adapter may call, as IAM action names. The shipped IAM
# policy (streamaudit-readonly-policy.json) lists exactly these actions.
READ_OPERATIONS = frozenset(
    {
        "sts:AssumeRole",
        "sts:GetCallerIdentity",
        "organizations:ListAccounts",
        "ec2:DescribeRegions",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcEndpoints",
        "iam:GetAccountAuthorizationDetails",
        "kinesis:ListStreams",
        "kinesis:DescribeStreamSummary",
        "kinesis:ListTagsForStream",
        "kinesis:ListStreamConsumers",
        "kinesis:GetResourcePolicy",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "kms:GetKeyPolicy",
        "firehose:ListDeliveryStreams",
        "firehose:DescribeDeliveryStream",
        "lambda:ListEventSourceMappings",
        "cloudwatch:DescribeAlarms",
        "kafka:ListClustersV2",
    }
)
# sts:AssumeRole is the one operation not named Describe, List or Get. It
# only obtains credentials for a configured role and changes no resource.


class ReadOnlyViolation(RuntimeError):
    """An operation outside READ_OPERATIONS was about to be sent."""


class CallRecorder:
    """Counts the operations sent, as ``service:Operation``, across every client of a scan."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def record(self, operation: str) -> None:
        with self._lock:
            self.counts[operation] += 1

    @property
    def operations(self) -> set[str]:
        with self._lock:
            return set(self.counts)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())


def client_config(target: AwsTarget) -> Config:
    """Return the botocore Config for every client: standard retries, bounded timeouts.

    botocore's ``max_attempts`` retry key counts retries only, so the target's
    `max_attempts` (every attempt, the first included) goes to ``total_max_attempts``.
    """
    return Config(
        retries={"mode": "standard", "total_max_attempts": target.max_attempts},
        connect_timeout=target.connect_timeout_seconds,
        read_timeout=target.read_timeout_seconds,
        max_pool_connections=target.max_concurrent_requests + 2,
        user_agent_extra="streamaudit",
    )


class AccountSession:
    """The clients of one account, created on first use and shared between threads.

    `account` is the account id once known (it keys the rate limiter).
    """

    def __init__(
        self,
        target: AwsTarget,
        session: boto3.Session,
        recorder: CallRecorder,
        limiter: RateLimiter,
        account: str,
    ) -> None:
        self.target = target
        self.session = session
        self.recorder = recorder
        self.limiter = limiter
        self.account = account
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        """Return the guarded client of `service` (its IAM prefix, for example ``kinesis``) in `region`."""
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                client = self.session.client(
                    service,
                    region_name=region,
                    endpoint_url=self.target.endpoint_url,
                    config=client_config(self.target),
                )
                self._guard(client, service, region)
                self._clients[key] = client
            return self._clients[key]

    def _guard(self, client: Any, service: str, region: str) -> None:
        recorder = self.recorder
        limiter = self.limiter
        account = self.account
        # botocore emits `before-parameter-build`, `before-call` and each attempt's
        # `before-send` on the calling thread, and only the first gets the API
        # parameters. So it stores the resource of a per-resource quota here.
        current = threading.local()

        def before_parameter_build(model: Any, params: dict[str, Any], **_: Any) -> None:
            operation = f"{service}:{model.name}"
            parameter = PER_RESOURCE_RATE_LIMITS.get(operation)
            current.call = (operation, str(params.get(parameter, "")) if parameter else "")

        def before_call(model: Any, **_: Any) -> None:
            operation = f"{service}:{model.name}"
            if operation not in READ_OPERATIONS:
                raise ReadOnlyViolation(f"{operation} is not a read operation that streamaudit may send")
            recorder.record(operation)

        def before_send(event_name: str, **_: Any) -> None:
            operation = f"{service}:{event_name.rsplit('.', 1)[-1]}"
            called, resource = getattr(current, "call", ("", ""))
            limiter.acquire(account, region, operation, resource if called == operation else "")

        client.meta.events.register("before-parameter-build", before_parameter_build, unique_id="streamaudit-rate-resource")
        client.meta.events.register("before-call", before_call, unique_id="streamaudit-read-only")
        client.meta.events.register("before-send", before_send, unique_id="streamaudit-rate-limit")


def base_session(target: AwsTarget) -> boto3.Session:
    """Return a session on the standard credential chain, with the target's profile if it names one."""
    return boto3.Session(profile_name=target.profile) if target.profile else boto3.Session()


def assumed_role_session(
    target: AwsTarget,
    sts_client: Any,
    role_arn: str,
    external_id: str | None,
) -> boto3.Session:
    """Assume `role_arn` now, and return a session whose credentials renew by assuming it again.

    Raises botocore's ClientError when the first AssumeRole fails.
    """
    request: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": target.role_session_name}
    if external_id is not None:
        request["ExternalId"] = external_id

    def fetch() -> dict[str, str]:
        credentials = sts_client.assume_role(**request)["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    refreshable = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
    )
    core = botocore.session.Session()
    # botocore (1.43) has no public setter for refreshable credentials.
    core._credentials = refreshable
    return boto3.Session(botocore_session=core)
