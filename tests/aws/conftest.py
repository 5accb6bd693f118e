"""Fixtures for the AWS tests: a moto server on 127.0.0.1 with fault injection, and the seeded estate.

The environment is pinned before any boto3 client exists: fake credentials,
no profile, no shared config files and no instance metadata, so nothing can
reach real AWS. Every client of the tests and of the adapter is pointed at
the moto server by endpoint URL.
"""

from __future__ import annotations

import os

_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
os.environ.update(_ENVIRONMENT)
os.environ.pop("AWS_PROFILE", None)

import pytest  # noqa: E402

from tests.components import missing_component  # noqa: E402


@pytest.fixture(scope="session")
def moto_server():
    """Start moto in this process on a free port of 127.0.0.1; yield (endpoint URL, fault injector)."""
    try:
        from tests.aws.faults import FaultyMotoServer
    except ImportError as exc:
        missing_component(f"moto[server] is not installed ({exc}); pip install 'moto[server]>=5'")
    server = FaultyMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    assert host == "127.0.0.1"
    yield f"http://{host}:{port}", server.injector
    server.stop()


@pytest.fixture(scope="session")
def endpoint(moto_server) -> str:
    return moto_server[0]


@pytest.fixture
def faults(moto_server):
    """The server's fault injector, cleared after each test."""
    injector = moto_server[1]
    yield injector
    injector.clear()


@pytest.fixture(scope="session")
def estate(endpoint):
    """The seeded estate (see tests/aws/estate.py), created once per test session."""
    from tests.aws.estate import seed

    return seed(endpoint)

