"""Emulate mode: an apiserver watch cache rebuilt from a recording, answering any list or watch."""
