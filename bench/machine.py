"""The machine a run happened on, for the results' heading."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata

from bench import procs


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _ram() -> str:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def _kubectl() -> str:
    binary = procs.kubectl()
    if not binary:
        return "not found"
    try:
        out = subprocess.run([binary, "version", "--client"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.splitlines()[0].split(":", 1)[-1].strip() if out else "?"


def describe() -> dict[str, str]:
    return {
        "cpus": f"{len(os.sched_getaffinity(0))} (nproc)",
        "cpu": _cpu_model(),
        "ram": _ram(),
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "aiohttp": metadata.version("aiohttp"),
        "msgpack": metadata.version("msgpack"),
        "kubectl": _kubectl(),
    }
