"""The seed experiment, offline: replay a recording and run the seed's own @kubernetes/client-node script.

The script reads ${HOME}/.kube/config, so it runs unmodified with HOME pointed at a temporary directory
whose kubeconfig names the proxy. It prints the watch events and then `done` when the replayed apiserver
closes the watch at its randomized timeout, reproducibly for a given --seed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_SCRIPT = HERE / "node" / "seed-watch.js"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("recording", nargs="?", default="recordings/nginx-deploy.msgpack")
    ap.add_argument("--speed", default="100", help="replay speed factor (default 100: 40 minutes in 24 s)")
    ap.add_argument("--seed", default="0")
    ap.add_argument("--mode", default="emulate", choices=("emulate", "exact"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="watchproxy-demo-") as home:
        kubeconfig = Path(home) / ".kube" / "config"
        replay = subprocess.Popen(
            [sys.executable, "-m", "watchproxy", "replay", a.recording, "--mode", a.mode, "--speed", a.speed,
             "--seed", a.seed, "--listen", "127.0.0.1:0", "--write-kubeconfig", str(kubeconfig)],
            stdout=subprocess.PIPE, text=True)
        assert replay.stdout is not None
        ready = replay.stdout.readline()
        if "listening on" not in ready:
            replay.wait()
            return 1
        print(ready.strip(), flush=True)
        url = ready.split("listening on ", 1)[1].split(",", 1)[0]
        print(f"$ node {SEED_SCRIPT.relative_to(HERE.parent)}", flush=True)
        start = time.monotonic()
        client = subprocess.run(["node", str(SEED_SCRIPT)], env={**os.environ, "HOME": home}, check=False)
        wall = time.monotonic() - start
        with urllib.request.urlopen(f"{url}/_watchproxy/requests?verb=watch") as resp:
            watches = json.load(resp)["requests"]
        replay.send_signal(signal.SIGINT)
        replay.communicate(timeout=10)
    for w in watches:
        if w["end_virtual_time"] is not None:
            virtual = w["end_virtual_time"] - w["virtual_time"]
            print(f"(the replayed apiserver closed the watch after {virtual / 60:.1f} virtual minutes, "
                  f"{wall:.1f} s of wall time; seed {a.seed}, speed {a.speed}x)")
    return client.returncode


if __name__ == "__main__":
    raise SystemExit(main())
