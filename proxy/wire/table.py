"""Server-side printing: objects as `meta.k8s.io/v1` Tables, which is what kubectl asks for.

Cells follow the apiserver's printers (pkg/printers/internalversion/printers.go) for pods, deployments,
replica sets, stateful sets, daemon sets, jobs, cron jobs, services, endpoints, endpoint slices, PVCs,
ingresses, network policies, HPAs, PDBs, RBAC roles and bindings, nodes, configmaps, secrets, events, namespaces,
leases and every other kind a 1.37 apiserver stores (storage, admission, flow control, DRA, ...), with the
column definitions a 1.37 apiserver sends (table_columns.py). Other types get columns
learned from a Table the recording holds for them (a custom resource's printer columns, cells from their
JSONPath), else the default Name/Age convertor. The Age cell
is relative to the time the table is made, which in replay is the recording's wall clock plus virtual time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from .conversion import as_metadata
from .table_columns import COLUMNS, CUSTOM_SCALE, DEFAULT, SCALE

# A custom resource's printer column is described this way by apiextensions' table convertor; a column
# learned from a recorded Table is printed again from its JSONPath.
_CRD_COLUMN = "Custom resource definition column (in JSONPath format): "


def _parse_time(s: str | None) -> dt.datetime | None:
    if not s:
        return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def human_age(seconds: float) -> str:
    """duration.HumanDuration from apimachinery, as kubectl shows ages."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:  # up to 2 s of clock skew between machines reads as "now"
        return "0s"
    if s < 60 * 2:
        return f"{s}s"
    m = s // 60
    if m < 10:
        return f"{m}m{s % 60}s" if s % 60 else f"{m}m"
    if m < 60 * 3:
        return f"{m}m"
    h = s // 3600
    if h < 8:
        return f"{h}h{m % 60}m" if m % 60 else f"{h}h"
    if h < 48:
        return f"{h}h"
    d = h // 24
    if h < 24 * 8:
        return f"{d}d{h % 24}h" if h % 24 else f"{d}d"
    if d < 365 * 2:
        return f"{d}d"
    if d < 365 * 8:
        return f"{d // 365}y{d % 365}d" if d % 365 else f"{d // 365}y"
    return f"{d // 365}y"


def _since(timestamp: str | None, now: dt.datetime) -> str:
    """translateTimestampSince: how long ago a time was, `<unknown>` for none."""
    then = _parse_time(timestamp)
    return "<unknown>" if then is None else human_age((now - then).total_seconds())


def _age(obj: dict[str, Any], now: dt.datetime) -> str:
    return _since((obj.get("metadata") or {}).get("creationTimestamp"), now)


def _pod_cells(pod: dict[str, Any], now: dt.datetime) -> list[Any]:
    meta, spec, st = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    statuses = st.get("containerStatuses") or []
    total = len(spec.get("containers") or [])
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount") or 0) for c in statuses)
    finished = [_parse_time(((c.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
                for c in statuses]
    last_restart = max((f for f in finished if f is not None), default=None)
    reason = st.get("reason") or st.get("phase") or ""
    has_running = False
    for c in reversed(statuses):
        state = c.get("state") or {}
        if (w := state.get("waiting")) and w.get("reason"):
            reason = w["reason"]
        elif t := state.get("terminated"):
            reason = t.get("reason") or (f"Signal:{t['signal']}" if t.get("signal")
                                         else f"ExitCode:{t.get('exitCode', 0)}")
        elif state.get("running") and c.get("ready"):
            has_running = True
    if reason == "Completed" and has_running:
        reason = "Running"
    if meta.get("deletionTimestamp"):
        if st.get("reason") == "NodeLost":
            reason = "Unknown"
        elif st.get("phase") not in ("Succeeded", "Failed"):  # a finished pod keeps its reason
            reason = "Terminating"
    # Restarts is a string cell: "2", or "2 (5m ago)" once a container has a last termination time.
    restarts_cell = str(restarts)
    if restarts and last_restart is not None:
        restarts_cell = f"{restarts} ({human_age((now - last_restart).total_seconds())} ago)"
    gates = spec.get("readinessGates") or []
    conditions = {c.get("type"): c.get("status") for c in reversed(st.get("conditions") or [])}
    gates_true = sum(1 for g in gates if conditions.get(g.get("conditionType")) == "True")
    return [meta.get("name", ""), f"{ready}/{total}", reason, restarts_cell, _age(pod, now),
            st.get("podIP") or "<none>", spec.get("nodeName") or "<none>",
            st.get("nominatedNodeName") or "<none>", f"{gates_true}/{len(gates)}" if gates else "<none>"]


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def _selector(sel: Any) -> str:
    """metav1.FormatLabelSelector: requirements sorted by key; no selector selects nothing."""
    if not isinstance(sel, dict):
        return "<none>"
    reqs = [(k, f"{k}={v}") for k, v in (sel.get("matchLabels") or {}).items()]
    for e in sel.get("matchExpressions") or []:
        key, op, values = e.get("key", ""), e.get("operator", ""), ",".join(sorted(e.get("values") or []))
        reqs.append((key, {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})", "Exists": key,
                           "DoesNotExist": f"!{key}"}.get(op, key)))
    return ",".join(r for _, r in sorted(reqs)) or "<none>"


def _map(labels: Any) -> str:
    """labels.FormatLabels."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def _template_containers(holder: dict[str, Any]) -> list[str]:
    """layoutContainerCells of a pod template: names, images."""
    containers = ((holder.get("template") or {}).get("spec") or {}).get("containers") or []
    return [",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)]


def _deployment_cells(d: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = d.get("spec") or {}, d.get("status") or {}
    return [_name(d), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}", st.get("updatedReplicas", 0),
            st.get("availableReplicas", 0), _age(d, now), *_template_containers(spec),
            _selector(spec.get("selector"))]


def _service_cells(svc: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = svc.get("spec") or {}, svc.get("status") or {}
    kind = spec.get("type") or "ClusterIP"
    external = list(spec.get("externalIPs") or [])
    if kind == "LoadBalancer":
        ingress = [i.get("ip") or i.get("hostname") or "" for i in (st.get("loadBalancer") or {}).get("ingress") or []]
        external = external + ingress if ingress else external or ["<pending>"]
    elif kind == "ExternalName":
        external = [spec.get("externalName") or ""]
    ports = [f"{p.get('port')}" + (f":{p['nodePort']}" if p.get("nodePort") else "") + f"/{p.get('protocol', 'TCP')}"
             for p in spec.get("ports") or []]
    return [_name(svc), kind, spec.get("clusterIP") or "<none>", ",".join(external) or "<none>",
            ",".join(ports) or "<none>", _age(svc, now), _map(spec.get("selector"))]


def _event_cells(ev: dict[str, Any], now: dt.datetime) -> list[Any]:
    def since(ts: str | None) -> str:
        t = _parse_time(ts)
        return "<unknown>" if t is None else human_age((now - t).total_seconds())

    first = since(ev.get("firstTimestamp")) if ev.get("firstTimestamp") else since(ev.get("eventTime"))
    last = since(ev.get("lastTimestamp")) if ev.get("lastTimestamp") else first
    count = ev.get("count") or 1
    if series := ev.get("series"):
        last, count = since(series.get("lastObservedTime")), series.get("count") or count
    obj = ev.get("involvedObject") or {}
    kind = str(obj.get("kind", "")).lower()
    target = f"{kind}/{obj['name']}" if obj.get("name") else kind
    src = ev.get("source") or {}  # formatEventSource: each part, else its reporting counterpart
    component = src.get("component") or ev.get("reportingComponent", "")
    host = src.get("host") or ev.get("reportingInstance", "")
    return [last, ev.get("type", ""), ev.get("reason", ""), target, obj.get("fieldPath", ""),
            f"{component}, {host}" if host else component, str(ev.get("message", "")).strip(), first, int(count),
            (ev.get("metadata") or {}).get("name", "")]


def _configmap_cells(cm: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(cm.get("metadata") or {}).get("name", ""), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}),
            _age(cm, now)]


def _secret_cells(sec: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(sec.get("metadata") or {}).get("name", ""), sec.get("type", ""), len(sec.get("data") or {}),
            _age(sec, now)]


def _namespace_cells(ns: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(ns.get("metadata") or {}).get("name", ""), (ns.get("status") or {}).get("phase", ""), _age(ns, now)]


def _lease_cells(lease: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(lease.get("metadata") or {}).get("name", ""), (lease.get("spec") or {}).get("holderIdentity") or "",
            _age(lease, now)]


def _controller_revision_cells(rev: dict[str, Any], now: dt.datetime) -> list[Any]:
    """printControllerRevision: its controller as kind.group/name (formatResourceName), <none> without one."""
    refs = [r for r in (rev.get("metadata") or {}).get("ownerReferences") or [] if r.get("controller")]
    controller = "<none>"
    if refs:
        group = str(refs[0].get("apiVersion", "")).rpartition("/")[0]
        kind = str(refs[0].get("kind", "")) + (f".{group}" if group else "")
        controller = f"{kind.lower()}/{refs[0].get('name', '')}" if kind else str(refs[0].get("name", ""))
    return [_name(rev), controller, rev.get("revision", 0), _age(rev, now)]


def _crd_cells(crd: dict[str, Any], _now: dt.datetime) -> list[Any]:
    """The definition's convertor (apiextensions-apiserver tableconvertor.go): served versions sorted, the
    storage one marked, and the creation time as RFC 3339 rather than an age."""
    spec, names = crd.get("spec") or {}, (crd.get("spec") or {}).get("names") or {}
    versions = sorted(str(v.get("name", "")) + ("(storage)" if v.get("storage") else "")
                      for v in spec.get("versions") or () if isinstance(v, dict) and v.get("served"))
    established = any(c.get("type") == "Established" and c.get("status") == "True"
                      for c in (crd.get("status") or {}).get("conditions") or () if isinstance(c, dict))
    return [_name(crd), spec.get("scope", ""), ",".join(versions),
            (crd.get("metadata") or {}).get("creationTimestamp", ""), spec.get("group", ""), names.get("kind", ""),
            ",".join(names.get("shortNames") or ()), established]


def _replica_set_cells(rs: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = rs.get("spec") or {}, rs.get("status") or {}
    return [_name(rs), spec.get("replicas", 0), st.get("replicas", 0), st.get("readyReplicas", 0), _age(rs, now),
            *_template_containers(spec), _selector(spec.get("selector"))]


def _stateful_set_cells(ss: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = ss.get("spec") or {}, ss.get("status") or {}
    return [_name(ss), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 0)}", _age(ss, now),
            *_template_containers(spec)]


def _daemon_set_cells(ds: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = ds.get("spec") or {}, ds.get("status") or {}
    node_selector = (((spec.get("template") or {}).get("spec") or {}).get("nodeSelector"))
    return [_name(ds), st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            _map(node_selector), _age(ds, now), *_template_containers(spec), _selector(spec.get("selector"))]


_JOB_STATES = (("Complete", "Complete"), ("Failed", "Failed"), ("", "Terminating"), ("Suspended", "Suspended"),
               ("FailureTarget", "FailureTarget"), ("SuccessCriteriaMet", "SuccessCriteriaMet"))


def _job_cells(job: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = job.get("spec") or {}, job.get("status") or {}
    succeeded = st.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    else:
        parallelism = spec.get("parallelism") or 0
        completions = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    started, ended = _parse_time(st.get("startTime")), _parse_time(st.get("completionTime"))
    duration = "" if started is None else human_age(((ended or now) - started).total_seconds())
    true = {c.get("type") for c in st.get("conditions") or [] if c.get("status") == "True"}
    deleting = bool((job.get("metadata") or {}).get("deletionTimestamp"))
    status = next((shown for cond, shown in _JOB_STATES if (cond in true if cond else deleting)), "Running")
    return [_name(job), status, completions, duration, _age(job, now), *_template_containers(spec),
            _selector(spec.get("selector"))]


def _cron_job_cells(cj: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = cj.get("spec") or {}, cj.get("status") or {}
    last = _parse_time(st.get("lastScheduleTime"))
    suspend = spec.get("suspend")
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return [_name(cj), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "<unset>" if suspend is None else str(bool(suspend)), len(st.get("active") or []),
            "<none>" if last is None else human_age((now - last).total_seconds()), _age(cj, now),
            *_template_containers(job_spec), _selector(job_spec.get("selector"))]


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def _pvc_cells(pvc: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = pvc.get("spec") or {}, pvc.get("status") or {}
    meta = pvc.get("metadata") or {}
    bound = bool(spec.get("volumeName"))
    modes = set(st.get("accessModes") or [])
    storage_class = spec.get("storageClassName")
    if storage_class is None:  # GetPersistentVolumeClaimClass: the beta annotation before the field
        storage_class = (meta.get("annotations") or {}).get("volume.beta.kubernetes.io/storage-class", "")
    return [_name(pvc), "Terminating" if meta.get("deletionTimestamp") else st.get("phase", ""),
            spec.get("volumeName", ""), ((st.get("capacity") or {}).get("storage", "0")) if bound else "",
            ",".join(short for mode, short in _ACCESS_MODES if mode in modes) if bound else "", storage_class,
            _unset(spec.get("volumeAttributesClassName")), _age(pvc, now), _unset(spec.get("volumeMode"))]


def _unset(value: Any) -> Any:
    """A pointer field as the printers show it: `<unset>` where it is nil (an empty string is shown)."""
    return "<unset>" if value is None else value


def _ingress_cells(ing: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = ing.get("spec") or {}, ing.get("status") or {}
    rules = spec.get("rules") or []
    hosts: list[str] = []
    more = False
    for rule in rules:  # formatHosts: three hosts, then how many rules more
        more = more or len(hosts) == 3
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    shown = ",".join(hosts) + (f" + {len(rules) - 3} more..." if more else "") if hosts else "*"
    points = sorted({i.get("ip") or i.get("hostname") for i in (st.get("loadBalancer") or {}).get("ingress") or []
                     if i.get("ip") or i.get("hostname")})
    address = ",".join(points)  # the server prints wide: never clipped
    return [_name(ing), spec.get("ingressClassName") or "<none>", shown, address,
            "80, 443" if spec.get("tls") else "80", _age(ing, now)]


def _pdb_cells(pdb: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = pdb.get("spec") or {}, pdb.get("status") or {}
    return [_name(pdb), str(spec["minAvailable"]) if spec.get("minAvailable") is not None else "N/A",
            str(spec["maxUnavailable"]) if spec.get("maxUnavailable") is not None else "N/A",
            st.get("disruptionsAllowed", 0), _age(pdb, now)]


def _role_cells(role: dict[str, Any], now: dt.datetime) -> list[Any]:
    """rbac's convertor: the creation time itself, not an age."""
    return [_name(role), (role.get("metadata") or {}).get("creationTimestamp") or "0001-01-01T00:00:00Z"]


def _role_binding_cells(rb: dict[str, Any], now: dt.datetime) -> list[Any]:
    ref, subjects = rb.get("roleRef") or {}, rb.get("subjects") or []

    def named(kind: str) -> str:  # rbac.SubjectsStrings
        return ", ".join(f"{s.get('namespace', '')}/{s.get('name', '')}" if kind == "ServiceAccount"
                         else s.get("name", "") for s in subjects if s.get("kind") == kind)
    return [_name(rb), f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(rb, now), named("User"), named("Group"),
            named("ServiceAccount")]


def _network_policy_cells(np: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(np), _selector((np.get("spec") or {}).get("podSelector") or {}), _age(np, now)]


def _endpoints_cells(ep: dict[str, Any], now: dt.datetime) -> list[Any]:
    """formatEndpoints: three addresses (with each port), then how many more."""
    subsets = ep.get("subsets") or []
    shown: list[str] = []
    count, more = 0, False
    for ss in subsets:
        addresses = [a.get("ip", "") for a in ss.get("addresses") or []]
        for port in ss.get("ports") or [None]:
            count += len(addresses)
            for ip in addresses:
                if len(shown) == 3:
                    more = True
                    break
                shown.append(ip if port is None else (f"[{ip}]" if ":" in ip else ip) + f":{port.get('port', 0)}")
    if not subsets:
        return [_name(ep), "<none>", _age(ep, now)]
    return [_name(ep), ",".join(shown) + (f" + {count - 3} more..." if more else ""), _age(ep, now)]


def _first_and_more(items: list[str], shown: int = 3, sep: str = ",", none: str = "<unset>") -> str:
    """listWithMoreString and formatHPAMetrics: the first few, then how many more; `none` for none."""
    text = sep.join(items[:shown])
    return text + f" + {len(items) - shown} more..." if len(items) > shown else text or none


def _endpoint_slice_cells(eps: dict[str, Any], now: dt.datetime) -> list[Any]:
    """formatDiscoveryPorts (a port's number, else its name, else `*`) and formatDiscoveryEndpoints."""
    ports = [str(p["port"]) if p.get("port") is not None else p.get("name") if p.get("name") is not None else "*"
             for p in eps.get("ports") or []]
    addresses = [a for e in eps.get("endpoints") or [] for a in e.get("addresses") or []]
    return [_name(eps), eps.get("addressType", ""), _first_and_more(ports), _first_and_more(addresses),
            _age(eps, now)]


_SOURCES = {"External": "external", "Pods": "pods", "Object": "object", "Resource": "resource",
            "ContainerResource": "containerResource"}


def _hpa_metric(spec: dict[str, Any], status: dict[str, Any] | None) -> str:
    """One metric of formatHPAMetrics: current/target, `<unknown>` where the autoscaler has not measured it;
    a quantity left out prints as Go prints a nil *Quantity, `<nil>`."""
    kind = spec.get("type", "")
    if kind not in _SOURCES:
        return "<unknown type>"
    source = spec.get(_SOURCES[kind]) or {}
    target = source.get("target") or {}
    measured = (status or {}).get(_SOURCES[kind])  # the status of this metric, if it has one
    current = (measured.get("current") or {}) if isinstance(measured, dict) else None

    def quantity(holder: dict[str, Any], key: str) -> str:
        return str(holder[key]) if holder.get(key) is not None else "<nil>"

    def now(key: str) -> str:
        return "<unknown>" if current is None else quantity(current, key)
    prefix = f"{source.get('name', '')}: " if kind in ("Resource", "ContainerResource") else ""
    if kind in ("External", "Object"):
        if target.get("averageValue") is None:
            return f"{now('value')}/{quantity(target, 'value')}"
        average = current.get("averageValue") if current is not None else None
        return f"{'<unknown>' if average is None else average}/{target['averageValue']} (avg)"
    if kind == "Pods" or target.get("averageValue") is not None:
        return f"{prefix}{now('averageValue')}/{quantity(target, 'averageValue')}"
    used, goal = (current or {}).get("averageUtilization"), target.get("averageUtilization")
    return f"{prefix}{'<unknown>' if used is None else f'{used}%'}/{'<auto>' if goal is None else f'{goal}%'}"


def _hpa_cells(hpa: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    metrics, statuses = spec.get("metrics") or [], st.get("currentMetrics") or []
    shown = [_hpa_metric(m, statuses[i] if i < len(statuses) else None) for i, m in enumerate(metrics)]
    targets = _first_and_more(shown, 2, ", ", "<none>")
    low = spec.get("minReplicas")
    return [_name(hpa), f"{ref.get('kind', '')}/{ref.get('name', '')}", targets,
            "<unset>" if low is None else str(low), spec.get("maxReplicas", 0), st.get("currentReplicas", 0),
            _age(hpa, now)]


def _node_cells(node: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = node.get("spec") or {}, node.get("status") or {}
    ready = [c for c in st.get("conditions") or [] if c.get("type") == "Ready"]
    status = ["Ready" if ready[-1].get("status") == "True" else "NotReady"] if ready else ["Unknown"]
    if spec.get("unschedulable"):
        status.append("SchedulingDisabled")
    labels = (node.get("metadata") or {}).get("labels") or {}
    roles = sorted({k.removeprefix("node-role.kubernetes.io/") for k in labels  # findNodeRoles
                    if k.startswith("node-role.kubernetes.io/") and k != "node-role.kubernetes.io/"}
                   | {v for k, v in labels.items() if k == "kubernetes.io/role" and v})
    info = st.get("nodeInfo") or {}
    kernel = info.get("kernelVersion") or "<unknown>"
    kernel += f" ({info['architecture']})" if info.get("architecture") else ""

    def address(kind: str) -> str:
        return next((a.get("address", "") for a in st.get("addresses") or [] if a.get("type") == kind), "<none>")
    return [_name(node), ",".join(status), ",".join(roles) or "<none>", _age(node, now), info.get("kubeletVersion", ""),
            address("InternalIP"), address("ExternalIP"), info.get("osImage") or "<unknown>", kernel,
            info.get("containerRuntimeVersion") or "<unknown>"]


def _pv_cells(pv: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st, meta = pv.get("spec") or {}, pv.get("status") or {}, pv.get("metadata") or {}
    claim = spec.get("claimRef")
    modes = set(spec.get("accessModes") or [])
    storage_class = (meta.get("annotations") or {}).get("volume.beta.kubernetes.io/storage-class")
    return [_name(pv), (spec.get("capacity") or {}).get("storage", "0"),
            ",".join(short for mode, short in _ACCESS_MODES if mode in modes),
            spec.get("persistentVolumeReclaimPolicy", ""),
            "Terminating" if meta.get("deletionTimestamp") else st.get("phase", ""),
            f"{claim.get('namespace', '')}/{claim.get('name', '')}" if isinstance(claim, dict) else "",
            spec.get("storageClassName", "") if storage_class is None else storage_class,
            _unset(spec.get("volumeAttributesClassName")), st.get("reason", ""), _age(pv, now),
            _unset(spec.get("volumeMode"))]


_DEFAULT_CLASS = ("storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")


def _storage_class_cells(sc: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(sc), sc.get("provisioner", ""), sc.get("reclaimPolicy") or "Delete",
            sc.get("volumeBindingMode") or "Immediate", bool(sc.get("allowVolumeExpansion")), _age(sc, now)]


def _effective_default_class(classes: list[dict[str, Any]]) -> str:
    """getEffectiveDefaultStorageClass: of the classes annotated default, the newest; on a tie, the first
    by name. Only a list marks it: a class printed alone is printed without."""
    marked = [c for c in classes
              if any(((c.get("metadata") or {}).get("annotations") or {}).get(a) == "true" for a in _DEFAULT_CLASS)]
    newest = max(marked, key=lambda c: ((c.get("metadata") or {}).get("creationTimestamp") or "",
                                        [-ord(ch) for ch in _name(c)]), default=None)
    return _name(newest) if newest is not None else ""


def _quota_cells(quota: dict[str, Any], now: dt.datetime) -> list[Any]:
    """Used/hard of each resource the status holds, by name; `limits.*` in a column of their own."""
    st = quota.get("status") or {}
    hard, used = st.get("hard") or {}, st.get("used") or {}
    requests: list[str] = []
    limits: list[str] = []
    for name in sorted(hard):
        (limits if name.split(".")[0] == "limits" and "." in name else requests).append(
            f"{name}: {used.get(name, '0')}/{hard[name]}")
    return [_name(quota), ", ".join(requests), ", ".join(limits), _age(quota, now)]


def _replication_controller_cells(rc: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = rc.get("spec") or {}, rc.get("status") or {}
    return [_name(rc), spec.get("replicas") or 0, st.get("replicas") or 0, st.get("readyReplicas") or 0,
            _age(rc, now), *_template_containers(spec), _map(spec.get("selector"))]


def _pod_template_cells(pt: dict[str, Any], _now: dt.datetime) -> list[Any]:
    labels = ((pt.get("template") or {}).get("metadata") or {}).get("labels")
    return [_name(pt), *_template_containers(pt), _map(labels)]


def _priority_class_cells(pc: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(pc), pc.get("value") or 0, bool(pc.get("globalDefault")), _age(pc, now),
            pc.get("preemptionPolicy") or ""]


def _ingress_class_cells(ic: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec = ic.get("spec") or {}
    name = _name(ic)
    annotations = (ic.get("metadata") or {}).get("annotations") or {}
    if annotations.get("ingressclass.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    params = spec.get("parameters")
    shown = "<none>"
    if isinstance(params, dict):
        group = f".{params['apiGroup']}" if params.get("apiGroup") is not None else ""
        shown = f"{params.get('kind', '')}{group}/{params.get('name', '')}"
    return [name, spec.get("controller", ""), shown, _age(ic, now)]


def _webhooks_cells(config: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(config), len(config.get("webhooks") or []), _age(config, now)]


def _runtime_class_cells(rc: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(rc), rc.get("handler", ""), _age(rc, now)]


def _csi_driver_cells(driver: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec = driver.get("spec") or {}
    tokens = spec.get("tokenRequests")
    return [_name(driver), spec.get("attachRequired", True) is not False, bool(spec.get("podInfoOnMount")),
            bool(spec.get("storageCapacity")),
            ",".join(t.get("audience", "") for t in tokens) if isinstance(tokens, list) else "<unset>",
            bool(spec.get("requiresRepublish")), ",".join(spec.get("volumeLifecycleModes") or []) or "<none>",
            _age(driver, now)]


def _volume_attachment_cells(va: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec = va.get("spec") or {}
    return [_name(va), spec.get("attacher", ""), (spec.get("source") or {}).get("persistentVolumeName") or "",
            spec.get("nodeName", ""), bool((va.get("status") or {}).get("attached")), _age(va, now)]


def _volume_attributes_class_cells(vac: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(vac), vac.get("driverName", ""), _age(vac, now)]


def _selector_struct(sel: dict[str, Any]) -> str:
    """A LabelSelector as its generated String() (gogo's), which is what a binding's paramRef prints."""
    labels = "".join(f"{k}: {v}," for k, v in sorted((sel.get("matchLabels") or {}).items()))
    reqs = "".join(f"LabelSelectorRequirement{{Key:{e.get('key', '')},Operator:{e.get('operator', '')},"
                   f"Values:[{' '.join(e.get('values') or [])}],}},"
                   for e in sel.get("matchExpressions") or [])
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{reqs}}},}}")


def _policy_binding_cells(binding: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec = binding.get("spec") or {}
    ref, param = spec.get("paramRef"), "<unset>"
    if isinstance(ref, dict):
        if ref.get("name"):
            param = f"{ref.get('namespace') or '*'}/{ref['name']}"
        elif ref.get("selector") is not None:
            param = _selector_struct(ref["selector"])
    return [_name(binding), spec.get("policyName", ""), param, _age(binding, now)]


def _resource_claim_cells(claim: dict[str, Any], now: dt.datetime) -> list[Any]:
    """resourceClaimState: deleted, pending, allocated, reserved."""
    st, deleted = claim.get("status") or {}, bool((claim.get("metadata") or {}).get("deletionTimestamp"))
    states = ["deleted"] if deleted else []
    if st.get("allocation") is None:
        states += [] if deleted else ["pending"]
    else:
        states += ["allocated", *(["reserved"] if st.get("reservedFor") else [])]
    return [_name(claim), ",".join(states), _age(claim, now)]


def _service_cidr_cells(cidr: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(cidr), ",".join((cidr.get("spec") or {}).get("cidrs") or []), _age(cidr, now)]


def _migration_cells(svm: dict[str, Any], _now: dt.datetime) -> list[Any]:
    """The resource (GroupResource's String: `deployments.apps`) and the true condition among Running,
    Failed and Succeeded, else Unknown."""
    res = (svm.get("spec") or {}).get("resource") or {}
    state = "Unknown"
    for c in (svm.get("status") or {}).get("conditions") or []:
        if c.get("status") == "True" and c.get("type") in ("Running", "Failed", "Succeeded"):
            state = c["type"]
    group = res.get("group", "")
    return [_name(svm), f"{res.get('resource', '')}.{group}" if group else res.get("resource", ""), state]


def _admission_policy_cells(policy: dict[str, Any], now: dt.datetime) -> list[Any]:
    """The count of a validating policy's validations or a mutating one's mutations (a spec has only its own
    kind's, and an object stored may not name its kind), and its parameters' kind."""
    spec = policy.get("spec") or {}
    rules = spec.get("validations") or spec.get("mutations")
    param = spec.get("paramKind")
    shown = f"{param.get('apiVersion', '')}/{param.get('kind', '')}" if isinstance(param, dict) else "<unset>"
    return [_name(policy), len(rules or []), shown, _age(policy, now)]


def _csi_node_cells(node: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(node), len((node.get("spec") or {}).get("drivers") or []), _age(node, now)]


def _trust_bundle_cells(bundle: dict[str, Any], _now: dt.datetime) -> list[Any]:
    return [_name(bundle), (bundle.get("spec") or {}).get("signerName") or "<none>"]


def _ip_address_cells(ip: dict[str, Any], now: dt.datetime) -> list[Any]:
    """The parent as `resource.group[/namespace]/name`, lower-cased (GroupResource's String)."""
    ref = (ip.get("spec") or {}).get("parentRef")
    parent = "<none>"
    if isinstance(ref, dict):
        group = ref.get("group", "")
        parent = (f"{ref.get('resource', '')}.{group}" if group else ref.get("resource", "")).lower()
        parent += f"/{ref['namespace']}" if ref.get("namespace") else ""
        parent += f"/{ref.get('name', '')}"
    return [_name(ip), parent, _age(ip, now)]


def _resource_slice_cells(rs: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec = rs.get("spec") or {}
    return [_name(rs), spec.get("nodeName") or "", spec.get("driver", ""), (spec.get("pool") or {}).get("name", ""),
            _age(rs, now)]


def _flow_schema_cells(fs: dict[str, Any], now: dt.datetime) -> list[Any]:
    """The priority level it names, and whether that is missing (its Dangling condition; `?` before the
    apiserver's controller has looked)."""
    spec = fs.get("spec") or {}
    dangling = next((c.get("status", "") for c in (fs.get("status") or {}).get("conditions") or []
                     if c.get("type") == "Dangling"), "?")
    method = spec.get("distinguisherMethod")
    return [_name(fs), (spec.get("priorityLevelConfiguration") or {}).get("name", ""),
            spec.get("matchingPrecedence") or 0, method.get("type", "") if isinstance(method, dict) else "<none>",
            _age(fs, now), dangling]


def _priority_level_cells(plc: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec = plc.get("spec") or {}
    limited = spec.get("limited")
    shares: Any = "<none>"
    queuing: list[Any] = ["<none>"] * 3
    if isinstance(limited, dict):
        shares = limited.get("nominalConcurrencyShares") or 0
        q = (limited.get("limitResponse") or {}).get("queuing")
        if isinstance(q, dict):
            queuing = [q.get(k) or 0 for k in ("queues", "handSize", "queueLengthLimit")]
    return [_name(plc), spec.get("type", ""), shares, *queuing, _age(plc, now)]


def _csr_cells(csr: dict[str, Any], now: dt.datetime) -> list[Any]:
    """extractCSRStatus: Denied over Approved over Pending, then Failed and Issued."""
    spec, st = csr.get("spec") or {}, csr.get("status") or {}
    kinds = {c.get("type") for c in st.get("conditions") or []}
    state = "Denied" if "Denied" in kinds else "Approved" if "Approved" in kinds else "Pending"
    state += (",Failed" if "Failed" in kinds else "") + (",Issued" if st.get("certificate") else "")
    seconds = spec.get("expirationSeconds")
    return [_name(csr), _age(csr, now), spec.get("signerName") or "<none>", spec.get("username", ""),
            human_age(seconds) if isinstance(seconds, int) else "<none>", state]


def _pod_certificate_request_cells(pcr: dict[str, Any], _now: dt.datetime) -> list[Any]:
    """The last of the Issued, Denied and Failed conditions, whatever its status, else Pending; the server
    prints wide, so the annotations too."""
    spec = pcr.get("spec") or {}
    state = "Pending"
    for c in (pcr.get("status") or {}).get("conditions") or []:
        state = c["type"] if c.get("type") in ("Issued", "Denied", "Failed") else state
    return [_name(pcr), spec.get("podName", ""), spec.get("serviceAccountName", ""), spec.get("nodeName", ""),
            spec.get("signerName", ""), state, _map(spec.get("unverifiedUserAnnotations"))]


def _device_taint_rule_cells(rule: dict[str, Any], now: dt.datetime) -> list[Any]:
    taint = (rule.get("spec") or {}).get("taint") or {}
    added = taint.get("timeAdded")
    return [_name(rule), taint.get("key", ""), taint.get("value", ""), taint.get("effect", ""),
            _since(added, now) if added else "", _age(rule, now)]


def _api_service_cells(service: dict[str, Any], now: dt.datetime) -> list[Any]:
    """The aggregator's printer: `Local` or the service's namespace/name, and the Available condition's status
    (with its reason where it is not True)."""
    ref = (service.get("spec") or {}).get("service")
    where = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if isinstance(ref, dict) else "Local"
    available = "Unknown"
    for c in (service.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Available":
            available = str(c.get("status") or "")
            if available != "True" and c.get("reason"):
                available = f"{available} ({c['reason']})"
    return [_name(service), where, available, _age(service, now)]


def _component_status_cells(cs: dict[str, Any], _now: dt.datetime) -> list[Any]:
    healthy = next((c for c in cs.get("conditions") or [] if c.get("type") == "Healthy"), None)
    if healthy is None:
        return [_name(cs), "Unknown", "", ""]
    return [_name(cs), "Healthy" if healthy.get("status") == "True" else "Unhealthy", healthy.get("message", ""),
            healthy.get("error", "")]


def _name_age_cells(obj: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [_name(obj), _age(obj, now)]


_PRINTERS = {"customresourcedefinitions": _crd_cells, "componentstatuses": _component_status_cells,
             "pods": _pod_cells, "deployments": _deployment_cells, "services": _service_cells,
             "events": _event_cells, "configmaps": _configmap_cells, "secrets": _secret_cells,
             "namespaces": _namespace_cells, "leases": _lease_cells, "replicasets": _replica_set_cells,
             "controllerrevisions": _controller_revision_cells,
             "statefulsets": _stateful_set_cells, "daemonsets": _daemon_set_cells, "jobs": _job_cells,
             "cronjobs": _cron_job_cells, "persistentvolumeclaims": _pvc_cells, "ingresses": _ingress_cells,
             "poddisruptionbudgets": _pdb_cells, "roles": _role_cells, "clusterroles": _role_cells,
             "rolebindings": _role_binding_cells, "clusterrolebindings": _role_binding_cells,
             "networkpolicies": _network_policy_cells, "endpoints": _endpoints_cells, "nodes": _node_cells,
             "endpointslices": _endpoint_slice_cells, "horizontalpodautoscalers": _hpa_cells,
             "persistentvolumes": _pv_cells, "storageclasses": _storage_class_cells, "resourcequotas": _quota_cells,
             "replicationcontrollers": _replication_controller_cells, "podtemplates": _pod_template_cells,
             "priorityclasses": _priority_class_cells, "ingressclasses": _ingress_class_cells,
             "validatingwebhookconfigurations": _webhooks_cells, "mutatingwebhookconfigurations": _webhooks_cells,
             "runtimeclasses": _runtime_class_cells, "csidrivers": _csi_driver_cells,
             "volumeattachments": _volume_attachment_cells, "volumeattributesclasses": _volume_attributes_class_cells,
             "validatingadmissionpolicybindings": _policy_binding_cells,
             "mutatingadmissionpolicybindings": _policy_binding_cells, "resourceclaims": _resource_claim_cells,
             "servicecidrs": _service_cidr_cells, "storageversionmigrations": _migration_cells,
             "limitranges": _role_cells, "csistoragecapacities": _role_cells,
             "validatingadmissionpolicies": _admission_policy_cells,
             "mutatingadmissionpolicies": _admission_policy_cells, "csinodes": _csi_node_cells,
             "clustertrustbundles": _trust_bundle_cells, "ipaddresses": _ip_address_cells,
             "resourceslices": _resource_slice_cells, "flowschemas": _flow_schema_cells,
             "prioritylevelconfigurations": _priority_level_cells, "certificatesigningrequests": _csr_cells,
             "podcertificaterequests": _pod_certificate_request_cells, "devicetaintrules": _device_taint_rule_cells,
             "deviceclasses": _name_age_cells, "resourceclaimtemplates": _name_age_cells,
             "apiservices": _api_service_cells}


def _json_path(obj: Any, path: str) -> Any:
    """The simple JSONPaths printer columns use (`.spec.size`, `.status.conditions[0].type`)."""
    node = obj
    for part in path.strip().lstrip(".").replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("[") and part.endswith("]"):
            index = part[1:-1]
            node = node[int(index)] if isinstance(node, list) and index.isdigit() and int(index) < len(node) \
                else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
    return node


def _learned_cells(columns: list[dict[str, Any]], obj: dict[str, Any], now: dt.datetime) -> list[Any]:
    cells: list[Any] = []
    for col in columns:
        doc = str(col.get("description", ""))
        if col.get("format") == "name":
            cells.append((obj.get("metadata") or {}).get("name", ""))
        elif doc.startswith(_CRD_COLUMN):
            value = _json_path(obj, doc[len(_CRD_COLUMN):])
            if col.get("type") == "date" and isinstance(value, str):
                value = _age({"metadata": {"creationTimestamp": value}}, now)
            cells.append(value)
        elif col.get("name") == "Age":
            cells.append(_age(obj, now))
        else:
            cells.append(None)
    return cells


def learned_columns(body: Any) -> list[dict[str, Any]] | None:
    """The column definitions of a recorded Table, when they can be printed again (names, ages and custom
    resource JSONPath columns): how emulate prints a type it has no printer for as the real server did."""
    if not isinstance(body, dict) or body.get("kind") != "Table" or not isinstance(body.get("columnDefinitions"), list):
        return None
    cols = body["columnDefinitions"]
    printable = all(isinstance(c, dict) and (c.get("format") == "name" or c.get("name") == "Age"
                                             or str(c.get("description", "")).startswith(_CRD_COLUMN))
                    for c in cols)
    return cols if cols and printable else None


def printer_columns(defined: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The column definitions of a custom resource whose definition names additionalPrinterColumns (the
    default Name and Age when it names none), as the apiserver's table convertor for it makes them."""
    if not defined:  # its Age column is a date, where the built-in printers' is a string
        return [DEFAULT[0], {**DEFAULT[1], "type": "date"}]
    return [DEFAULT[0], *({"name": c.get("name", ""), "type": c.get("type", ""), "format": c.get("format", ""),
                           "description": _CRD_COLUMN + str(c.get("jsonPath", "")),
                           "priority": c.get("priority", 0)} for c in defined)]


def columns_for(resource: str, learned: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    if resource in _PRINTERS:
        return COLUMNS[resource]
    return learned or DEFAULT


def row(resource: str, obj: dict[str, Any], now: dt.datetime, include_object: str = "Metadata",
        learned: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    printer = _PRINTERS.get(resource)
    cells = printer(obj, now) if printer else _learned_cells(learned or DEFAULT, obj, now)
    r: dict[str, Any] = {"cells": cells}
    if include_object == "Object":
        r["object"] = obj
    elif include_object != "None":
        r["object"] = as_metadata(obj)
    return r


def table(resource: str, objects: list[dict[str, Any]], now: dt.datetime, *, with_columns: bool = True,
          resource_version: str = "", include_object: str = "Metadata",
          continue_token: str = "", learned: list[dict[str, Any]] | None = None,
          remaining: int | None = None, as_list: bool = True) -> dict[str, Any]:
    """A Table: of a list, or (`as_list` False) of one object a watch event or a get holds. Watches send
    column definitions with the first event only (`null` afterwards)."""
    meta: dict[str, Any] = {"resourceVersion": resource_version} if resource_version else {}
    if as_list and resource == "flowschemas":  # its printer sorts them (FlowSchemaSequence): as they are matched
        objects = sorted(objects, key=lambda o: (int((o.get("spec") or {}).get("matchingPrecedence") or 0), _name(o)))
    if continue_token:
        meta["continue"] = continue_token
    if remaining is not None:
        meta["remainingItemCount"] = remaining
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
            "columnDefinitions": columns_for(resource, learned) if with_columns else None,
            "rows": _marked(resource, [row(resource, o, now, include_object, learned) for o in objects], objects,
                            as_list)}


def scale_table(scale: dict[str, Any], now: dt.datetime, resource_version: str, *, custom: bool) -> dict[str, Any]:
    """The Table of a scale subresource's Scale (a get): its replicas desired and available."""
    cells = [_name(scale), (scale.get("spec") or {}).get("replicas", 0), (scale.get("status") or {}).get("replicas", 0),
             _age(scale, now)]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": resource_version},
            "columnDefinitions": CUSTOM_SCALE if custom else SCALE,
            "rows": [{"cells": cells, "object": as_metadata(scale)}]}


def _marked(resource: str, rows: list[dict[str, Any]], objects: list[dict[str, Any]], as_list: bool
            ) -> list[dict[str, Any]]:
    """A list of storage classes names its effective default so."""
    if as_list and resource == "storageclasses" and (default := _effective_default_class(objects)):
        for r, obj in zip(rows, objects, strict=True):
            if _name(obj) == default:
                r["cells"][0] += " (default)"
    return rows
