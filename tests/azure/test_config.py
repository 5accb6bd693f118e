"""Azure target configuration, credential selection and the read-only pipeline, without any network."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.transport import HttpRequest as PipelineHttpRequest
from pydantic import ValidationError

from scanner.adapters.azure.arm import ReadOnlyPolicy, WriteRequestBlocked, pipeline_policies
from scanner.adapters.azure.config import AzureTarget
from scanner.adapters.azure.credentials import EnvironmentAccessToken, build_credential, credential_plan, endpoint
from scanner.errors import InputError

SUBSCRIPTION = "0B1F6471-1BF0-4DDA-AEC3-111111111111"


def target(**fields) -> AzureTarget:
    return AzureTarget.model_validate({"name": "t"} | fields)


@pytest.mark.parametrize(
    ("auth", "class_name"),
    [
        ("default", "DefaultAzureCredential"),
        ("cli", "AzureCliCredential"),
        ("environment", "EnvironmentCredential"),
        ("managed_identity", "ManagedIdentityCredential"),
    ],
)
def test_credential_plan_by_auth(auth, class_name):
    assert credential_plan(target(auth=auth)).class_name == class_name


def test_credential_plan_national_cloud_authority():
    assert credential_plan(target(cloud="china")).kwargs["authority"] == "login.chinacloudapi.cn"
    assert credential_plan(target(auth="environment", cloud="usgovernment")).kwargs["authority"] == "login.microsoftonline.us"


def test_credential_plan_managed_identity_client_id():
    plan = credential_plan(target(auth="managed_identity", managed_identity_client_id="9a0c5d41-0000-4000-8000-000000000011"))
    assert plan.kwargs == {"client_id": "9a0c5d41-0000-4000-8000-000000000011"}


def test_endpoints_of_clouds():
    assert endpoint(target()).resource_manager_url == "https://management.azure.com/"
    assert endpoint(target(cloud="china")).credential_scope == "https://management.chinacloudapi.cn/.default"
    assert endpoint(target(cloud="usgovernment")).credential_scope == "https://management.core.usgovcloudapi.net/.default"


def test_endpoint_custom_resource_manager():
    custom = endpoint(target(resource_manager_url="https://management.local.azurestack.external"))
    assert custom.resource_manager_url == "https://management.local.azurestack.external/"
    assert custom.credential_scope == "https://management.local.azurestack.external/.default"
    scoped = target(resource_manager_url="https://arm.example.test/", credential_scope="https://management.adfs.example.test/1234/.default")
    assert endpoint(scoped).credential_scope == "https://management.adfs.example.test/1234/.default"


def test_access_token_read_at_use(monkeypatch):
    credential = build_credential_with(monkeypatch, "first")
    monkeypatch.setenv("ARM_TOKEN", "second")

    assert credential.get_token("https://management.azure.com/.default").token == "second"
    assert "second" not in repr(credential)


def build_credential_with(monkeypatch, value: str) -> EnvironmentAccessToken:
    monkeypatch.setenv("ARM_TOKEN", value)
    credential = build_credential(target(auth="access_token", access_token_env="ARM_TOKEN"))
    assert isinstance(credential, EnvironmentAccessToken)
    return credential


def test_access_token_unset_is_input_error(monkeypatch):
    monkeypatch.delenv("ARM_TOKEN", raising=False)
    with pytest.raises(InputError, match="ARM_TOKEN is not set"):
        build_credential(target(auth="access_token", access_token_env="ARM_TOKEN"))


def test_access_token_emptied_later_fails_auth(monkeypatch):
    credential = build_credential_with(monkeypatch, "token")
    monkeypatch.setenv("ARM_TOKEN", "")
    with pytest.raises(ClientAuthenticationError, match="ARM_TOKEN"):
        credential.get_token("scope")


def test_subscriptions_normalised():
    assert target(subscriptions=[SUBSCRIPTION, SUBSCRIPTION.lower()]).subscriptions == [SUBSCRIPTION.lower()]
    assert target().subscriptions == "all"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"subscriptions": ["prod"]}, "is not a subscription id"),
        ({"subscriptions": []}, "subscription list is empty"),
        ({"auth": "access_token"}, "needs access_token_env"),
        ({"access_token_env": "ARM_TOKEN"}, "only read with 'auth: access_token'"),
        ({"auth": "access_token", "access_token_env": "ARM-TOKEN"}, "not an environment variable name"),
        ({"auth": "cli", "managed_identity_client_id": "x"}, "managed_identity_client_id"),
        ({"resource_manager_url": "http://127.0.0.1:8443/"}, "must be an https:// URL"),
        ({"credential_scope": "https://x/.default"}, "only read with resource_manager_url"),
        ({"ca_bundle": "/nonexistent/ca.pem"}, "is not a file"),
        ({"cloud": "germany"}, "Input should be"),
        ({"auth": "password"}, "Input should be"),
        ({"subscription": "all"}, "Extra inputs are not permitted"),
        ({"concurrency": 0}, "greater than or equal to 1"),
    ],
)
def test_invalid_target_rejected(fields, message):
    with pytest.raises(ValidationError, match=message):
        target(**fields)


def test_read_only_policy_blocks_writes():
    policy = ReadOnlyPolicy()
    policy.on_request(PipelineRequest(PipelineHttpRequest("GET", "https://127.0.0.1/x"), None))
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with pytest.raises(WriteRequestBlocked, match=method):
            policy.on_request(PipelineRequest(PipelineHttpRequest(method, "https://127.0.0.1/x/listKeys"), None))


def test_pipeline_has_no_provider_registration():
    names = [type(policy).__name__ for policy in pipeline_policies(target(), EnvironmentAccessToken("UNUSED"), "scope")]
    assert names[0] == "ReadOnlyPolicy"
    assert "ARMAutoResourceProviderRegistrationPolicy" not in names
    assert "BoundedRetryPolicy" in names
