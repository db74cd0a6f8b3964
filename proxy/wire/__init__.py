"""Layer 2: Kubernetes wire knowledge, free of I/O: bytes and dicts in, bytes and dicts out."""
