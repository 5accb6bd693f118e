"""streamaudit: a read-only compliance scanner for event-streaming infrastructure."""

__version__ = "0.1.0"
