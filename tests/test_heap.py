"""The proxy's processes fix glibc's mmap and trim thresholds (proxy/server/heap.py), so that each 256 KiB
read does not fault its pages in afresh; never over the user's own malloc settings. Each case runs in a
process of its own: the settings are the whole process's."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

CHECK = "from watchproxy.server.heap import keep_freed_reads; print(keep_freed_reads())"


def _set(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    done = subprocess.run([sys.executable, "-c", CHECK], env={**clean, **env}, capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout.strip()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's thresholds are glibc's")
def test_set_on_glibc() -> None:
    assert _set({}) == "True"


@pytest.mark.parametrize("name", ["MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"])
def test_left_alone_where_the_user_set_malloc(name: str) -> None:
    value = "glibc.malloc.trim_threshold=1048576" if name == "GLIBC_TUNABLES" else "1048576"
    assert _set({name: value}) == "False"
