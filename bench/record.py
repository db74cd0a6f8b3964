"""Record mode: watchproxy (a separate process) in front of the bench upstream, against the direct path and
against `kubectl proxy` in front of the same upstream."""

from __future__ import annotations

from pathlib import Path

from bench import client, procs, table
from bench.table import Row

WATCH = "/api/v1/namespaces/bench/configmaps?watch=1"
LATENCY_RATE = 1000
LATENCY_EVENTS = 3000
LATENCY_SKIP = 200  # warm-up events not counted
STREAMS = 200


def _record_proxy(tmp: Path, kubeconfig: Path, name: str) -> procs.Server:
    out = tmp / f"{name}.msgpack"
    return procs.Server(procs.proxy_argv("record", "--out", str(out), "--kubeconfig", str(kubeconfig),
                                         "--listen", "127.0.0.1:0"))


def recording_overhead(path: Path) -> tuple[int, int]:
    """(file size, raw JSON bytes of the events in it)."""
    from proxy.recording import Frame, RecordingReader

    raw = 0
    with RecordingReader(path) as r:
        for rec in r.records():
            if isinstance(rec, Frame):
                raw += len(rec.data)
        return r.size, raw


def run(tmp: Path, window: float) -> list[Row]:
    rows: list[Row] = []
    with procs.Server([procs.PY, "-m", "bench.upstream"]) as up:
        kc = tmp / "upstream.kubeconfig"
        procs.write_kubeconfig(kc, up.url)

        # One stream at full speed.
        direct = client.measure(client.rate([up.url + WATCH], window=window, pids={"upstream": up.pid}))
        with _record_proxy(tmp, kc, "one-stream") as px:
            proxied = client.measure(client.rate([px.url + WATCH], window=window,
                                                 pids={"upstream": up.pid, "watchproxy": px.pid}))
        kubectl = procs.kubectl()
        kp: client.Rate | None = None
        kp_note = ""
        if kubectl:
            try:
                with procs.KubectlProxy(kubectl, kc) as k:
                    kp = client.measure(client.rate([k.url + WATCH], window=window,
                                                    pids={"upstream": up.pid, "kubectl proxy": k.proc.pid}))
            except (RuntimeError, OSError) as exc:
                kp_note = f"kubectl proxy could not run ({exc}): baseline skipped"
        else:
            kp_note = "kubectl not found (`make clients` installs it in .venv/bin): baseline skipped"
        (tmp / "one-stream.msgpack").unlink(missing_ok=True)
        rows.append(Row("record: events/s, 1 stream, 1 KB events — vs direct", table.rate(proxied.events_per_s),
                        f"direct {table.rate(direct.events_per_s)}",
                        table.ratio(proxied.events_per_s, direct.events_per_s), "≥ 0.8× direct",
                        proxied.events_per_s >= 0.8 * direct.events_per_s,
                        note=f"direct: {direct.cpu_note()}; through watchproxy: {proxied.cpu_note()}"))
        rows.append(Row("record: events/s, 1 stream, 1 KB events — vs kubectl proxy",
                        table.rate(proxied.events_per_s),
                        f"kubectl proxy {table.rate(kp.events_per_s)}" if kp else "skipped",
                        table.ratio(proxied.events_per_s, kp.events_per_s) if kp else "n/a",
                        "≥ 1.0× kubectl proxy", proxied.events_per_s >= kp.events_per_s if kp else None,
                        note=kp_note or (f"through kubectl proxy: {kp.cpu_note()}" if kp else "")))

        # Latency at a set rate: the upstream stamps each event with its send time.
        q = f"&rate={LATENCY_RATE}&n={LATENCY_EVENTS}&stamp=1"
        d_lat = client.measure(client.latencies(up.url + WATCH + q))[LATENCY_SKIP:]
        with _record_proxy(tmp, kc, "latency") as px:
            p_lat = client.measure(client.latencies(px.url + WATCH + q))[LATENCY_SKIP:]
        size, raw = recording_overhead(tmp / "latency.msgpack")
        for p in (50, 99):
            dv, pv = client.percentile(d_lat, p), client.percentile(p_lat, p)
            rows.append(Row(f"record: latency per event at {LATENCY_RATE:,} ev/s, p{p}", table.ms(pv),
                            f"direct {table.ms(dv)}", f"{(pv - dv) * 1000:+.2f} ms added",
                            "≤ 1 ms added" if p == 99 else "", (pv - dv) <= 0.001 if p == 99 else None,
                            note=f"{len(p_lat)} events through the proxy, {len(d_lat)} direct"
                            if p == 50 else ""))

        # Many streams at once.
        urls = [up.url + WATCH + f"&stream={i}" for i in range(STREAMS)]
        d_many = client.measure(client.rate(urls, window=window, pids={"upstream": up.pid}))
        with _record_proxy(tmp, kc, "many") as px:
            p_many = client.measure(client.rate([u.replace(up.url, px.url) for u in urls], window=window,
                                                pids={"upstream": up.pid, "watchproxy": px.pid}))
        (tmp / "many.msgpack").unlink(missing_ok=True)
        rows.append(Row(f"record: {STREAMS} concurrent streams, total events/s", table.rate(p_many.events_per_s),
                        f"direct {table.rate(d_many.events_per_s)}",
                        table.ratio(p_many.events_per_s, d_many.events_per_s), "≥ 0.8× direct",
                        p_many.events_per_s >= 0.8 * d_many.events_per_s,
                        note=f"streams delivering: proxy {p_many.streams}, direct {d_many.streams}; "
                        f"direct: {d_many.cpu_note()}; through watchproxy: {p_many.cpu_note()}"
                        + (f"; errors: {p_many.errors[:3]}" if p_many.errors else "")))
        rows.append(Row("recording size vs raw JSON of the same events (record mode, 1 KB events)",
                        f"{size:,} B", f"raw JSON {raw:,} B", table.ratio(size, raw), "≤ 1.1×",
                        size <= 1.1 * raw))
    return rows
