"""Scan configuration of AWS targets."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
OPERATION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")

# Kinesis Data Streams quotas, in calls per second per account and region, or per
# resource for the operations in PER_RESOURCE_RATE_LIMITS. The figures for ListStreams,
# ListTagsForStream, ListStreamConsumers and DescribeStreamSummary are stated in
# each operation's documentation in the Kinesis API reference (botocore 1.43 service model).
# NOTE: that reference states no quota for GetResourcePolicy; 5 per second is an
# assumption, the rate of the other per-stream reads.
DEFAULT_RATE_LIMITS: dict[str, float] = {
    "kinesis:ListStreams": 5.0,
    "kinesis:ListTagsForStream": 5.0,
    "kinesis:ListStreamConsumers": 5.0,
    "kinesis:DescribeStreamSummary": 20.0,
    "kinesis:GetResourcePolicy": 5.0,
}

# Operations whose quota AWS applies per resource, mapped to the request parameter
# that names the resource. ListStreamConsumers "has a limit of 5 transactions per
# second per stream" (Kinesis API reference, ListStreamConsumers).
PER_RESOURCE_RATE_LIMITS: dict[str, str] = {
    "kinesis:ListStreamConsumers": "StreamARN",
}


class AwsAccountRef(BaseModel):
    """One account to scan through an assumed role; no role_arn means the base credentials' own account."""

    model_config = ConfigDict(extra="forbid")

    role_arn: str | None = None
    external_id: str | None = Field(default=None, min_length=2, max_length=1224)

    @field_validator("role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        if value is not None and not ROLE_ARN.match(value):
            raise ValueError(f"'{value}' is not an IAM role ARN; write arn:aws:iam::123456789012:role/NAME")
        return value

    @property
    def account_id(self) -> str | None:
        match = ROLE_ARN.match(self.role_arn or "")
        return match.group(1) if match else None


class AwsOrganization(BaseModel):
    """Scan the active accounts of an AWS Organization, assuming `role_name` in each.

    The base credentials (or `management_role_arn`) must be allowed to call
    organizations:ListAccounts, which works from the management account or a
    delegated administrator.
    """

    model_config = ConfigDict(extra="forbid")

    role_name: str = Field(min_length=1, pattern=r"^[\w+=,.@/-]+$")
    external_id: str | None = Field(default=None, min_length=2, max_length=1224)
    management_role_arn: str | None = None
    include_accounts: list[str] = Field(default_factory=list)
    exclude_accounts: list[str] = Field(default_factory=list)

    @field_validator("include_accounts", "exclude_accounts")
    @classmethod
    def _account_ids(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"\d{12}", value):
                raise ValueError(f"'{value}' is not a 12-digit AWS account id")
        return values

    @field_validator("management_role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        return AwsAccountRef._role_arn(value)


class AwsTarget(BaseModel):
    """One AWS target: accounts (or an organization) and the regions to scan in each.

    With neither `accounts` nor `organization`, the target is the account of
    the base credentials, which come from the standard boto3 chain
    (environment, `profile`, SSO, instance role). `external_id` values may be
    ``${env:NAME}`` references. `endpoint_url` sends every call to one
    endpoint, which is meant for tests against a local AWS emulator.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._:-]+$")
    profile: str | None = None
    endpoint_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/.*)?$")
    accounts: list[AwsAccountRef] = Field(default_factory=list)
    organization: AwsOrganization | None = None
    regions: list[str] = Field(default_factory=list)
    home_region: str = "us-east-1"
    role_session_name: str = Field(default="streamaudit", min_length=2, max_length=64, pattern=r"^[\w+=,.@-]+$")
    max_attempts: int = Field(default=5, ge=1, le=20)
    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    read_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_concurrent_accounts: int = Field(default=4, ge=1, le=64)
    max_concurrent_regions: int = Field(default=4, ge=1, le=64)
    max_concurrent_requests: int = Field(default=8, ge=1, le=64)
    default_rate_per_second: float = Field(default=10.0, gt=0, le=1000)
    rate_limits: dict[str, float] = Field(default_factory=dict)

    @field_validator("regions")
    @classmethod
    def _region_names(cls, values: list[str]) -> list[str]:
        for value in values:
            if not REGION.match(value):
                raise ValueError(f"'{value}' is not an AWS region name such as eu-west-1")
        if len(set(values)) != len(values):
            raise ValueError("regions lists a region twice; list each region once")
        return values

    @field_validator("home_region")
    @classmethod
    def _home_region(cls, value: str) -> str:
        if not REGION.match(value):
            raise ValueError(f"'{value}' is not an AWS region name such as us-east-1")
        return value

    @field_validator("rate_limits")
    @classmethod
    def _rate_limits(cls, values: dict[str, float]) -> dict[str, float]:
        for operation, rate in values.items():
            if not OPERATION.match(operation):
                raise ValueError(f"rate_limits key '{operation}' is not SERVICE:Operation such as kinesis:ListStreams")
            if rate <= 0:
                raise ValueError(f"rate_limits['{operation}'] is {rate}; give a rate above 0 calls per second")
        return values

    @model_validator(mode="after")
    def _one_account_source(self) -> "AwsTarget":
        if self.accounts and self.organization is not None:
            raise ValueError("give either accounts or organization, not both")
        role_arns = [account.role_arn for account in self.accounts]
        if len(set(role_arns)) != len(role_arns):
            raise ValueError("accounts lists the same role_arn twice; list each account once")
        return self

    def rate_for(self, operation: str) -> float:
        """Return the calls per second allowed for ``service:Operation`` in one account and region.

        For an operation in PER_RESOURCE_RATE_LIMITS the rate applies to each resource.
        """
        return self.rate_limits.get(operation, DEFAULT_RATE_LIMITS.get(operation, self.default_rate_per_second))
