"""Synthetic estates: snapshots of a chosen size and provider mix, deterministic from a seed.

`generate(size, seed)` returns a `Snapshot` whose resource count (see
`count_resources`) is within a few percent of `size`. The same size, seed and
mix always give the same snapshot, byte for byte. About `Mix.fail_share` of
the resources break at least one rule, in the ways real estates do: missing
ACLs, weak listeners, unencrypted streams, open namespaces.
"""

from __future__ import annotations

import random

from benchmarks.estate import aws, azure, kafka
from benchmarks.estate.common import GENERATED_AT, Mix, split
from scanner.model import Provenance, Snapshot, TargetProvenance
from scanner.model.aws import AwsSection
from scanner.model.azure import AzureSection
from scanner.model.kafka import KafkaSection

def generate(size: int, seed: int = 1, mix: Mix = Mix()) -> Snapshot:
    """Return a snapshot of about `size` resources; raises ValueError for a size below 100."""
    if size < 100:
        raise ValueError(f"size must be at least 100 resources, not {size}")
    rng = random.Random(seed)
    clusters = kafka.clusters(rng, round(size * mix.kafka), mix)
    accounts = aws.accounts(rng, round(size * mix.aws), mix)
    subscriptions = azure.subscriptions(rng, round(size * mix.azure), mix)

    targets = [TargetProvenance(provider="kafka", target=cluster.target) for cluster in clusters]
    targets += [TargetProvenance(provider="aws", target=name) for name in sorted({account.target for account in accounts})]
    targets += [TargetProvenance(provider="azure", target=name) for name in sorted({unit.target for unit in subscriptions})]
    return Snapshot(
        provenance=Provenance(tool_version="bench", started_at=GENERATED_AT, finished_at=GENERATED_AT, targets=targets),
        kafka=KafkaSection(clusters=clusters),
        aws=AwsSection(accounts=accounts),
        azure=AzureSection(subscriptions=subscriptions),
    )


def count_resources(snapshot: Snapshot) -> dict[str, int]:
    """Count the resources that rules evaluate, by kind; the key ``total`` is their sum.

    Kafka: brokers, listeners, topics and ACL bindings. AWS: Kinesis streams,
    KMS keys, VPCs, VPC endpoints, Firehose streams, Lambda event source
    mappings, MSK clusters, IAM identity policies and IAM principals. Azure:
    namespaces and event hubs. Children that rules read only as part of
    their parent (alarms, SAS rules, consumer groups, diagnostic settings)
    are not counted.
    """
    counts: dict[str, int] = dict.fromkeys(
        [
            "kafka.broker", "kafka.listener", "kafka.topic", "kafka.acl",
            "aws.kinesis.stream", "aws.kms.key", "aws.ec2.vpc", "aws.ec2.vpc-endpoint", "aws.firehose.stream",
            "aws.lambda.mapping", "aws.msk.cluster", "aws.iam.policy", "aws.iam.principal",
            "azure.namespace", "azure.eventhub",
        ],
        0,
    )
    for cluster in snapshot.kafka.clusters:
        counts["kafka.broker"] += len(cluster.brokers)
        counts["kafka.listener"] += sum(len(broker.listeners) for broker in cluster.brokers)
        counts["kafka.topic"] += len(cluster.topics or [])
        counts["kafka.acl"] += len(cluster.acls or [])
    for account in snapshot.aws.accounts:
        counts["aws.iam.policy"] += len(account.iam_policies or [])
        counts["aws.iam.principal"] += len(account.iam_principals or [])
        for region in account.regions:
            counts["aws.kinesis.stream"] += len(region.streams or [])
            counts["aws.kms.key"] += len(region.kms_keys or [])
            counts["aws.ec2.vpc"] += len(region.vpcs or [])
            counts["aws.ec2.vpc-endpoint"] += len(region.vpc_endpoints or [])
            counts["aws.firehose.stream"] += len(region.firehose_streams or [])
            counts["aws.lambda.mapping"] += len(region.event_source_mappings or [])
            counts["aws.msk.cluster"] += len(region.msk_clusters or [])
    for subscription in snapshot.azure.subscriptions:
        for namespace in subscription.namespaces or []:
            counts["azure.namespace"] += 1
            counts["azure.eventhub"] += len(namespace.event_hubs or [])
    counts["total"] = sum(counts.values())
    return counts


__all__ = ["GENERATED_AT", "Mix", "count_resources", "generate", "split"]
