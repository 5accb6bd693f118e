"""AWS inventory adapter: Kinesis, KMS, IAM, VPC endpoints, Firehose, Lambda mappings, CloudWatch alarms, MSK."""

from scanner.adapters.aws.collector import collect_aws

__all__ = ["collect_aws"]
