"""watchproxy: record Kubernetes watch streams with their timing, replay them offline, deterministically."""

__version__ = "0.1.0"
