"""Scan configuration of Azure targets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AuthMethod = Literal["default", "cli", "environment", "managed_identity", "access_token"]
Cloud = Literal["public", "china", "usgovernment"]

_SUBSCRIPTION_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class AzureTarget(BaseModel):
    """One Azure target: a credential, a cloud and the subscriptions it scans.

    `auth` chooses the credential: ``default`` (DefaultAzureCredential),
    ``cli`` (the Azure CLI's login), ``environment`` (a service principal from
    AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or
    AZURE_CLIENT_CERTIFICATE_PATH), or ``managed_identity``. With
    ``access_token``, a bearer token is read from the environment variable
    named by `access_token_env` each time a request needs it. `resource_manager_url`
    replaces the cloud's Resource Manager endpoint, for Azure Stack Hub and
    other private clouds. `subscriptions` is a list of subscription ids, or
    ``all`` for every subscription the identity can read.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._:-]+$")
    auth: AuthMethod = "default"
    access_token_env: str | None = None
    managed_identity_client_id: str | None = None
    tenant_id: str | None = None
    cloud: Cloud = "public"
    resource_manager_url: str | None = None
    credential_scope: str | None = None
    ca_bundle: Path | None = None
    subscriptions: list[str] | Literal["all"] = "all"
    concurrency: int = Field(default=4, ge=1, le=32)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_retries: int = Field(default=3, ge=0, le=10)
    retry_backoff_seconds: float = Field(default=0.8, ge=0, le=60)
    max_retry_after_seconds: float = Field(default=60.0, ge=0, le=600)

    @field_validator("subscriptions")
    @classmethod
    def _subscription_ids(cls, subscriptions: list[str] | str) -> list[str] | str:
        if subscriptions == "all":
            return subscriptions
        if not subscriptions:
            raise ValueError("the subscription list is empty; list subscription ids or write 'subscriptions: all'")
        for subscription in subscriptions:
            if not _SUBSCRIPTION_ID.match(subscription):
                raise ValueError(
                    f"{subscription!r} is not a subscription id; write the GUID shown by "
                    "'az account list --query [].id', or 'subscriptions: all'"
                )
        return sorted({subscription.lower() for subscription in subscriptions})

    @field_validator("access_token_env")
    @classmethod
    def _env_name(cls, name: str | None) -> str | None:
        if name is not None and not _ENV_NAME.match(name):
            raise ValueError(f"{name!r} is not an environment variable name; write a name such as AZURE_ACCESS_TOKEN")
        return name

    @field_validator("resource_manager_url")
    @classmethod
    def _https_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parsed = urlparse(url)
        if parsed.scheme != "https" or not parsed.netloc:
            raise ValueError(
                f"resource_manager_url {url!r} must be an https:// URL such as https://management.local.azurestack.external/"
            )
        return url.rstrip("/") + "/"

    @field_validator("ca_bundle")
    @classmethod
    def _ca_file(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_file():
            raise ValueError(f"ca_bundle {str(path)!r} is not a file; give the path of a PEM file of trusted CA certificates")
        return path

    @model_validator(mode="after")
    def _consistent_auth(self) -> "AzureTarget":
        if self.auth == "access_token" and self.access_token_env is None:
            raise ValueError("auth 'access_token' needs access_token_env: the name of the environment variable that contains the token")
        if self.auth != "access_token" and self.access_token_env is not None:
            raise ValueError(f"access_token_env is only read with 'auth: access_token', but auth is {self.auth!r}")
        if self.managed_identity_client_id is not None and self.auth not in ("managed_identity", "default"):
            raise ValueError(f"managed_identity_client_id is only read with 'auth: managed_identity' or 'default', but auth is {self.auth!r}")
        if self.credential_scope is not None and self.resource_manager_url is None:
            raise ValueError("credential_scope is only read with resource_manager_url; the national clouds have fixed scopes")
        return self
