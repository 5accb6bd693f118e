"""Snapshot serialisation: lossless, deterministic, and strict on load."""

import json
from pathlib import Path

import pytest

from scanner.model import Snapshot, SnapshotError

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kafka-estate.snapshot.json"


def test_round_trip_is_lossless():
    snapshot = Snapshot.load(EXAMPLE)
    again = Snapshot.from_json(snapshot.to_json())
    assert again == snapshot
    assert again.to_json() == snapshot.to_json()


def test_example_file_is_canonical():
    assert Snapshot.load(EXAMPLE).to_json() == EXAMPLE.read_text()


def test_lists_are_sorted_whatever_the_input_order():
    data = json.loads(EXAMPLE.read_text())
    data["kafka"]["clusters"].reverse()
    for cluster in data["kafka"]["clusters"]:
        for key in ("topics", "acls", "brokers"):
            if cluster.get(key):
                cluster[key].reverse()
    assert Snapshot.from_json(json.dumps(data)).to_json() == EXAMPLE.read_text()


def test_unknown_field_rejected():
    data = json.loads(EXAMPLE.read_text())
    data["kafka"]["clusters"][0]["passwords"] = ["x"]
    with pytest.raises(SnapshotError, match=r"kafka\.clusters\.0\.passwords: Extra inputs are not permitted"):
        Snapshot.from_json(json.dumps(data), source="edited.json")
