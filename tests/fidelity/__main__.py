"""`python -m tests.fidelity [OUT]`: run the catalogue against a real apiserver of its own and write
docs/fidelity.md (or OUT). Exits 1 when a difference is not accepted."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from pathlib import Path

from tests.conftest import REALKUBE_MIN_REQUEST_TIMEOUT
from tests.fidelity import generated
from tests.fidelity.cases import CASES
from tests.fidelity.harness import run
from tests.fidelity.report import markdown, verdict
from tests.realkube import realkube

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    """`python -m tests.fidelity [OUT]` runs the catalogue and writes OUT; `--random SEED N` runs N generated
    cases instead (tests/fidelity/generated.py) and only prints."""
    random_run = len(sys.argv) == 4 and sys.argv[1] == "--random"
    cases = generated.cases(int(sys.argv[2]), int(sys.argv[3])) if random_run else CASES
    out = Path(sys.argv[1]) if len(sys.argv) == 2 else ROOT / "docs" / "fidelity.md"
    with tempfile.TemporaryDirectory(prefix="watchproxy-fidelity-") as tmp:
        print("fidelity: starting the real kube-apiserver (tests/peers/realkube) …", flush=True)
        with realkube(Path(tmp) / "kube", REALKUBE_MIN_REQUEST_TIMEOUT) as kube:
            print(f"fidelity: {kube.url}; running the workload and {len(cases)} cases …", flush=True)
            ns = f"fidelity-{uuid.uuid4().hex[:6]}"
            results = asyncio.run(run(kube, Path(tmp), ns, REALKUBE_MIN_REQUEST_TIMEOUT, cases))
    version = (ROOT / "tests" / "peers" / "realkube" / "go.mod").read_text().split("k8s.io/kubernetes ")[1].split()[0]
    if not random_run:
        out.write_text(markdown(results, version))
    bad = [r for r in results if verdict(r) == "DIFFERENT"]
    print(f"fidelity: {len(results)} cases, {sum(verdict(r) == 'same' for r in results)} the same, "
          f"{len(bad)} different beyond what is accepted" + ("" if random_run else f"; wrote {out}"))
    for r in bad:
        print(f"  {r.case.name}: " + "; ".join(r.differences[:3]))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
