"""`python -m bench.realchunks`: the HTTP chunks a real kube-apiserver writes for a watch, busy and idle.

Starts the real apiserver of tests/peers/realkube, reads watches over a raw TLS socket (so nothing re-chunks
them) and prints, per situation, how many chunks, their sizes and how many cut through an event. The
benchmark's upstream shapes (bench/upstream.py) are checked against this; docs/benchmarks.md keeps the
figures. `--save FILE` also writes every chunk's and every event's size of the busy watch and the initial
burst: bench/captured_chunks.json, which the upstream's `captured` shape sends again (bench/shapes.py).
"""

from __future__ import annotations

import json
import socket
import ssl
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.realkube import RealKube, realkube  # noqa: E402
from tests.workload import Workload  # noqa: E402

NS = "chunks"
BUSY = "busy: 400 changes from 8 writers"
BURST = "initial ADDED burst of 420 objects (RV 0)"


@dataclass
class Chunks:
    sizes: list[int] = field(default_factory=list)
    event_sizes: list[int] = field(default_factory=list)
    cut: int = 0  # chunks that end inside an event

    @property
    def events(self) -> int:
        return len(self.event_sizes)

    def summary(self) -> dict[str, object]:
        s = self.sizes
        return {"chunks": len(s), "events": self.events, "events_per_chunk": round(self.events / max(1, len(s)), 2),
                "exactly_2048": sum(1 for x in s if x == 2048), "median": statistics.median(s) if s else 0,
                "max": max(s, default=0), "min": min(s, default=0), "cut_through_an_event": self.cut}


def read_watch(kube: RealKube, path: str, stop_after_idle: float, ready: threading.Event) -> Chunks:
    """Open `path` and record the chunk framing until the stream has been quiet for `stop_after_idle` s."""
    url = urlsplit(kube.url)
    ctx = ssl.create_default_context(cafile=str(kube.ca_file))
    token = kube.token_file.read_text().strip()
    out = Chunks()
    with socket.create_connection((url.hostname, url.port)) as raw, \
            ctx.wrap_socket(raw, server_hostname=url.hostname) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
                     "Accept: application/json\r\nUser-Agent: watchproxy-bench\r\n\r\n".encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += sock.recv(65536)
        head, buf = buf.split(b"\r\n\r\n", 1)
        assert b" 200 " in head.split(b"\r\n")[0], head
        ready.set()
        sock.settimeout(stop_after_idle)
        pending = b""
        try:
            while True:
                while b"\r\n" not in buf:
                    buf += sock.recv(65536)
                line, buf = buf.split(b"\r\n", 1)
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    break
                while len(buf) < size + 2:
                    buf += sock.recv(65536)
                data, buf = buf[:size], buf[size + 2:]
                out.sizes.append(size)
                pending += data
                while (end := pending.find(b"\n")) >= 0:
                    out.event_sizes.append(end + 1)
                    pending = pending[end + 1:]
                out.cut += bool(pending)
        except TimeoutError:
            pass
    return out


def measure(kube: RealKube, path: str, action: Callable[[], None], idle: float = 2.0) -> Chunks:
    ready = threading.Event()
    result: list[Chunks] = []
    reader = threading.Thread(target=lambda: result.append(read_watch(kube, path, idle, ready)))
    reader.start()
    ready.wait(30)
    action()
    reader.join(120)
    return result[0]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    save = Path(args[args.index("--save") + 1]) if "--save" in args else None
    with tempfile.TemporaryDirectory(prefix="watchproxy-chunks-") as tmp, \
            realkube(Path(tmp) / "kube", 1800) as kube:
        w = Workload(kube.admin_kubeconfig, namespace=NS)
        w.ensure_namespace()
        payload = {"k": "x" * 700}  # ConfigMaps of about 1 KB on the wire, like the benchmark's events

        def create(prefix: str, n: int, threads: int = 8, pause: float = 0.0) -> None:
            w.configmaps([f"{prefix}-{i}" for i in range(n)], payload, writers=threads, pause=pause)

        watch = f"/api/v1/namespaces/{NS}/configmaps?watch=1"
        rows = {
            "idle: one change every 0.2 s": measure(kube, watch, lambda: create("idle", 20, threads=1, pause=0.2)),
            BUSY: measure(kube, watch, lambda: create("busy", 400)),
            BURST: measure(kube, watch + "&resourceVersion=0", lambda: None, idle=2.0),
        }
        w.close()
    report = {name: c.summary() for name, c in rows.items()}
    print(json.dumps(report, indent=2))
    if save is not None:
        captured = {name: {"chunks": rows[name].sizes, "events": rows[name].event_sizes} for name in (BUSY, BURST)}
        save.write_text(json.dumps({"apiserver": "kube-apiserver v1.37.2 (tests/peers/realkube)",
                                    "captured": time.strftime("%Y-%m-%d"), "watches": captured}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
