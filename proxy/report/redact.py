"""Rewrite a recording to strip more before sharing it: object names, namespaces, annotations, labels.

Recording already keeps credentials and Secret values out of the file (proxy.wire.redact). What is left
can still say too much: customer names in namespaces, product names in Deployments, annotations holding
internal URLs. `redact_recording` rewrites a copy:

- names and namespaces whose whole text matches a pattern become stable pseudonyms, `name-<8 hex>` and
  `ns-<8 hex>` (the start of the SHA-256 of the original). Stable, so the same object keeps the same name
  in paths, queries, list bodies and watch events and the redacted recording still replays consistently;
  but unsalted, so a reader who can guess a name can confirm the guess: redaction hides names, it does
  not make them unguessable;
- they are replaced where Kubernetes puts them (request paths, `fieldSelector`, `continue` tokens,
  `metadata.name`/`namespace`/`generateName`/`selfLink`, owner and object references, `nodeName`, Table
  cells, Status details) and then, as whole tokens, in every other string (messages, labels, env values),
  because a name leaks wherever it is repeated. A first pass collects every name so the second pass
  replaces even mentions that come before the object itself;
- annotations and labels whose key matches are removed.

JSON watch frames stay one valid JSON line ending in a newline each, so event boundaries and timing are
unchanged. Non-watch bodies arrive in pieces as the network delivered them; they are held per exchange
until it ends (gzip bodies are unzipped and re-zipped), rewritten, and cut back into as many pieces at
the same times. Bodies that are not JSON (protobuf) cannot be rewritten: they are counted and reported.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote_plus

from ..recording.reader import RecordingReader
from ..recording.records import VERSION, End, Frame, Header, Record, Request, Response
from ..recording.writer import RecordingWriter
from ..wire.request import classify

PatternLike = str | re.Pattern[str]
NAME, NAMESPACE = "name", "namespace"
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")  # names, and what may glue onto them ("web-2" is not "web")
_PROTECTED = frozenset({"kind", "apiVersion", "type", "resourceVersion", "uid", "creationTimestamp",
                        "deletionTimestamp"})
_VERBATIM = frozenset({"managedFields", "columnDefinitions"})
_SELECTOR = re.compile(r"^(\s*)([A-Za-z0-9_.]+)(\s*)(==|!=|=)(\s*)(.*?)(\s*)$")
_KEEP_HEADERS = frozenset({"accept", "accept-encoding", "content-type", "content-encoding", "content-length",
                           "transfer-encoding"})


def pseudonym(value: str, category: str) -> str:
    """`name-1a2b3c4d` / `ns-1a2b3c4d`: still a valid DNS label, stable across recordings and runs."""
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]
    return f"{'ns' if category == NAMESPACE else 'name'}-{digest}"


def _compile(patterns: Sequence[PatternLike], what: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for p in patterns:
        if isinstance(p, re.Pattern):
            out.append(p)
            continue
        try:
            out.append(re.compile(p))
        except re.error as exc:
            raise ValueError(f"--{what} {p!r} is not a valid regular expression: {exc}") from None
    return tuple(out)


@dataclass
class RedactStats:
    """What the rewrite did; the CLI prints it, and `unparsed` > 0 deserves a warning."""

    records: int = 0
    rewritten: int = 0  # records whose content changed
    names: int = 0  # distinct object names replaced
    namespaces: int = 0
    annotations_removed: int = 0
    labels_removed: int = 0
    unparsed: int = 0  # non-JSON bodies or frames of resource requests (protobuf): not inspected
    torn_tail: str | None = None


class _NotJson:  # a sentinel type
    pass


_NOT_JSON_VALUE = _NotJson()


class _Names:
    """Which strings are redacted and to what. Memory is per distinct name, never per event."""

    def __init__(self, names: tuple[re.Pattern[str], ...], namespaces: tuple[re.Pattern[str], ...]) -> None:
        self._res = {NAME: names, NAMESPACE: namespaces}
        self._decided: dict[tuple[str, str], str | None] = {}
        self.originals: dict[str, str] = {}  # any redacted original -> its pseudonym, for free text
        self.seen: dict[str, set[str]] = {NAME: set(), NAMESPACE: set()}

    def get(self, value: str, category: str) -> str | None:
        """The pseudonym for a name in a position known to hold a `category` name, or None."""
        if not value:
            return None
        key = (category, value)
        if key in self._decided:
            return self._decided[key]
        p = pseudonym(value, category) if any(r.fullmatch(value) for r in self._res[category]) else None
        self._decided[key] = p
        if p is not None:
            self.originals.setdefault(value, p)
            self.seen[category].add(value)
        return p

    def _token(self, m: re.Match[str]) -> str:
        tok = m.group(0)
        hit = self.originals.get(tok)
        if hit is not None:
            return hit
        if "." not in tok:
            return tok
        parts, out, i = tok.split("."), [], 0  # "web.shop.svc": names joined by dots
        while i < len(parts):
            for j in range(len(parts), i, -1):
                rep = self.originals.get(".".join(parts[i:j]))
                if rep is not None:
                    out.append(rep)
                    i = j
                    break
            else:
                out.append(parts[i])
                i += 1
        return ".".join(out)

    def scrub(self, text: str) -> str:
        """Free text with every whole-token mention of a redacted name replaced."""
        if not self.originals or not text:
            return text
        return _TOKEN.sub(self._token, text)


class _Rewriter:
    def __init__(self, names: _Names, annotations: tuple[re.Pattern[str], ...],
                 labels: tuple[re.Pattern[str], ...], stats: RedactStats, *, final: bool) -> None:
        self.names = names
        self.annotations = annotations
        self.labels = labels
        self.stats = stats
        self.final = final  # False in the collecting pass: nothing is counted or written
        self.changed = False
        # Counted in both passes: the first pass's counts go into the header, written before the second.
        self.annotations_dropped = 0
        self.labels_dropped = 0

    # --- strings and names ---------------------------------------------------------------------------
    def text(self, s: str) -> str:
        new = self.names.scrub(s) if self.final else s
        if new != s:
            self.changed = True
        return new

    def name(self, value: str, category: str) -> str:
        p = self.names.get(value, category)
        if p is None:
            return self.text(value)
        self.changed = True
        return p

    def generate_name(self, value: str) -> str:
        """`web-5d4f8b-` names its objects after the ReplicaSet `web-5d4f8b`: use that one's pseudonym."""
        base = value.rstrip("-")
        p = self.names.get(base, NAME) if base else None
        if p is None:
            return self.text(value)
        self.changed = True
        return p + value[len(base):]

    def path(self, p: str) -> str:
        """Namespace and name segments of a resource path, the way the apiserver reads the path."""
        parts = p.split("/")
        idx = [i for i, x in enumerate(parts) if x]
        segs = [parts[i] for i in idx]
        if len(segs) < 2 or segs[0] not in ("api", "apis"):
            return p
        k = 2 if segs[0] == "api" else 3
        if k < len(segs) and segs[k] == "watch":
            k += 1

        def rep(j: int, category: str) -> None:
            parts[idx[j]] = self.name(segs[j], category)

        if k + 1 < len(segs) and segs[k] == "namespaces":
            rep(k + 1, NAMESPACE)
            if k + 3 < len(segs):
                rep(k + 3, NAME)
        elif k + 1 < len(segs):
            rep(k + 1, NAME)
        return "/".join(parts)

    def selector(self, value: str) -> str:
        """A fieldSelector: `metadata.name=x,spec.nodeName!=y`; other keys get free-text treatment."""
        terms = []
        for term in value.split(","):
            m = _SELECTOR.match(term)
            if not m:
                terms.append(self.text(term))
                continue
            key, val = m.group(2), m.group(6)
            if key.endswith("namespace"):
                val = self.name(val, NAMESPACE)
            elif key.endswith(("name", "Name")):
                val = self.name(val, NAME)
            else:
                val = self.text(val)
            terms.append(m.group(1) + key + m.group(3) + m.group(4) + m.group(5) + val + m.group(7))
        return ",".join(terms)

    def continue_token(self, token: str, ns_ctx: bool) -> str:
        """A list `continue` token is base64 JSON whose `start` is the next key: `namespace/name\\0`."""
        try:
            doc = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (ValueError, TypeError):
            return token
        if not isinstance(doc, dict) or not isinstance(doc.get("start"), str):
            return token
        start: str = doc["start"]
        body = start.rstrip("\x00")
        keys = body.split("/")
        if len(keys) == 2:
            keys = [self.name(keys[0], NAMESPACE), self.name(keys[1], NAME)]
        elif len(keys) == 1:
            keys = [self.name(keys[0], NAMESPACE if ns_ctx else NAME)]
        new = "/".join(keys) + start[len(body):]
        if new == start:
            return token
        doc["start"] = new
        return base64.urlsafe_b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode().rstrip("=")

    def query(self, q: str, ns_ctx: bool) -> str:
        """Rewrite only the parameters that can hold names; every other byte of the query is kept."""
        if not q:
            return q
        out = []
        for part in q.split("&"):
            k, sep, v = part.partition("=")
            key = unquote_plus(k)
            if key in ("fieldSelector", "labelSelector", "continue"):
                val = unquote_plus(v)
                if key == "fieldSelector":
                    new = self.selector(val)
                elif key == "continue":
                    new = self.continue_token(val, ns_ctx)
                else:
                    new = self.text(val)
                if new != val:
                    part = k + sep + quote(new, safe="")
            out.append(part)
        return "&".join(out)

    # --- JSON documents ------------------------------------------------------------------------------
    def _drop_keys(self, d: dict[str, Any], patterns: tuple[re.Pattern[str], ...],
                   label: bool) -> dict[str, Any]:
        kept = {}
        for k, v in d.items():
            if any(p.fullmatch(k) for p in patterns):
                self.changed = True
                if label:
                    self.labels_dropped += 1
                else:
                    self.annotations_dropped += 1
                continue
            kept[k] = self.text(v) if isinstance(v, str) else v
        return kept

    def meta(self, m: dict[str, Any], is_ns_obj: bool, ns_ctx: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in m.items():
            if isinstance(v, str) and k == "name":
                out[k] = self.name(v, NAMESPACE if is_ns_obj else NAME)
            elif isinstance(v, str) and k == "namespace":
                out[k] = self.name(v, NAMESPACE)
            elif isinstance(v, str) and k == "generateName":
                out[k] = self.generate_name(v)
            elif isinstance(v, str) and k == "selfLink":
                out[k] = self.path(v)
            elif isinstance(v, str) and k == "continue":
                out[k] = self.continue_token(v, ns_ctx)
            elif isinstance(v, dict) and k in ("annotations", "labels"):
                kept = self._drop_keys(v, self.labels if k == "labels" else self.annotations, k == "labels")
                if kept or not v:
                    out[k] = kept
            elif k in _PROTECTED or k in _VERBATIM:
                out[k] = v
            else:
                out[k] = self.value(v, k, ns_ctx)
        return out

    def rows(self, rows: list[Any], columns: Any, ns_ctx: bool) -> list[Any]:
        """Table rows: the Name column (the first one when a watch event omits the definitions) and the
        Namespace column hold names; other cells get free-text treatment."""
        name_cols, ns_cols = {0}, set()
        if isinstance(columns, list) and columns:
            names = [c.get("name") if isinstance(c, dict) else None for c in columns]
            name_cols = {i for i, n in enumerate(names) if n == "Name"} or {0}
            ns_cols = {i for i, n in enumerate(names) if n == "Namespace"}
        out = []
        for row in rows:
            if not isinstance(row, dict):
                out.append(self.value(row, "", ns_ctx))
                continue
            new: dict[str, Any] = {}
            for k, v in row.items():
                if k == "cells" and isinstance(v, list):
                    cells = []
                    for i, c in enumerate(v):
                        if isinstance(c, str) and i in name_cols:
                            cells.append(self.name(c, NAMESPACE if ns_ctx else NAME))
                        elif isinstance(c, str) and i in ns_cols:
                            cells.append(self.name(c, NAMESPACE))
                        else:
                            cells.append(self.value(c, "", ns_ctx))
                    new[k] = cells
                else:
                    new[k] = self.value(v, k, ns_ctx)
            out.append(new)
        return out

    def obj(self, d: dict[str, Any], ns_ctx: bool) -> dict[str, Any]:
        kind = d.get("kind")
        has_meta = isinstance(d.get("metadata"), dict)
        is_ns_obj = kind == "Namespace" or (ns_ctx and kind in (None, "PartialObjectMetadata"))
        # An object reference (ownerReferences, involvedObject, subjects, Status details): kind + name.
        is_ref = not has_meta and isinstance(d.get("name"), str) and isinstance(kind, str)
        ref_category = NAMESPACE if kind in ("Namespace", "namespaces") else NAME
        out: dict[str, Any] = {}
        for k, v in d.items():
            if k == "metadata" and has_meta:
                out[k] = self.meta(v, is_ns_obj, ns_ctx)
            elif k in _VERBATIM or (k in _PROTECTED and not isinstance(v, dict | list)):
                out[k] = v
            elif k == "rows" and kind == "Table" and isinstance(v, list):
                out[k] = self.rows(v, d.get("columnDefinitions"), ns_ctx)
            elif k == "name" and is_ref:
                out[k] = self.name(v, ref_category)
            elif k == "namespace" and isinstance(v, str):
                out[k] = self.name(v, NAMESPACE)
            elif k == "nodeName" and isinstance(v, str):
                out[k] = self.name(v, NAME)
            elif k == "matchLabels" and isinstance(v, dict) and self.labels:
                out[k] = self._drop_keys(v, self.labels, True)
            else:
                out[k] = self.value(v, k, ns_ctx)
        return out

    def value(self, v: Any, key: str, ns_ctx: bool) -> Any:
        if isinstance(v, dict):
            return self.obj(v, ns_ctx)
        if isinstance(v, list):
            return [self.value(x, key, ns_ctx) for x in v]
        if isinstance(v, str) and key not in _PROTECTED:
            return self.text(v)
        return v

    def json_body(self, data: bytes, ns_ctx: bool) -> bytes | _NotJson | None:
        """The rewritten document, None if nothing changed, or _NOT_JSON_VALUE."""
        if data.lstrip()[:1] not in (b"{", b"["):
            return _NOT_JSON_VALUE
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            return _NOT_JSON_VALUE
        self.changed = False
        try:
            new = self.value(doc, "", ns_ctx)
        except RecursionError:  # parsed, but nested too deeply to walk: left as it is
            return _NOT_JSON_VALUE
        if not self.changed:
            return None
        # Compact, one line: a watch frame stays exactly one JSON line; "type" stays the first key.
        out = json.dumps(new, separators=(",", ":"), ensure_ascii=False).encode()
        return out + b"\n" if data.endswith(b"\n") else out

    def body(self, data: bytes, ns_ctx: bool) -> bytes:
        """Any body or frame of a resource request, rewritten where possible."""
        if not data:
            return data
        new = self.json_body(data, ns_ctx)
        if isinstance(new, bytes):
            return new
        if new is None:
            return data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if self.final:
                self.stats.unparsed += 1
            return data
        scrubbed = self.text(text)
        return data if scrubbed == text else scrubbed.encode("utf-8")

    def headers(self, headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple((k, v if k.lower() in _KEEP_HEADERS else self.text(v)) for k, v in headers)


@dataclass
class _Ex:
    resource: bool
    ns_ctx: bool
    watch: bool
    streaming: bool = False
    encoding: str = ""
    response: Response | None = None
    pieces: list[Frame] | None = None  # a non-watch body of a resource request, held until it ends


def _resplit(pieces: list[Frame], body: bytes) -> list[Frame]:
    """Cut a rewritten body into as many pieces as were recorded, at proportional offsets, so exact
    replay still delivers it over the same recorded times."""
    total = sum(len(p.data) for p in pieces) or 1
    out, pos, cum = [], 0, 0
    for i, p in enumerate(pieces):
        cum += len(p.data)
        end = len(body) if i == len(pieces) - 1 else round(cum * len(body) / total)
        if end > pos:
            out.append(Frame(p.ex, p.t, body[pos:end]))
            pos = end
    return out


class _Pass:
    """One read of the recording; the collecting pass runs it without a writer."""

    def __init__(self, rw: _Rewriter, writer: RecordingWriter | None) -> None:
        self.rw = rw
        self.writer = writer
        self.live: dict[int, _Ex] = {}
        # Frames of one exchange and time in a row, written together: one `frames` record, as the recorder
        # wrote the events of one read, so the copy is not larger than the original.
        self._frames: list[Frame] = []

    def emit(self, original: Record | None, *recs: Record) -> None:
        if self.writer is None:
            return
        if original is not None and (len(recs) != 1 or recs[0] != original):
            self.rw.stats.rewritten += 1
        for rec in recs:
            held = self._frames
            if held and not (isinstance(rec, Frame) and rec.ex == held[0].ex and rec.t == held[0].t):
                self._write_frames()
            if isinstance(rec, Frame):
                self._frames.append(rec)
            else:
                self.writer.write(rec)

    def _write_frames(self) -> None:
        held, self._frames = self._frames, []
        if held and self.writer is not None:
            self.writer.write_frames(held[0].ex, held[0].t, [f.data for f in held])

    def flush(self, st: _Ex) -> None:
        rw = self.rw
        held: list[Record] = []
        if st.pieces is None:
            return
        pieces, st.pieces = st.pieces, None
        body = b"".join(p.data for p in pieces)
        new_body = body
        if st.encoding in ("", "identity"):
            new_body = rw.body(body, st.ns_ctx)
        elif st.encoding == "gzip":
            try:
                plain = gzip.decompress(body)
            except (OSError, EOFError):
                plain = None
                if rw.final:
                    rw.stats.unparsed += 1
            if plain is not None:
                new_plain = rw.body(plain, st.ns_ctx)
                if new_plain != plain:
                    new_body = gzip.compress(new_plain, mtime=0)
        elif body and rw.final:
            rw.stats.unparsed += 1  # deflate, br: not worth a dependency
        resp = st.response
        if resp is not None:
            headers = rw.headers(resp.headers)
            if new_body != body:
                headers = tuple((k, str(len(new_body)) if k.lower() == "content-length" else v)
                                for k, v in headers)
            held.append(dataclasses.replace(resp, headers=headers))
            st.response = None
        if new_body != body:
            held.extend(_resplit(pieces, new_body))
            if self.writer is not None:
                rw.stats.rewritten += 1
        else:
            held.extend(pieces)
        if held:
            self.emit(None, *held)

    def record(self, rec: Record) -> None:
        rw = self.rw
        if isinstance(rec, Request):
            info = classify(rec.method, rec.path, rec.query)
            new_st = _Ex(info.is_resource, info.resource == "namespaces", info.verb == "watch")
            self.live[rec.ex] = new_st
            new = dataclasses.replace(
                rec, path=rw.path(rec.path), query=rw.query(rec.query, new_st.ns_ctx),
                headers=rw.headers(rec.headers),
                body=rw.body(rec.body, new_st.ns_ctx) if info.is_resource else rec.body)
            self.emit(rec, new)
            return
        st = self.live.get(rec.ex)
        if isinstance(rec, Response):
            if st is not None:
                st.encoding = rec.header("Content-Encoding").strip().lower()
                st.streaming = st.watch and rec.status == 200 and st.encoding in ("", "identity")
                if st.resource and not st.streaming:
                    st.response, st.pieces = rec, []
                    return
            self.emit(rec, dataclasses.replace(rec, headers=rw.headers(rec.headers)))
        elif isinstance(rec, Frame):
            if st is not None and st.pieces is not None:
                st.pieces.append(rec)
            elif st is None or (st.resource and st.streaming):
                self.emit(rec, dataclasses.replace(rec, data=rw.body(rec.data, st.ns_ctx if st else False)))
            elif st.resource and st.watch:  # a compressed watch: pieces of a gzip stream, not events
                if rw.final:
                    rw.stats.unparsed += 1
                self.emit(rec, rec)
            else:
                self.emit(rec, rec)
        elif isinstance(rec, End):
            if st is not None:
                self.flush(st)
                del self.live[rec.ex]
            self.emit(rec, dataclasses.replace(rec, error=rw.text(rec.error)))

    def finish(self) -> None:
        for st in list(self.live.values()):  # exchanges the file cut off (a crash): keep what arrived
            self.flush(st)
        self.live.clear()
        self._write_frames()


def _describe(what: str, option: str, patterns: tuple[re.Pattern[str], ...], tail: str) -> str:
    """The patterns themselves are left out: `--namespace acme-prod` would put the name it hides in the
    header of the file being shared."""
    n = len(patterns)
    return f"{what} matching {n} {option} pattern{'s' if n > 1 else ''} (not recorded) {tail}"


def redact_recording(src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
                     names: Sequence[PatternLike] = (), namespaces: Sequence[PatternLike] = (),
                     annotations: Sequence[PatternLike] = (),
                     labels: Sequence[PatternLike] = ()) -> RedactStats:
    """Write a redacted copy of `src` to `dst` (mode 0600) and return what was done.

    Patterns must match the whole name or key (`acme-.*`, not `acme`). Two streaming passes: the first
    collects the names to replace, the second rewrites. The header's `redactions` gains one entry per
    rule, so whoever receives the file knows what was taken out.
    """
    name_res, ns_res = _compile(names, "name"), _compile(namespaces, "namespace")
    ann_res, label_res = _compile(annotations, "annotation"), _compile(labels, "label")
    if not (name_res or ns_res or ann_res or label_res):
        raise ValueError("nothing to redact: give at least one name, namespace, annotation or label pattern")
    src, dst = os.fspath(src), os.fspath(dst)
    if os.path.exists(dst) and os.path.samefile(src, dst):
        raise ValueError(f"{dst}: refusing to overwrite the recording being redacted")
    table = _Names(name_res, ns_res)
    stats = RedactStats()
    with RecordingReader(src) as reader:  # pass 1: learn every name, so mentions before it are caught too
        first = _Rewriter(table, ann_res, label_res, stats, final=False)
        collect = _Pass(first, None)
        for rec in reader.records():
            collect.record(rec)
        collect.finish()
    stats.names, stats.namespaces = len(table.seen[NAME]), len(table.seen[NAMESPACE])
    with RecordingReader(src) as reader:
        extra = []
        if name_res:
            extra.append(_describe("object names", "--name", name_res, "replaced by stable pseudonyms "
                                   f"name-<first 8 hex of sha256> everywhere ({stats.names} distinct)"))
        if ns_res:
            extra.append(_describe("namespaces", "--namespace", ns_res, "replaced by stable pseudonyms "
                                   f"ns-<first 8 hex of sha256> everywhere ({stats.namespaces} distinct)"))
        if ann_res:
            extra.append(_describe("annotations with keys", "--annotation", ann_res,
                                   f"removed ({first.annotations_dropped} in all)"))
        if label_res:
            extra.append(_describe("labels with keys", "--label", label_res,
                                   f"removed ({first.labels_dropped} in all)"))
        header: Header = dataclasses.replace(reader.header, redactions=(*reader.header.redactions, *extra),
                                             version=VERSION)
        writer = RecordingWriter(dst, header)
        try:
            rewrite = _Pass(_Rewriter(table, ann_res, label_res, stats, final=True), writer)
            for rec in reader.records():
                rewrite.record(rec)
                stats.records += 1
            rewrite.finish()
            stats.annotations_removed = rewrite.rw.annotations_dropped
            stats.labels_removed = rewrite.rw.labels_dropped
        except BaseException:
            writer.close()
            os.unlink(dst)  # never leave a half-redacted file that looks finished
            raise
        writer.close()
        stats.torn_tail = reader.torn_tail_message()
    return stats
