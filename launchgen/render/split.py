"""helm's rendered stream, split into one file per resource in a stable order.

helm already emits resources in install order (kind, then name), which is stable for
the same inputs; files are numbered in that order, `NN-kind-name.yaml`, so a folder
listing reads like the order helm applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from launchgen.errors import LaunchgenError

_SEPARATOR = re.compile(r"^---[ \t]*(?:#.*)?$", re.MULTILINE)
_SOURCE = re.compile(r"^# Source: (.+)$", re.MULTILINE)
_UNSAFE = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True)
class Manifest:
    file_name: str
    kind: str
    name: str
    text: str


def _is_blank(chunk: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in chunk.splitlines())


def _object(chunk: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.load(chunk, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise LaunchgenError(f"{where}: helm rendered invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not data.get("kind") or not isinstance(data.get("metadata"), dict):
        raise LaunchgenError(f"{where}: helm rendered a document that is not a Kubernetes object")
    return data


def split(stream: str, what: str) -> list[Manifest]:
    """One Manifest per rendered resource, numbered in helm's order."""
    chunks = [c.strip("\n") for c in _SEPARATOR.split(stream)]
    objects: list[tuple[str, dict[str, Any]]] = []
    for chunk in chunks:
        if _is_blank(chunk):
            continue
        source = _SOURCE.search(chunk)
        obj = _object(chunk, f"{what} ({source[1]})" if source else what)
        if obj:
            objects.append((chunk, obj))
    width = max(2, len(str(len(objects))))
    manifests = []
    for index, (chunk, obj) in enumerate(objects, start=1):
        kind, name = str(obj["kind"]), str(obj["metadata"].get("name") or obj["metadata"].get("generateName") or "")
        slug = _UNSAFE.sub("_", f"{kind.lower()}-{name.lower()}").strip("_")
        manifests.append(Manifest(f"{index:0{width}d}-{slug}.yaml", kind, name, chunk + "\n"))
    return manifests
