"""Azure Event Hubs inventory adapter."""

from scanner.adapters.azure.collector import collect_azure

__all__ = ["collect_azure"]
