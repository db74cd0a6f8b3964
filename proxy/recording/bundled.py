"""The recordings shipped with the package, found by name, so `watchproxy("nginx-deploy")` and
`watchproxy replay nginx-deploy` work from any directory, not only from a clone of the repository.

They live in the repository's top-level `recordings/` folder and install as the package data of
`watchproxy.bundled` (pyproject.toml maps one onto the other). An installed package finds them beside its
own modules; a source tree (an editable install, `python -m proxy` from the root) in `recordings/`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import RecordingError

SUFFIX = ".msgpack"
_PACKAGE = Path(__file__).resolve().parent.parent


def directory() -> Path | None:
    """Where the bundled recordings are, or None when this copy of the package has none."""
    installed = _PACKAGE / "bundled"
    if installed.is_dir():
        return installed
    source = _PACKAGE.parent / "recordings"
    if _PACKAGE.name == "proxy" and source.is_dir():  # the source folder: recordings/ is its sibling
        return source
    return None


@dataclass(frozen=True)
class Bundled:
    name: str
    path: Path
    about: str  # what it holds, from the first line of its scenario


def available() -> list[Bundled]:
    d = directory()
    if d is None:
        return []
    return [Bundled(p.name[: -len(SUFFIX)], p, _about(p.with_suffix(".yaml"))) for p in sorted(d.glob("*" + SUFFIX))]


def _about(scenario: Path) -> str:
    try:
        with scenario.open(encoding="utf-8") as f:
            first = f.readline()
    except OSError:
        return ""
    return first.lstrip("# ").split(":", 1)[0].strip() if first.startswith("#") else ""


def resolve(recording: str | os.PathLike[str], suffix: str = SUFFIX) -> str:
    """A path as given when it exists; otherwise a bundled recording's name (`nginx-deploy`, with or
    without `suffix`: `.yaml` finds its scenario). A name that is neither is an error that lists the
    bundled names."""
    text = os.fspath(recording)
    if os.path.exists(text):
        return text
    d = directory()
    if d is not None and text and os.sep not in text and (not os.altsep or os.altsep not in text):
        name = text[: -len(suffix)] if text.endswith(suffix) else text
        candidate = d / (name + suffix)
        if candidate.is_file():
            return str(candidate)
    names = ", ".join(b.name for b in available()) or "none in this installation"
    raise RecordingError(f"no such file, nor a bundled recording (bundled: {names})", path=text)
