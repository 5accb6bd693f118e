"""Security posture of AWS streaming resources (Kinesis, KMS, IAM, VPC, Firehose, Lambda, MSK)."""

from __future__ import annotations

from pydantic import Field

from scanner.model.common import Frozen


class AwsAccount(Frozen):
    """Everything collected from one AWS target (one account, across its regions)."""

    target: str
    collection_error: str | None = None
    account_id: str | None = None


class AwsSection(Frozen):
    accounts: list[AwsAccount] = Field(default_factory=list)
