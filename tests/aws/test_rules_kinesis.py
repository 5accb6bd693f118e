"""KIN-RET, KIN-OBS, KIN-DLQ and KIN-TAG rules on model instances."""

from __future__ import annotations

from scanner.model.aws import AlarmMetric, EventSourceMapping, MetricAlarm
from tests.aws.models import account, region, rid, run, statuses, stream

ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/s1"


def _mapping(uuid: str, **fields) -> EventSourceMapping:
    defaults = {"stream_arn": ARN, "event_source_arn": ARN, "on_failure_destination": "arn:aws:sqs:us-east-1:123456789012:dlq", "maximum_retry_attempts": 3, "maximum_record_age_seconds": -1}
    return EventSourceMapping(uuid=uuid, **(defaults | fields))


def _alarm(name: str, metric: str, stream_name: str) -> MetricAlarm:
    return MetricAlarm(name=name, metrics=[AlarmMetric(namespace="AWS/Kinesis", metric_name=metric, dimensions={"StreamName": stream_name})])


def test_ret001_minimum_and_parameter():
    unit = account(region(streams=[stream("long", retention_hours=168), stream("short", retention_hours=24)]))
    assert statuses("KIN-RET-001", unit) == {rid("kinesis", "long"): "PASS", rid("kinesis", "short"): "FAIL"}
    assert statuses("KIN-RET-001", unit, min_retention_hours=24) == {rid("kinesis", "long"): "PASS", rid("kinesis", "short"): "PASS"}


def test_obs001_metrics():
    unit = account(region(streams=[
        stream("all", enhanced_metrics=["ALL"]),
        stream("age", enhanced_metrics=["IteratorAgeMilliseconds"]),
        stream("other", enhanced_metrics=["IncomingBytes"]),
        stream("none"),
    ]))
    assert statuses("KIN-OBS-001", unit) == {
        rid("kinesis", "all"): "PASS", rid("kinesis", "age"): "PASS", rid("kinesis", "other"): "FAIL", rid("kinesis", "none"): "FAIL",
    }


def test_obs002_alarm_index():
    alarms = [_alarm("a1", "GetRecords.IteratorAgeMilliseconds", "watched"), _alarm("a2", "IncomingRecords", "wrong-metric")]
    unit = account(region(streams=[stream("watched"), stream("wrong-metric"), stream("bare")], alarms=alarms))
    assert statuses("KIN-OBS-002", unit) == {
        rid("kinesis", "watched"): "PASS", rid("kinesis", "wrong-metric"): "FAIL", rid("kinesis", "bare"): "FAIL",
    }


def test_obs002_alarms_not_collected():
    unit = account(region(streams=[stream()], alarms=None, errors={"alarms": "denied: DescribeAlarms: AccessDenied"}))
    status, message = run("KIN-OBS-002", unit)[rid("kinesis", "s1")]
    assert status == "NOT_ASSESSED"
    assert "AccessDenied" in message


def test_dlq001_mapping_statuses():
    mappings = [
        _mapping("good"),
        _mapping("age-bounded", maximum_retry_attempts=-1, maximum_record_age_seconds=3600),
        _mapping("no-destination", on_failure_destination=None),
        _mapping("unbounded", maximum_retry_attempts=-1, maximum_record_age_seconds=-1),
    ]
    unit = account(region(streams=[stream()], event_source_mappings=mappings))
    base = rid("kinesis", "s1", "lambda-mapping")
    assert statuses("KIN-DLQ-001", unit) == {
        f"{base}/good": "PASS", f"{base}/age-bounded": "PASS", f"{base}/no-destination": "FAIL", f"{base}/unbounded": "FAIL",
    }


def test_dlq001_no_mapping_not_applicable():
    assert statuses("KIN-DLQ-001", account(region(streams=[stream()]))) == {rid("kinesis", "s1"): "NOT_APPLICABLE"}


def test_dlq001_mappings_not_collected():
    unit = account(region(streams=[stream()], event_source_mappings=None, errors={"event_source_mappings": "denied: x"}))
    assert statuses("KIN-DLQ-001", unit) == {rid("kinesis", "s1"): "NOT_ASSESSED"}


def test_tag001_required_keys():
    unit = account(region(streams=[stream("tagged", tags={"owner": "a", "env": "prod"}), stream("partial", tags={"owner": "a"})]))
    assert statuses("KIN-TAG-001", unit, required_tag_keys=["owner", "env"]) == {rid("kinesis", "tagged"): "PASS", rid("kinesis", "partial"): "FAIL"}
    assert set(statuses("KIN-TAG-001", unit).values()) == {"NOT_APPLICABLE"}


def test_tag001_tags_not_read():
    unit = account(region(streams=[stream(tags=None, errors={"tags": "throttled: ListTagsForStream: ThrottlingException"})]))
    status, message = run("KIN-TAG-001", unit, required_tag_keys=["owner"])[rid("kinesis", "s1")]
    assert status == "NOT_ASSESSED"
    assert "Throttling" in message
