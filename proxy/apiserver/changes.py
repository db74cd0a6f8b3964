"""A resource's rebuilt history as columns over the recording's bytes.

An hour of a busy cluster is millions of object versions. As objects each they cost a gigabyte and take
seconds to build; as arrays they cost tens of megabytes, and a saved history loads without building any.
A version's bytes stay where the recording has them (a slice of a watch event), read when a client is
sent that version.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, overload

from ..recording.index import Source

Key = tuple[str, str]  # (namespace, name)
T = TypeVar("T")


def in_key_order(state: Mapping[Key, T]) -> list[tuple[Key, T]]:
    """Objects in the order the apiserver lists them: by storage key, `namespace/name` as one string, so a
    namespace that another one extends sorts after it (`team-a/x` before `team/x`, "-" being before "/"),
    where sorting (namespace, name) pairs would put it first."""
    return sorted(state.items(), key=lambda item: f"{item[0][0]}/{item[0][1]}")


# SKIPPED: a recorded deletion of an object a client's write had already deleted (history.py), no event
TYPES = ("ADDED", "MODIFIED", "DELETED", "SKIPPED")
TYPE_CODE = {t: i for i, t in enumerate(TYPES[:3])}  # the types a recording holds
SKIPPED = TYPES.index("SKIPPED")
GONE = frozenset({"DELETED", "SKIPPED"})  # after such a change the object is not there
# (recorded change removes the object, the client's change before it removed it) -> recorded change's type
_FITTED = {(True, True): "SKIPPED", (True, False): "DELETED", (False, True): "ADDED", (False, False): "MODIFIED"}


class Raws:
    """Where objects' bytes are: most are a slice of a watch event in the recording, read when needed;
    the rest (list items, deletions nobody saw) were encoded while rebuilding and are kept here.
    A reference is a file offset (>= 0) or -(1 + offset in the kept bytes)."""

    def __init__(self, source: Source | None, kept: bytes = b"") -> None:
        self.source = source
        self.kept = bytearray(kept)

    def keep(self, data: bytes) -> int:
        ref = -1 - len(self.kept)
        self.kept += data
        return ref

    def get(self, ref: int, size: int) -> bytes:
        if ref >= 0:
            assert self.source is not None
            return self.source.read(ref, size)
        at = -1 - ref
        return bytes(self.kept[at:at + size])


class Changes(Sequence["Change"]):
    """One resource's changes in resourceVersion order, as columns: a million changes cost tens of
    megabytes instead of a gigabyte of objects, and a saved timeline loads without building any."""

    def __init__(self, raws: Raws | None = None) -> None:
        self.raws = raws or Raws(None)
        self.rvs = array("q")
        self.times = array("d")
        self.types = array("b")
        self.key_ids = array("i")
        self.prevs = array("i")  # index of the object's previous version, -1 for none
        self.refs = array("q")
        self.sizes = array("I")
        self.keys: list[Key] = []
        self._by_namespace: dict[str, array[int]] | None = None
        # The resourceVersion each row's bytes carry, once client writes have renumbered the rows still due
        # (history.py); None while they are the recorded ones.
        self.stamped: array[int] | None = None
        self._key_ids: dict[Key, int] | None = None
        # A client's change as storage holds it, by its row's bytes reference, where reads show less of it
        # (defaults.dropped_on_read): watches open when it was made are sent it undecorated (live_raw_at).
        self.dispatched: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self.rvs)

    def next_in(self, namespace: str, i: int) -> int:
        """The index of the first change from `i` on in `namespace`, len(self) if none: what a namespaced
        watch of a cluster-wide history waits for, rather than every namespace's changes."""
        if self._by_namespace is None:  # built once, on the first namespaced watch
            of = [ns for ns, _ in self.keys]
            by: dict[str, array[int]] = {}
            for j, kid in enumerate(self.key_ids):
                ns = of[kid]
                at = by.get(ns)
                if at is None:
                    at = by[ns] = array("i")
                at.append(j)
            self._by_namespace = by
        at = self._by_namespace.get(namespace)
        if not at:
            return len(self)
        k = bisect_left(at, i)
        return at[k] if k < len(at) else len(self)

    def raw_at(self, i: int) -> bytes:
        """The bytes of row `i`'s object (with its current resourceVersion)."""
        data = self.raws.get(self.refs[i], self.sizes[i])
        stamped = self.stamped
        if stamped is not None and stamped[i] != self.rvs[i]:  # renumbered after a client's write
            data = data.replace(b'"resourceVersion":"%d"' % stamped[i], b'"resourceVersion":"%d"' % self.rvs[i], 1)
        return data

    def live_raw_at(self, i: int) -> bytes:
        """Row `i`'s bytes as a watch that was open when it was made is sent them: the cacher dispatches a
        new version wrapped for its encodings, which the storage's read decorator passes by
        (Service's defaultOnRead), where one read from the watch cache's history is decorated."""
        dispatched = self.dispatched.get(self.refs[i]) if self.dispatched else None
        return self.raw_at(i) if dispatched is None else dispatched

    def key_id(self, key: Key) -> int:
        if self._key_ids is None:
            self._key_ids = {k: i for i, k in enumerate(self.keys)}
        kid = self._key_ids.get(key)
        if kid is None:
            kid = self._key_ids[key] = len(self.keys)
            self.keys.append(key)
        return kid

    def insert(self, k: int, rv: int, t: float, typ: str, key: Key, prev: int, raw: bytes,
               dispatched: bytes | None = None) -> None:
        """A client's change as row `k` (rows from `k` on move one down). The same object's next row, if
        the recording has one still to come, now follows this one: its type is made to fit (a recorded
        ADDED of an object the client created is a MODIFIED, a recorded MODIFIED of one it deleted is an
        ADDED, a recorded DELETED of one it deleted is SKIPPED)."""
        if self.stamped is None:
            self.stamped = array("q", self.rvs)
        kid = self.key_id(key)
        prevs = self.prevs
        if k < len(prevs):  # rows from k on move one down, and so do the versions they point back to
            prevs[k:] = array("i", [p + 1 if p >= k else p for p in prevs[k:]])
        self.rvs.insert(k, rv)
        self.stamped.insert(k, rv)
        self.times.insert(k, t)
        self.types.insert(k, TYPES.index(typ))
        self.key_ids.insert(k, kid)
        prevs.insert(k, prev)
        self.refs.insert(k, ref := self.raws.keep(raw))
        if dispatched is not None:
            self.dispatched[ref] = dispatched
        self.sizes.insert(k, len(raw))
        self._by_namespace = None
        key_ids = self.key_ids
        try:
            j = key_ids.index(kid, k + 1)
        except ValueError:
            return
        prevs[j] = k
        self.types[j] = TYPES.index(_FITTED[TYPES[self.types[j]] in GONE, typ in GONE])

    @overload
    def __getitem__(self, i: int) -> Change: ...
    @overload
    def __getitem__(self, i: slice) -> list[Change]: ...

    def __getitem__(self, i: int | slice) -> Change | list[Change]:
        if isinstance(i, slice):
            return [Change(self, k) for k in range(*i.indices(len(self)))]
        n = len(self.rvs)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return Change(self, i)

    COLUMNS = ("rvs", "times", "types", "key_ids", "prevs", "refs", "sizes")

    def to_saved(self) -> dict[str, Any]:
        return {"keys": [list(k) for k in self.keys], **{c: getattr(self, c).tobytes() for c in self.COLUMNS}}

    @classmethod
    def from_saved(cls, raws: Raws, doc: dict[str, Any]) -> Changes:
        c = cls(raws)
        c.keys = [(str(ns), str(name)) for ns, name in doc["keys"]]
        for col in cls.COLUMNS:
            getattr(c, col).frombytes(doc[col])
        if len({len(getattr(c, col)) for col in cls.COLUMNS}) != 1:
            raise ValueError("columns of different lengths")
        return c


class Change:
    """One version of one object: a row of `Changes`. Only the bytes are kept (as the apiserver sent them,
    kind and apiVersion first), read when asked for; the decoded object is made on demand, for selectors
    and tables."""

    __slots__ = ("_c", "i", "key", "rv", "t", "type")

    def __init__(self, changes: Changes, i: int) -> None:
        self._c = changes
        self.i = i
        self.rv: int = changes.rvs[i]
        self.t: float = changes.times[i]
        self.type: str = TYPES[changes.types[i]]
        self.key: Key = changes.keys[changes.key_ids[i]]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Change) and other._c is self._c and other.i == self.i

    def __hash__(self) -> int:
        return hash((id(self._c), self.i))

    def __repr__(self) -> str:
        return f"Change({self.type} {'/'.join(self.key)} rv={self.rv} t={self.t:.3f})"

    @property
    def raw(self) -> bytes:
        return self._c.raw_at(self.i)

    @property
    def prev(self) -> Change | None:
        """The same object's previous version (for selector transitions)."""
        p = self._c.prevs[self.i]
        return Change(self._c, p) if p >= 0 else None

    @property
    def obj(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.raw)
        return decoded
