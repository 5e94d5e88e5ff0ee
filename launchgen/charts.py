"""Helm chart packaging and Chart.lock, byte-for-byte reproducible, without helm.

`launchgen new` must work on a machine without helm, yet the repos it writes must be
accepted by helm as they are: the Chart.lock digest is computed exactly as helm's
resolver does (sha256 of the Go JSON encoding of [requested, locked] dependencies),
and packaged charts are ordinary gzip'd tarballs with one top-level folder.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The order and omission rules of helm's chart.Dependency JSON encoding.
_DEPENDENCY_FIELDS = (
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
)
_ALWAYS_ENCODED = ("name", "repository")


def _go_json(value: Any) -> str:
    """JSON as Go's encoding/json writes it: compact, HTML characters escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _dependency_json(dep: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in _DEPENDENCY_FIELDS:
        value = dep.get(field)
        if field in _ALWAYS_ENCODED:
            out[field] = value or ""
        elif value:
            out[field] = value
    return out


def lock_digest(requested: Iterable[Mapping[str, Any]], locked: Iterable[Mapping[str, Any]]) -> str:
    """helm's Chart.lock digest of the Chart.yaml dependencies and their locked versions."""
    pair = [[_dependency_json(d) for d in requested], [_dependency_json(d) for d in locked]]
    return "sha256:" + hashlib.sha256(_go_json(pair).encode()).hexdigest()


def source_date() -> datetime:
    """The timestamp written into generated files: $SOURCE_DATE_EPOCH, else 1980-01-01."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    return datetime.fromtimestamp(epoch, tz=UTC)


def chart_lock_text(dependencies: list[Mapping[str, Any]]) -> str:
    """A Chart.lock for dependencies pinned to exact versions, as helm writes it."""
    locked = [
        {"name": d["name"], "repository": d["repository"], "version": d["version"]}
        for d in dependencies
    ]
    lines = ["dependencies:"]
    for dep in locked:
        lines += [
            f"- name: {dep['name']}",
            f"  repository: {dep['repository']}",
            f"  version: {dep['version']}",
        ]
    lines.append(f"digest: {lock_digest(dependencies, locked)}")
    lines.append(f'generated: "{source_date().strftime("%Y-%m-%dT%H:%M:%SZ")}"')
    return "\n".join(lines) + "\n"


def reproducible_targz(files: Mapping[str, bytes], mtime: int) -> bytes:
    """The tar.gz of `files` (name -> bytes) that only their names and bytes decide:
    sorted entries, one fixed time, no owners, mode 0644, a fixed gzip header."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            data = files[name]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), compresslevel=9, mtime=mtime)


def _chart_files(chart_dir: Path) -> list[Path]:
    ignored = {".helmignore"}
    return sorted(
        p
        for p in chart_dir.rglob("*")
        if p.is_file() and p.name not in ignored and not p.name.endswith((".swp", ".tmp"))
    )


def package_chart(chart_dir: Path, name: str, version: str) -> tuple[str, bytes]:
    """(file name, bytes) of `chart_dir` packaged as helm does: `<name>-<version>.tgz`."""
    files = {
        f"{name}/{path.relative_to(chart_dir).as_posix()}": path.read_bytes()
        for path in _chart_files(chart_dir)
    }
    return f"{name}-{version}.tgz", reproducible_targz(files, int(source_date().timestamp()))
