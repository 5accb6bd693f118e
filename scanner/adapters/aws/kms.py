"""Read the KMS keys that streams and MSK clusters use, in one account and region."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scanner.adapters.aws.context import RegionScope
from scanner.adapters.aws.policy import parse_statements
from scanner.model.aws import KmsKey

AwsError = (ClientError, BotoCoreError)
# Fields and failed-read reasons of one key's rotation and policy reads.
KeyDetails = tuple[dict[str, Any], dict[str, str]]


def _describe_key(scope: RegionScope, reference: str) -> dict[str, Any] | str:
    """Return the KeyMetadata of `reference`, or the reason kms:DescribeKey failed."""
    try:
        return scope.client("kms").describe_key(KeyId=reference)["KeyMetadata"]
    except AwsError as exc:
        return scope.failed(f"kms:DescribeKey {reference}", exc)


def _key_account(metadata: dict[str, Any]) -> str:
    return metadata.get("AWSAccountId") or metadata["Arn"].split(":")[4]


def _read_key_details(scope: RegionScope, metadata: dict[str, Any]) -> KeyDetails:
    """Read rotation and key policy of a resolved key; each failed read leaves its field out, with a reason."""
    client = scope.client("kms")
    arn = metadata["Arn"]
    key_account = _key_account(metadata)
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}

    if metadata.get("KeyManager") == "CUSTOMER" and metadata.get("Origin", "AWS_KMS") == "AWS_KMS":
        try:
            fields["rotation_enabled"] = bool(client.get_key_rotation_status(KeyId=arn).get("KeyRotationEnabled"))
        except AwsError as exc:
            errors["rotation_enabled"] = scope.failed(f"kms:GetKeyRotationStatus {arn}", exc)

    if key_account != scope.account:
        errors["policy_statements"] = f"kms:GetKeyPolicy cannot read the policy of a key in another account ({key_account})"
    else:
        try:
            fields["policy_statements"] = parse_statements(client.get_key_policy(KeyId=arn, PolicyName="default")["Policy"])
        except (*AwsError, ValueError) as exc:
            errors["policy_statements"] = scope.failed(f"kms:GetKeyPolicy {arn}", exc)
    return fields, errors


def _key_record(references: list[str], metadata: dict[str, Any], details: KeyDetails) -> KmsKey:
    fields, errors = details
    deletion = metadata.get("DeletionDate")
    return KmsKey(
        references=references,
        arn=metadata["Arn"],
        key_id=metadata.get("KeyId"),
        account_id=_key_account(metadata),
        manager=metadata.get("KeyManager"),
        state=metadata.get("KeyState"),
        origin=metadata.get("Origin"),
        key_spec=metadata.get("KeySpec"),
        deletion_date=deletion.isoformat() if hasattr(deletion, "isoformat") else deletion,
        errors=errors,
        **fields,
    )


class KeyReader:
    """Reads the KMS keys of one region as their references become known, each reference and each key once.

    `read()` runs in the thread that first requests a reference, so a stream's
    key reads overlap the Kinesis reads of other streams. A later `read()` of the
    same reference, or of another reference to the same key, returns at once.
    `keys()` waits for every read and builds the key records.
    """

    def __init__(self, scope: RegionScope) -> None:
        self._scope = scope
        self._lock = threading.Lock()
        self._metadata: dict[str, Future[dict[str, Any] | str]] = {}
        self._details: dict[str, Future[KeyDetails]] = {}

    def _claim(self, table: dict[str, Future], key: str) -> Future | None:
        """Return a new future for `key` when no thread has claimed it yet, else None."""
        with self._lock:
            if key in table:
                return None
            table[key] = Future()
            return table[key]

    def read(self, reference: str) -> None:
        """Resolve `reference` with kms:DescribeKey and read its key, unless another thread has started either.

        An unexpected exception is stored, not raised, so that the stream that
        asked keeps its record; `keys()` raises it.
        """
        resolved = self._claim(self._metadata, reference)
        if resolved is None:
            return
        try:
            metadata = _describe_key(self._scope, reference)
            resolved.set_result(metadata)
        except Exception as exc:  # noqa: BLE001 - raised again by keys()
            resolved.set_exception(exc)
            return
        if isinstance(metadata, str):
            return

        details = self._claim(self._details, metadata["Arn"])
        if details is None:
            return
        try:
            details.set_result(_read_key_details(self._scope, metadata))
        except Exception as exc:  # noqa: BLE001 - raised again by keys()
            details.set_exception(exc)

    def keys(self, references: set[str]) -> list[KmsKey]:
        """Return the key records of `references`, reading in the pool those that no thread has read.

        References that resolve to the same key ARN (an alias and the key id,
        say) share one KmsKey. A reference that cannot be resolved gets its
        own KmsKey with `error` set. Call it outside the scope's pool, after
        the tasks that call `read()` have finished, because it waits for them.
        """
        ordered = sorted(references)
        for future in [self._scope.pool.submit(self.read, reference) for reference in ordered]:
            future.result()

        keys = []
        by_arn: dict[str, tuple[list[str], dict[str, Any]]] = {}
        for reference in ordered:
            result = self._metadata[reference].result()
            if isinstance(result, str):
                keys.append(KmsKey(references=[reference], error=result))
            else:
                by_arn.setdefault(result["Arn"], ([], result))[0].append(reference)
        for arn, (arn_references, metadata) in by_arn.items():
            keys.append(_key_record(arn_references, metadata, self._details[arn].result()))
        return keys
