"""Emulate diff-tested against the real kube-apiserver: `make fidelity` writes docs/fidelity.md."""
