"""The floor under fan-out fidelity: how long one thread takes just to send() 1 KB to each of 1,000 loopback
TCP connections while another process reads them, with no proxy logic at all.

    python -m bench.sendfloor --drain   # the reading side, run as its own process; prints its port

A replay that must put one change on 1,000 sockets at the same instant cannot finish that round sooner, so
the last watch of the round is at least this late.
"""

from __future__ import annotations

import argparse
import selectors
import socket
import statistics
import subprocess
import sys
import time

CONNECTIONS = 1000
ROUNDS = 25
_DATA = b"x" * 1024


def _drain() -> None:
    """Accept connections and read everything they send, until stdin closes."""
    srv = socket.create_server(("127.0.0.1", 0), backlog=CONNECTIONS)
    srv.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    print(srv.getsockname()[1], flush=True)
    while True:
        for key, _ in sel.select():
            if key.fileobj is srv:
                conn, _ = srv.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ)
            elif key.fileobj is sys.stdin:
                return
            else:
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if not sock.recv(1 << 16):
                    sel.unregister(sock)
                    sock.close()


def round_seconds() -> float:
    """The median time of one round of 1,000 sends, measured in this process."""
    reader = subprocess.Popen([sys.executable, "-m", "bench.sendfloor", "--drain"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None
        port = int(reader.stdout.readline())
        socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
        times = []
        for _ in range(ROUNDS):
            t = time.perf_counter()
            for s in socks:
                s.send(_DATA)
            times.append(time.perf_counter() - t)
            time.sleep(0.05)  # let the reader catch up, as between two changes of the figure
        for s in socks:
            s.close()
        return statistics.median(times)
    finally:
        if reader.stdin is not None:
            reader.stdin.close()
        reader.wait(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--drain", action="store_true")
    if parser.parse_args().drain:
        _drain()
    else:
        print(f"{round_seconds() * 1000:.2f} ms per round of {CONNECTIONS:,} sends")
