"""Fixtures of the Azure adapter tests: the fake ARM server and targets aimed at it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.adapters.azure.config import AzureTarget
from tests.azure import estate
from tests.azure.fake_arm import FakeArm

TOKEN_VARIABLE = "STREAMAUDIT_TEST_ARM_TOKEN"


@pytest.fixture
def arm_token(monkeypatch: pytest.MonkeyPatch) -> str:
    """A random bearer token, exported in TOKEN_VARIABLE for the access-token credential."""
    token = "test-token-" + secrets.token_hex(16)
    monkeypatch.setenv(TOKEN_VARIABLE, token)
    return token


@pytest.fixture
def fake_arm(tmp_path: Path, arm_token: str) -> Iterator[FakeArm]:
    """The fake ARM server on 127.0.0.1, serving the whole fake estate."""
    folder = tmp_path / "fake-arm"
    folder.mkdir()
    with FakeArm(folder, arm_token) as server:
        server.routes = estate.routes(server.url)
        yield server


def target_for(server: FakeArm, **overrides: object) -> AzureTarget:
    """Return a target that reads the fake server with the access-token credential and fast retries."""
    settings: dict[str, object] = {
        "name": "contoso",
        "auth": "access_token",
        "access_token_env": TOKEN_VARIABLE,
        "resource_manager_url": server.url,
        "ca_bundle": server.ca_path,
        "concurrency": 4,
        "timeout_seconds": 10,
        "max_retries": 2,
        "retry_backoff_seconds": 0.01,
        "max_retry_after_seconds": 2,
    }
    settings.update(overrides)
    return AzureTarget.model_validate(settings)
