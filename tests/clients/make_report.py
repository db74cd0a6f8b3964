"""Regenerate docs/client-report.md: `watchproxy check` against every real client, one section each.

Usage (from the project's root, after `make clients`):

    .venv/bin/python tests/clients/make_report.py [--out docs/client-report.md] [--only NAME,...]

The report is written from scratch, client by client, in the order below (clients run one after the
other, so wall-clock measurements such as backoff and request rates are not skewed by each other). A
client whose check cannot run at all (kubectl or node_modules missing) makes the script fail at the end
with the reason, after the others have been written. Section names carry the client's version, read
from the installed packages, so a report says what it was measured against.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from watchproxy.commands import check  # noqa: E402  (after the path set-up, for a run without installing)

from tests.procs import GOCLIENTS, peer_argv  # noqa: E402

NOTES = """
## About these clients

- Regenerate this file with `.venv/bin/python tests/clients/make_report.py` (`make report`); it runs
  `watchproxy check` once per client, one after the other, each battery in about 50 s (the quiet-stream
  scenario alone waits 45 s). `--clients WORD,...` rechecks only the clients whose names contain a word.
- Every client runs through a small driver that prints one `TYPE : name` line per event (kubectl prints
  its table): `tests/clients/*.py` (see the README there), `examples/node/*.js`, and the peers of other
  languages in `tests/peers/` (built by `make peers`). The drivers add no retry logic of their own, except
  `listwatch.js`, which restarts the informer 5 s after an error (`LISTWATCH_RESTART_MS`), as
  client-node's informer example does: the 5 s waits in its rows are that.
- `py_watch.py` calls `Watch.stream` without `timeout_seconds`, so it reconnects by itself; `lightkube`
  uses its default `on_error` (raise); `kr8s_watch.py` is `kr8s.watch("pods")`; `aio_watch.py` is
  `kubernetes_asyncio`'s `Watch().stream(list_namespaced_pod, "default")`.
- fabric8 (`tests/peers/java`, JDK HTTP client): `inform` is `runnableInformer(0)` + handler + `run()`,
  what `inform()` does; `watch` is a plain `watch(Watcher)`. fabric8 asks for each watch over a WebSocket
  first; watchproxy answers that with an empty 200, on which fabric8 falls back to an HTTP watch at once
  (BaseOperation.submitWatch), so every row here is about its HTTP watch. fabric8 8.0 also takes a
  resumed watch that ends cleanly within 2 s (wall clock) without a single message for a rejected
  resourceVersion and reports a 410 the server never sent (`AbstractWatchManager.watchEnded`, added for
  GKE's silent rejections: fabric8io/kubernetes-client#7896, #7898): a plain `watch()` then ends with a
  `WatcherException` 410, an informer relists. A test that drives fabric8 with a manual clock must keep
  each watch open 2 s of wall time before moving time to its deadline (tests/test_peers.py does).
- kubernetes-client/java (`tests/peers/java` `ClientJavaPeer`, OkHttp): `inform` is
  `SharedInformerFactory.sharedIndexInformerFor(GenericKubernetesApi, V1Pod.class, 0, namespace)`, as the
  client's informer examples build one; `watch` is `Watch.createWatch` over `listNamespacedPod(ns).watch(true)`,
  as its WatchExample, inside the loop a program writes around it (the example watches once): after a clean end
  of the stream it watches again from the last resourceVersion, and anything else ends it. Both set OkHttp's
  read timeout to 0, as the examples do ("infinite timeout"): with OkHttp's default of 10 s a watch quiet for
  10 s ends in an `IOException`, on which the informer lists again (`ReflectorRunnable.run`: "Read timeout
  retry list and watch"). The plain Watch cannot be asked for bookmarks on pods: the client checks every object
  it reads against the OpenAPI's required fields, and the real apiserver's Pod bookmark carries
  `"spec": {"containers": null}` (kubernetes-client/java#4160, open at 26.0.0; `tests/test_peers.py` reproduces
  it against the real apiserver, then offline from the recording); its informer asks for no bookmarks.
- kube-rs (`tests/peers/rust`): `watcher(api, Config::default()).default_backoff()` through a reflector;
  the watcher reports Apply/Delete and InitApply/InitDone, so the peer names each event from its own view
  (a new name is ADDED, a known one with a new resourceVersion MODIFIED, a delete or a name a relist no
  longer has DELETED).
- kopf (`tests/clients/kopf_operator.py --no-writes`): one `@kopf.on.event` handler, standalone,
  namespaced to `default`; the tests also run it with an `@kopf.on.create` handler, whose annotation
  PATCH and Event POST emulate mode applies. That variant is left out here because the check compares
  what a client prints with the recorded events only: a client's own writes show up as extra MODIFIED
  events and as resourceVersions "it was never sent". The same skews the controller-runtime row, whose
  reconciler patches an annotation onto every pod (tests/peers/goclients).
- kopf on `watchproxy replay --read-only`: its annotation PATCH gets the 405, kopf logs `Throttling for
  1 seconds due to an unexpected error` and throttles that pod's handling with growing delays
  (`settings.queueing`'s error delays), so its handlers see fewer, merged events for that pod; the
  final state is still the newest one.
- client-go rows (tests/peers/goclients): with client-go 0.37's default `WatchListClient`, a relist is a
  watch with `sendInitialEvents=true` (no LIST); the check counts such a watch as a relist and shows it
  as `watch-list` in the cells. The LIST+WATCH row is the same binary with `--watch-list=false`.
- Cold build of the peers on this 2-core machine, empty caches: the Java peers' jar (fabric8 and
  kubernetes-client/java) 15 s with Maven (86 MB of artifacts downloaded, Maven's plugins included); kube-rs
  2 min 2 s with cargo (debug profile without debug info; from a fresh clone with the crates already
  downloaded, on a busier machine, 3 min 17 s; a release build took 4 min 21 s, so the peer is not built
  with `--release`); after that `make peers` is a no-op for both.

## The BUG verdicts, checked against each client's source

Each BUG cell above is what the client did; here is the code that does it (paths inside the installed
package, the Maven artifact or the cargo/Go module of the version named in the section title) and,
where one is known, the public report. "Recovers after N" means the client has an inactivity guard,
only longer than the check's 8 s wall timeout (`--wall-timeout`).

- **half-open-stall** (every client): no client here times out a silent watch within seconds.
  Python `kubernetes` (`watch/watch.py` `Watch.stream`, no `_request_timeout`) and `SharedInformer`,
  lightkube (`core/generic_client.py`: `self._watch_timeout.read = None`), kr8s (`_api.py`
  `async_watch`, `timeout=None`), kubernetes_asyncio (`client/rest.py` `RESTClientObject.request`:
  `aiohttp.ClientTimeout()` without limits), client-node (`dist/watch.js` `Watch.watch`: the 30 s
  `AbortSignal.timeout` is built and then overwritten by `requestInit.signal = controller.signal`),
  kubectl and client-go over HTTP/1.1 (no read deadline on a watch body; HTTP/2 health checks need h2):
  wait forever — kubernetes-client/python#1402, kubernetes/client-go#374, kubernetes/kubernetes#65012.
  kopf recovers after 70 s (`_cogs/clients/watching.py` `watch_objs`: `asyncio.timeout(settings.watching
  .inactivity_timeout)`); kube-rs after 295 s (`kube-runtime` `src/watcher.rs` `next_with_idle_timeout`:
  the watch's 290 s plus a 5 s margin); the fabric8 informer after 5–10 min (`Reflector.startWatcher`
  arms a client-side close between `MIN_TIMEOUT`, 5 min, and twice that; fabric8io/kubernetes-client#4781,
  #5189); a plain fabric8 `watch()` asks for no timeoutSeconds and has no Reflector, so it waits as long as
  the connection looks open (fabric8io/kubernetes-client#6071).
  kubernetes-client/java with the examples' read timeout of 0 waits forever too: its informer's watches carry
  a timeoutSeconds of 5–10 min (`ReflectorRunnable.REFLECTOR_WATCH_CLIENTSIDE_TIMEOUT` × (1 + random)), but
  only as the query parameter the server enforces.
- **Python `kubernetes` Watch.stream** — `watch/watch.py` `Watch.stream`: an ERROR 410 is retried once with
  the same resourceVersion (`retry_after_410`), the next raises `ApiException(410)`; an HTTP 410 or 503
  on the request raises from the list call; a torn chunk raises urllib3's `ProtocolError` — the stream
  never relists (that is the informer's job) and the driver exits (apache/airflow#23521, #30425;
  kubernetes-client/python#728).
- **Python `kubernetes` SharedInformer** — `informer/informer.py` `SharedInformer._run_loop`: after any
  watch exception the loop re-watches (or, after a 410, relists) at once; only a failed list waits 5 s.
  Hence the hot loop under repeated 410s and the storm under 503s (kubernetes-client/javascript#1933 is
  the same failure in another client).
- **lightkube** — `core/generic_client.py` `GenericSyncClient.watch`: with the default
  `on_error_raise` every `httpx.HTTPError` (410, 503, a reset) is raised to the caller.
- **kr8s** — `_api.py` `Api.async_watch`: the generator returns at a clean end of stream (no re-watch), and
  on an ERROR 410 restarts at the same `since` resourceVersion, so a 410 that persists loops
  (kr8s-org/kr8s#476, #478).
- **client-node Watch** — `dist/watch.js` `Watch.watch`: the ERROR event goes to the callback like any
  other (its object is the Status, so the seed script prints `ERROR : undefined`), a clean end or an
  error calls `done` once; reconnecting is the caller's job. **ListWatch** — `dist/cache.js`
  `ListWatch.doneHandler`: a 410 clears the resourceVersion and relists at once, with no backoff.
- **kubectl get -w** — `k8s.io/kubectl` `pkg/cmd/get/get.go` `GetOptions.watch` (read at v0.37.2):
  `watchtools.UntilWithoutRetry`, so the command ends with the stream, and prints an ERROR's Status as a
  row. By design for a command, a BUG only by the catalogue's yardstick.
- **fabric8 watch()** — `AbstractWatchManager.onStatus` (kubernetes-client 8.0.0): a Status with code 410
  closes the watch with a `WatcherException` (`isHttpGone()`) passed to `Watcher.onClose`; a plain watch
  never relists (`Reflector.ReflectorWatcher.onClose` is where the informer does). The fabric8 contract
  leaves the relist to the caller, as the Python Watch does; the row shows what that costs a program
  that uses the plain watch.
- **kubernetes-client/java Watch** — `util/Watch.java` (client-java 26.0.0): an ERROR event is handed to
  the caller as a `Response` with its `status`, a failed request throws `ApiException` from `createWatch`, a
  torn stream `RuntimeException("IO Exception during next method.")` from `next()`; relisting and re-watching
  are the caller's, so these cells show what a program that re-watches only after a clean end (the loop in
  the peer) meets. Its informer (`informer/cache/ReflectorRunnable.java`) handles every one of them: an ERROR
  410 relists with resourceVersion "" after the `Controller`'s 1 s period; an HTTP 410 or 503 on the watch
  request goes to the exception handler and the next run, a second later, lists from the last
  resourceVersion; Retry-After is not read.
- **kube-rs http-410** — `kube-runtime` `src/watcher.rs` `step_trampolined`: an error *starting* a watch
  (`State::InitListed` → `Error::WatchStartFailed`) keeps the same resourceVersion, so an HTTP 410 status
  is retried with the expired RV (with the backoff) instead of relisting; an in-stream ERROR 410 resets to
  `State::Empty` and relists. Reported as kube-rs/kube#1042 (closed: a real apiserver sends the 410 in
  the stream, which kube-rs handles); it matters behind anything that answers 410 as a status. The same
  holds with streaming lists and for the metadata watcher (the same state machine).
- **kube-rs, streaming lists, no-initial-events-end** — `src/watcher.rs` `State::InitialWatch`: only a
  bookmark annotated `k8s.io/initial-events-end` ends the initial events (`Event::InitDone`); other
  bookmarks are skipped and the wait is bounded only by the stream's idle timeout (`next_with_idle_timeout`,
  the watch's timeoutSeconds + 5 s, 295 s by default) or the server's close, after which it starts a new
  streaming list. The cache stays in `Init` meanwhile: a reflector's readers see nothing new (the same gap as
  client-go's, kubernetes/kubernetes#122805).
- **kubernetes_asyncio** — `watch/watch.py` `Watch.next`: the same once-only 410 retry as the Python
  client (an HTTP 410 body is read as a line and takes the same path), then `ApiException(410)`; only
  `asyncio.TimeoutError` is caught, so aiohttp's `ClientPayloadError` on a torn chunk and the
  `ApiException(503)` of a failed re-watch reach the caller (tomplus/kubernetes_asyncio#327).
- **kopf** — `_cogs/clients/watching.py`: `continuous_watch` returns on an ERROR 410 and `infinite_watch`
  relists after `settings.watching.reconnect_backoff` (0.1 s), so it does relist, but a 410 that
  persists makes 8 relist+watch pairs a second for as long as it lasts; an HTTP 410 status on the watch
  request raises `APIClientError` (`errors.check_response`), which `infinite_watch` does not catch (only
  `APITooManyRequestsError`): the watcher task fails and the operator exits (the same family as
  nolar/kopf#787). kopf keeps no cache: after a relist it does not report objects deleted meanwhile.
- **client-go, WatchList row** — `tools/cache/reflector.go` `Reflector.watchList` retries at once,
  without backoff, when a watch fails as expired (`isErrorRetriableWithSideEffectsFn`:
  `setIsLastSyncResourceVersionUnavailable(true)`, `continue`), so a server that answers every watch with
  410 gets over 100 watch-lists a second (a real apiserver does not answer 410 to a sendInitialEvents
  watch without a resourceVersion, so this takes a misbehaving server or proxy); and a stream that never
  sends the initial-events-end bookmark is waited on until the watch's own timeoutSeconds (5–10 min,
  `defaultMinWatchTimeout`) ends it, `initialEventsEndBookmarkTicker` only logging a warning every 10 s
  (kubernetes/kubernetes#122805, #129408). With `--watch-list=false` neither path is taken.
- **controller-runtime** — its cache is the reflector above, hence the same three cells. Its
  timeout-close and reset-mid-event cells are the check's misreading: the MODIFIED events it calls
  duplicates are the reconciler's own annotation patches coming back (see above).
"""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _node_version() -> str:
    pkg = ROOT / "examples" / "node" / "node_modules" / "@kubernetes" / "client-node" / "package.json"
    try:
        return str(json.loads(pkg.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "?"


def _kubectl_version(kubectl: Path) -> str:
    try:
        out = subprocess.run([str(kubectl), "version", "--client"], capture_output=True, text=True, timeout=60,
                             check=False).stdout
    except OSError:
        return "?"
    return next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Client Version:")), "?")


def _pinned(path: str, pattern: str) -> str:
    """A version pinned in a peer's build file (pom.xml, Cargo.lock, go.mod), for the section's name."""
    try:
        m = re.search(pattern, (ROOT / path).read_text())
    except OSError:
        return "?"
    return m.group(1) if m else "?"


def _relative(argv: list[str]) -> list[str]:
    return [os.path.relpath(a, ROOT) if a.startswith(str(ROOT)) else a for a in argv]


def peers() -> list[tuple[str, list[str]]]:
    """The client peers of other languages and frameworks (tests/peers, tests/procs.peer_argv); the Go ones
    only once their binary is built (`make peers-go`)."""
    f8 = _pinned("tests/peers/java/pom.xml", r"kubernetes-client-bom</artifactId>\s*<version>([^<]+)")
    cj = _pinned("tests/peers/java/pom.xml", r"<artifactId>client-java</artifactId>\s*<version>([^<]+)")
    kube = _pinned("tests/peers/rust/Cargo.lock", r'name = "kube"\nversion = "([^"]+)"')
    client_go = _pinned("tests/peers/goclients/go.mod", r"k8s.io/client-go (v\S+)")
    runtime = _pinned("tests/peers/goclients/go.mod", r"sigs.k8s.io/controller-runtime (v\S+)")
    go = [(f"client-go {client_go} SharedInformer (Go)", peer_argv("go-informer")),
          (f"client-go {client_go} SharedInformer, LIST+WATCH (Go)", [*peer_argv("go-informer"), "--watch-list=false"]),
          (f"controller-runtime {runtime} manager (Go)", peer_argv("go-controller"))]
    return [
        (f"fabric8 {f8} SharedIndexInformer (Java)", peer_argv("fabric8-inform")),
        (f"fabric8 {f8} watch() (Java)", peer_argv("fabric8-watch")),
        (f"kubernetes-client/java {cj} SharedIndexInformer (Java)", peer_argv("client-java-inform")),
        (f"kubernetes-client/java {cj} Watch in a re-watch loop (Java)", peer_argv("client-java-watch")),
        (f"kube-rs {kube} watcher (Rust)", peer_argv("kube-rs")),
        (f"kube-rs {kube} watcher, streaming lists (Rust)", peer_argv("kube-rs-streaming")),
        (f"kube-rs {kube} watcher of metadata (Rust)", peer_argv("kube-rs-metadata")),
        (f"kubernetes_asyncio {_version('kubernetes_asyncio')} Watch", peer_argv("aio-watch")),
        # Without its create handler: the check's ideal events know nothing of a client's own writes.
        (f"kopf {_version('kopf')} operator (on.event only)", [*peer_argv("kopf"), "--no-writes"]),
        *(go if GOCLIENTS.exists() else []),
    ]


def clients() -> list[tuple[str, list[str]]]:
    """(section name, command) for every real client, paths relative to the project's root."""
    py = os.path.relpath(sys.executable, ROOT)
    kubectl = Path(sys.executable).parent / "kubectl"
    k8s, node = _version("kubernetes"), _node_version()
    return [
        (f"Python kubernetes {k8s} Watch.stream", [py, "tests/clients/py_watch.py"]),
        (f"Python kubernetes {k8s} SharedInformer", [py, "tests/clients/py_informer.py"]),
        (f"lightkube {_version('lightkube')} Client.watch", [py, "tests/clients/lightkube_watch.py"]),
        (f"kr8s {_version('kr8s')} watch", [py, "tests/clients/kr8s_watch.py"]),
        (f"client-node {node} Watch (seed script)", ["node", "examples/node/seed-watch.js"]),
        (f"client-node {node} ListWatch", ["node", "examples/node/listwatch.js"]),
        (f"kubectl {_kubectl_version(kubectl)} get pods -w", [os.path.relpath(kubectl, ROOT), "get", "pods", "-w"]),
        *((name, _relative(argv)) for name, argv in peers()),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/client-report.md", help="the report to write (from scratch)")
    parser.add_argument("--only", default="", help="passed to watchproxy check --only")
    parser.add_argument("--clients", default="", metavar="WORD,...",
                        help="check only the clients whose names contain one of these words, replacing their "
                             "sections in the report and keeping the others")
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # commands and the report's paths are relative to the project's root
    out = Path(args.out)
    words = [w.strip().lower() for w in args.clients.split(",") if w.strip()]
    chosen = [(n, c) for n, c in clients() if not words or any(w in n.lower() for w in words)]
    if not chosen:
        print(f"make_report: no client's name contains {args.clients!r}", file=sys.stderr)
        return 2
    if words and out.exists():  # the notes go last again once the chosen sections are in
        out.write_text(out.read_text().split(NOTES.strip().splitlines()[0])[0].rstrip("\n") + "\n")
    else:
        out.unlink(missing_ok=True)
    failed = []
    for name, cmd in chosen:
        print(f"== {name}: {' '.join(cmd)}", file=sys.stderr, flush=True)
        extra = ["--only", args.only] if args.only else []
        code = check.main(["--markdown", str(out), "--name", name, "--fail-on", "none", *extra, "--", *cmd])
        if code != 0:
            failed.append(f"{name} (exit {code})")
    if out.exists():
        with out.open("a") as f:
            f.write(NOTES)
    if failed:
        print(f"make_report: the check could not run for: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"make_report: wrote {out}", file=sys.stderr)
    return 0

if __name__ == "__main__":
    sys.exit(main())
