"""Field ownership, as structured-merge-diff keeps it in managedFields for server-side apply: which manager
set which fields of an object, so that an apply changing a field another manager set is a 409 conflict.

A manager is (name, apiVersion): an applier's apiVersion is "" (its conflicts name it alone), an updater's is
the version it wrote (`conflict with "kubectl" using apps/v1`). A field is a path to a leaf; a list is one
field (structured-merge-diff owns an associative list's items one by one). Owners start from the recorded
object's managedFields and every write moves them: a create owns everything it sets, an update or a patch the
fields it changes (taking them from whoever had them), and a field that goes away is nobody's. A write to the
main resource owns no status field and one to /status only status fields (the strategies' reset fields).
"""

from __future__ import annotations

from typing import Any

FieldPath = tuple[str, ...]
Manager = tuple[str, str]  # (name, apiVersion written; "" for an applier)
Owners = dict[Manager, frozenset[FieldPath]]

# Fields the apiserver sets itself or that identify the object: nobody owns them.
_NOT_OWNED = frozenset({("kind",), ("apiVersion",), *(("metadata", f) for f in (
    "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
    "deletionGracePeriodSeconds", "managedFields", "selfLink"))})
MAX_MANAGER = 128  # validation.FieldManagerMaxLength


def fields(doc: dict[str, Any], at: FieldPath = ()) -> frozenset[FieldPath]:
    """The fields a document sets: paths to its leaves (a list counts as one field; an empty map as none)."""
    out: set[FieldPath] = set()
    for k, v in doc.items():
        path = (*at, k)
        if isinstance(v, dict):
            out |= fields(v, path)
        elif path not in _NOT_OWNED:
            out.add(path)
    return frozenset(out)


def overlap(a: FieldPath, b: FieldPath) -> bool:
    return a[:len(b)] == b or b[:len(a)] == a


def value(obj: Any, path: FieldPath) -> Any:
    for k in path:
        obj = obj.get(k) if isinstance(obj, dict) else None
    return obj


def display(m: Manager) -> str:
    """A manager as a conflict names it."""
    return f'"{m[0]}" using {m[1]}' if m[1] else f'"{m[0]}"'


def manager_name(field_manager: str, user_agent: str) -> str:
    """An updater's name: its fieldManager, else its User-Agent up to the first "/" (printable characters,
    at most 128 bytes), else "unknown" (handlers/create.go prefixFromUserAgent, BuildManagerIdentifier)."""
    if field_manager:
        return field_manager
    out = ""
    for ch in user_agent.split("/")[0]:
        if not ch.isprintable():
            continue
        if len((out + ch).encode()) > MAX_MANAGER:
            break
        out += ch
    return out or "unknown"


def _in_scope(path: FieldPath, subresource: str) -> bool:
    return (path[:1] == ("status",)) == (subresource == "status")


def _scoped(doc: dict[str, Any], subresource: str) -> frozenset[FieldPath]:
    return frozenset(f for f in fields(doc) if _in_scope(f, subresource))


def after_create(manager: Manager, obj: dict[str, Any]) -> Owners:
    return {manager: _scoped(obj, "")}


def after_update(owners: Owners, old: dict[str, Any], new: dict[str, Any], manager: Manager,
                 subresource: str = "") -> Owners:
    """Owners after `manager` wrote `new` over `old` (through `subresource`): it takes the fields whose
    value it changed, and the fields no longer there leave every manager."""
    before, after = _scoped(old, subresource), _scoped(new, subresource)
    changed = {f for f in after if f not in before or value(old, f) != value(new, f)}
    kept = fields(new)
    out: Owners = {}
    for m, owned in owners.items():
        rest = frozenset(f for f in owned if any(overlap(f, k) for k in kept)
                         and not any(overlap(f, c) for c in changed))
        if rest:
            out[m] = rest
    mine = out.get(manager, frozenset()) | changed
    if mine:
        out[manager] = frozenset(mine)
    return out


def recorded(obj: dict[str, Any] | None) -> Owners:
    """The owners an object's managedFields name (FieldsV1), for the main resource: entries of a
    subresource own only its fields, which a write to the main resource never sets."""
    out: Owners = {}
    meta = (obj or {}).get("metadata")
    entries = meta.get("managedFields") if isinstance(meta, dict) else None
    for e in entries if isinstance(entries, list) else []:
        if not isinstance(e, dict) or e.get("subresource") or not isinstance(e.get("fieldsV1"), dict):
            continue
        m = (str(e.get("manager", "")), "" if e.get("operation") == "Apply" else str(e.get("apiVersion", "")))
        owned = frozenset(_paths(e["fieldsV1"], ()))
        if owned:
            out[m] = out.get(m, frozenset()) | owned
    return out


def _paths(node: dict[str, Any], at: FieldPath) -> set[FieldPath]:
    """FieldsV1's `f:` keys as paths; a field holding list items (`k:`, `v:`, `i:`) is the list, one field;
    a map with only `.` (itself) owns no leaf."""
    out: set[FieldPath] = set()
    for k, v in node.items():
        if not k.startswith("f:"):
            continue
        path = (*at, k[2:])
        children = [c for c in v if c != "."] if isinstance(v, dict) else []
        if not children:
            if not (isinstance(v, dict) and "." in v):
                out.add(path)
        elif any(c.startswith(("k:", "v:", "i:")) for c in children):
            out.add(path)
        else:
            out |= _paths(v, path)
    return out
