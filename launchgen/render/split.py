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
class Resource:
    """One rendered document: its text as helm printed it, and the parsed object."""

    kind: str
    name: str
    text: str
    obj: dict[str, Any]


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


def parse(stream: str, what: str) -> list[Resource]:
    """The rendered resources of helm's output, in helm's order."""
    resources = []
    for chunk in (c.strip("\n") for c in _SEPARATOR.split(stream)):
        if _is_blank(chunk):
            continue
        source = _SOURCE.search(chunk)
        obj = _object(chunk, f"{what} ({source[1]})" if source else what)
        if obj:
            name = str(obj["metadata"].get("name") or obj["metadata"].get("generateName") or "")
            resources.append(Resource(str(obj["kind"]), name, chunk + "\n", obj))
    return resources


def number(resources: list[Resource]) -> list[Manifest]:
    """One Manifest per resource, `NN-kind-name.yaml` numbered in the order given."""
    width = max(2, len(str(len(resources))))
    manifests = []
    for index, res in enumerate(resources, start=1):
        slug = _UNSAFE.sub("_", f"{res.kind.lower()}-{res.name.lower()}").strip("_")
        manifests.append(Manifest(f"{index:0{width}d}-{slug}.yaml", res.kind, res.name, res.text))
    return manifests


def split(stream: str, what: str) -> list[Manifest]:
    """One Manifest per rendered resource, numbered in helm's order."""
    return number(parse(stream, what))
