"""glibc's heap, set for a proxy process that receives watch bodies in reads of up to 256 KiB.

glibc serves such an allocation from fresh pages (mmap, or the top of the heap after it trimmed it back to
the kernel), so each read's bytes, and the joined events made of them, fault their pages in again: 7% of
the recorder's CPU went to page faults at full speed, and the kernel's share per event fell from 1.3 to
0.9 µs with the two thresholds fixed (docs/benchmarks.md). Freed reads are then kept for the next ones:
at most TRIM_THRESHOLD of freed memory stays with the process. Only the command line's proxy processes
do this (the pytest plugin's replay runs in the user's test process, whose heap is not ours to set); not
at all where the user set glibc's malloc variables themselves, and nowhere but glibc.
"""

from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD = -1  # malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 4 << 20  # allocations this large or larger still get their own mapping
TRIM_THRESHOLD = 64 << 20
_USER_SET = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")


def keep_freed_reads() -> bool:
    """Fix glibc's mmap and trim thresholds for this process; whether they were set."""
    if any(name in os.environ for name in _USER_SET):
        return False
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):  # not glibc (musl's mallopt ignores these)
            return False
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
