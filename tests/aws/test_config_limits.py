"""AwsTarget validation, error classification, the token bucket and the botocore client configuration."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from pydantic import ValidationError

from scanner.adapters.aws.collector import AwsCollector
from scanner.adapters.aws.config import AwsTarget
from scanner.adapters.aws.errors import classify
from scanner.adapters.aws.ratelimit import RateLimiter, TokenBucket
from scanner.adapters.aws.session import client_config
from scanner.errors import InputError
from scanner.model.common import ErrorKind

ROLE = "arn:aws:iam::111111111111:role/streamaudit-readonly"


@pytest.mark.parametrize(
    "settings, fragment",
    [
        ({"accounts": [{"role_arn": "arn:aws:iam::1:role/x"}]}, "not an IAM role ARN"),
        ({"regions": ["mars-1"]}, "not an AWS region name"),
        ({"regions": ["us-east-1", "us-east-1"]}, "lists a region twice"),
        ({"accounts": [{"role_arn": ROLE}], "organization": {"role_name": "r"}}, "either accounts or organization"),
        ({"rate_limits": {"ListStreams": 5}}, "SERVICE:Operation"),
        ({"rate_limits": {"kinesis:ListStreams": 0}}, "above 0"),
        ({"unknown": 1}, "Extra inputs are not permitted"),
        ({"organization": {"role_name": "r", "include_accounts": ["12"]}}, "12-digit"),
    ],
)
def test_target_rejects_invalid(settings, fragment):
    with pytest.raises(ValidationError, match=fragment):
        AwsTarget(name="t", **settings)


def test_target_rate_defaults():
    target = AwsTarget(name="t", rate_limits={"kinesis:DescribeStreamSummary": 2})
    assert target.rate_for("kinesis:ListStreams") == 5
    assert target.rate_for("kinesis:ListTagsForStream") == 5
    assert target.rate_for("kinesis:DescribeStreamSummary") == 2
    assert target.rate_for("ec2:DescribeVpcs") == target.default_rate_per_second


def test_unset_external_id_variable_raises(monkeypatch):
    monkeypatch.delenv("STREAMAUDIT_UNSET_VARIABLE", raising=False)
    target = AwsTarget(name="t", endpoint_url="http://127.0.0.1:9", accounts=[{"role_arn": ROLE, "external_id": "${env:STREAMAUDIT_UNSET_VARIABLE}"}])
    with pytest.raises(InputError, match="STREAMAUDIT_UNSET_VARIABLE is not set"):
        AwsCollector(target).collect()


def test_client_config_retries_and_timeouts():
    config = client_config(AwsTarget(name="t", max_attempts=4, connect_timeout_seconds=3, read_timeout_seconds=7))
    assert config.retries == {"mode": "standard", "total_max_attempts": 4}
    assert config.connect_timeout == 3
    assert config.read_timeout == 7


@pytest.mark.parametrize(
    "code, kind",
    [
        ("AccessDeniedException", ErrorKind.DENIED),
        ("ThrottlingException", ErrorKind.THROTTLED),
        ("ResourceNotFoundException", ErrorKind.NOT_FOUND),
        ("UnrecognizedClientException", ErrorKind.AUTHENTICATION),
        ("SomethingNew", ErrorKind.ERROR),
    ],
)
def test_classify_client_errors(code, kind):
    error = ClientError({"Error": {"Code": code, "Message": "m"}}, "DescribeKey")
    found, message = classify(error)
    assert found == kind
    assert message.startswith(f"DescribeKey: {code}")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_burst_then_rate():
    clock = FakeClock()
    bucket = TokenBucket(5, clock=clock)
    waits = [bucket._wait_time() for _ in range(6)]
    assert waits[:5] == [0.0] * 5
    assert waits[5] == pytest.approx(0.2)
    clock.now = 0.2
    assert bucket._wait_time() == 0.0


def test_rate_limiter_holds_five_per_second():
    limiter = RateLimiter(lambda operation: 5.0)
    started = threading.Event()
    begin = time.monotonic()
    threads = [threading.Thread(target=lambda: (started.wait(), limiter.acquire("a", "us-east-1", "kinesis:ListStreams"))) for _ in range(15)]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - begin
    # A burst of 5, then 10 more at 5 per second: at least 2 seconds.
    assert elapsed >= 1.9
    assert limiter.bucket("a", "us-east-1", "kinesis:ListStreams") is not limiter.bucket("b", "us-east-1", "kinesis:ListStreams")


def test_rate_limiter_bucket_per_resource():
    limiter = RateLimiter(lambda operation: 5.0)
    first = limiter.bucket("a", "us-east-1", "kinesis:ListStreamConsumers", "arn:stream/one")
    second = limiter.bucket("a", "us-east-1", "kinesis:ListStreamConsumers", "arn:stream/two")
    assert first is not second
    assert limiter.bucket("a", "us-east-1", "kinesis:ListStreamConsumers", "arn:stream/one") is first

    limiter.acquire("a", "us-east-1", "kinesis:ListStreamConsumers", "arn:stream/one")
    assert first.granted == 1
    assert second.granted == 0
    assert set(limiter.buckets()) == {
        ("a", "us-east-1", "kinesis:ListStreamConsumers", "arn:stream/one"),
        ("a", "us-east-1", "kinesis:ListStreamConsumers", "arn:stream/two"),
    }


def test_docs_example_is_valid_config(tmp_path):
    from scanner.config import load_config

    text = (Path(__file__).resolve().parents[2] / "docs/aws.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")

    config = load_config(path)
    assert [target.name for target in config.targets.aws] == ["prod", "org"]
    assert config.targets.aws[1].organization.exclude_accounts == ["333333333333"]
