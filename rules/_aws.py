"""Helpers shared by the AWS rule modules: iteration over regions, lookups by ARN, key classes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from rules.base import Outcome, Params, not_assessed
from scanner.model.aws import AwsAccount, AwsRegion, KinesisStream, KmsKey

KINESIS_DOC = "https://docs.aws.amazon.com/streams/latest/dev"

# Key classes in increasing order of customer control.
KEY_CLASSES = ("aws_managed", "customer_managed", "external")
_EXTERNAL_ORIGINS = frozenset({"EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"})


def region_id(account: AwsAccount, region: AwsRegion) -> str:
    return account.resource_id(region.name)


def stream_id(account: AwsAccount, region: AwsRegion, stream: KinesisStream) -> str:
    return account.resource_id(region.name, "kinesis", stream.name)


def regions_with(account: AwsAccount, field: str) -> Iterator[tuple[AwsRegion, Outcome | None]]:
    """Yield (region, None) when `field` was collected there, or (region, NOT_ASSESSED outcome) when not."""
    for region in account.regions:
        if region.collection_error:
            yield region, not_assessed(region_id(account, region), f"Region {region.name} was not collected: {region.collection_error}")
        elif getattr(region, field) is None:
            reason = region.errors.get(field, "not collected")
            yield region, not_assessed(region_id(account, region), f"{field} of region {region.name} were not collected: {reason}")
        else:
            yield region, None


def streams(account: AwsAccount) -> Iterator[tuple[AwsRegion, KinesisStream | None, Outcome | None]]:
    """Yield (region, stream, None) for each described stream, else (region, stream or None, NOT_ASSESSED)."""
    for region, missing in regions_with(account, "streams"):
        if missing is not None:
            yield region, None, missing
            continue
        for stream in region.streams or []:
            if stream.collection_error:
                reason = f"Stream {stream.name} was not described: {stream.collection_error}"
                yield region, stream, not_assessed(stream_id(account, region, stream), reason)
            else:
                yield region, stream, None


def key_index(region: AwsRegion) -> dict[str, KmsKey]:
    """Map every reference (key id, key ARN, alias name, alias ARN) seen in the region to its key."""
    index: dict[str, KmsKey] = {}
    for key in region.kms_keys or []:
        for reference in key.references:
            index[reference] = key
    return index


def is_aws_managed_alias(reference: str) -> bool:
    """True for ``alias/aws/...`` names and ARNs, which always name AWS-managed keys."""
    return reference.startswith("alias/aws/") or ":alias/aws/" in reference


def key_class(key: KmsKey | None, reference: str) -> str | None:
    """Return aws_managed, customer_managed or external; None when the key could not be read.

    An ``alias/aws/...`` reference is AWS-managed even when DescribeKey failed.
    """
    if key is None or key.error:
        return "aws_managed" if is_aws_managed_alias(reference) else None
    if key.manager == "AWS":
        return "aws_managed"
    if key.origin in _EXTERNAL_ORIGINS:
        return "external"
    return "customer_managed"


StreamCheck = Callable[[AwsAccount, AwsRegion, KinesisStream, str, Params], Iterator[Outcome]]


def per_stream(check: StreamCheck) -> Callable[[AwsAccount, Params], Iterator[Outcome]]:
    """Turn a check of one described stream into a check of the whole account.

    The wrapped check receives (account, region, stream, resource id, params)
    for each stream that was described. Regions and streams that were not
    collected get their NOT_ASSESSED outcome from `streams` instead.
    """

    @functools.wraps(check)
    def run(account: AwsAccount, params: Params) -> Iterator[Outcome]:
        for region, stream, missing in streams(account):
            if missing is not None:
                yield missing
                continue
            assert stream is not None
            yield from check(account, region, stream, stream_id(account, region, stream), params)

    return run
