"""Write proxy/wire/openapi_builtin.json.gz: the OpenAPI v3 documents the real kube-apiserver the tests run
serves for the built-in kinds emulate serves (proxy.wire.kinds.BUILTIN), so a replay answers `kubectl
explain deployment.spec` and every other reader of a kind's schema as a cluster of the release does; and
openapi_v2.json.gz, openapi_v2.pb.gz: its OpenAPI v2 document as JSON and as protobuf (what client-go's
OpenAPISchema reads, e.g. for kubectl's validation of a `kind: List`), taken from a server holding no custom
resource definitions.

Taken from the served documents, not from the release's api/openapi-spec/v3 files, which differ from them
(the served ones carry enums and this build's version). Each document's schemas are stored once for all
documents; where a document's copy of a schema differs (DeleteOptions and WatchEvent list the document's own
group-version), that copy is kept with it; so is its hash, for the index. Compressed: the documents are 8.6 MB,
mostly paths.

    .venv/bin/python tests/peers/realkube/openapidocs.py     # (make realkube first)
"""

from __future__ import annotations

import gzip
import json
import ssl
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from watchproxy.wire import openapi
from watchproxy.wire.kinds import BUILTIN

from tests import rawhttp
from tests.realkube import realkube

WIRE = Path(__file__).resolve().parents[3] / "proxy" / "wire"
OUT = WIRE / openapi.BUILTIN_FILE


def _wanted() -> set[str]:
    """The documents of what emulate's discovery lists: the roots, each group, each group-version."""
    wanted = {"api", "apis", "version"}
    for rt in BUILTIN:
        wanted |= {openapi.gv_path(rt.group, rt.version)} | ({f"apis/{rt.group}"} if rt.group else set())
    return wanted


def _raw(base: str, token: str, path: str, accept: str) -> bytes:
    """A body as it came (rawhttp decodes JSON), from the test apiserver (its own CA)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}", "Accept": accept})
    with urllib.request.urlopen(request, context=ctx, timeout=60) as response:
        assert response.status == 200
        return bytes(response.read())


def main() -> None:
    shared: dict[str, Any] = {}
    docs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, realkube(Path(tmp) / "kube", 60) as kube:
        server = (kube.url, kube.token_file.read_text().strip())
        code, index, _ = rawhttp.call(*server, "GET", "/openapi/v3")
        assert code == 200, index
        for path in sorted(_wanted()):
            url = index["paths"][path]["serverRelativeURL"]
            code, doc, _ = rawhttp.call(*server, "GET", url)
            assert code == 200, (path, doc)
            schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})
            own = {}
            for name, schema in schemas.items():
                if shared.setdefault(name, schema) != schema:
                    own[name] = schema
            if schemas:
                doc["components"]["schemas"] = list(schemas)
            docs[path] = {"doc": doc, "hash": url.partition("?hash=")[2], **({"own": own} if own else {})}
        v2 = ((openapi.V2_JSON_FILE, "application/json"), (openapi.V2_PROTOBUF_FILE, openapi.V2_PROTOBUF))
        for name, accept in v2:
            body = _raw(kube.url, server[1], "/openapi/v2", accept)
            (WIRE / name).write_bytes(gzip.compress(body, 9, mtime=0))
            print(f"{WIRE / name}: {len(body):,} bytes, {(WIRE / name).stat().st_size:,} compressed")
    data = json.dumps({"schemas": shared, "documents": docs}, separators=(",", ":")).encode()
    OUT.write_bytes(gzip.compress(data, 9, mtime=0))
    print(f"{OUT}: {len(docs)} documents, {len(shared)} schemas, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
