"""Watch pods in `default` with kr8s's sync `kr8s.watch`.

kr8s does discovery before it watches (`/version/`, `/api/`, `/api/v1`, `/apis/`), stops at a clean
end of stream and restarts only after an ERROR 410 event, so it exercises the proxy's discovery
answers and a non-reconnecting watch. Each event prints `TYPE : name`, the end prints `done`; a failed
request prints `ERROR : <message>` and exits 1.
"""

from __future__ import annotations

import argparse
import sys

import kr8s


def main(argv: list[str] | None = None) -> int:
    """Watch until kr8s's generator ends, printing every event."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--since", default=None, help="resourceVersion to start from")
    parser.add_argument("--namespace", default="default")
    args = parser.parse_args(argv)

    try:
        for kind, obj in kr8s.watch("pods", namespace=args.namespace, since=args.since):  # reads KUBECONFIG
            meta = obj.raw.get("metadata") or {}
            shown = meta.get("resourceVersion") if kind == "BOOKMARK" else meta.get("name")
            print(f"{kind} : {shown or ''}", flush=True)
    except kr8s.ServerError as exc:
        code = exc.response.status_code if exc.response is not None else ""
        print(f"ERROR : {code} {str(exc).splitlines()[0]}", flush=True)
        return 1
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
