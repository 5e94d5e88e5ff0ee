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
    """One rendered document: its kind and name, and its text as helm printed it."""

    kind: str
    name: str
    text: str


@dataclass(frozen=True)
class Manifest:
    file_name: str
    kind: str
    name: str
    text: str


def _is_blank(chunk: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in chunk.splitlines())


def _scalar(node: Any, key: str) -> Any:
    """The node under `key` of a mapping node, or None."""
    for key_node, value in node.value:
        if key_node.value == key:
            return value
    return None


def _identify(chunk: str, where: str) -> tuple[str, str] | None:
    """(kind, name) of one document, or None for an empty one. The document is parsed in
    full by libyaml (composed, not constructed: only kind and name are needed)."""

    try:
        node = yaml.compose(chunk, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise LaunchgenError(f"{where}: helm rendered invalid YAML: {problem}") from None
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        return None
    kind = _scalar(node, "kind") if isinstance(node, yaml.MappingNode) else None
    metadata = _scalar(node, "metadata") if isinstance(node, yaml.MappingNode) else None
    if (
        not isinstance(kind, yaml.ScalarNode)
        or not kind.value
        or not isinstance(metadata, yaml.MappingNode)
    ):
        raise LaunchgenError(f"{where}: helm rendered a document that is not a Kubernetes object")
    names = [_scalar(metadata, key) for key in ("name", "generateName")]
    name = next((n.value for n in names if isinstance(n, yaml.ScalarNode) and n.value), "")
    return str(kind.value), str(name)


def parse(stream: str, what: str) -> list[Resource]:
    """The rendered resources of helm's output, in helm's order."""
    resources = []
    for chunk in (c.strip("\n") for c in _SEPARATOR.split(stream)):
        if _is_blank(chunk):
            continue
        source = _SOURCE.search(chunk)
        found = _identify(chunk, f"{what} ({source[1]})" if source else what)
        if found:
            resources.append(Resource(found[0], found[1], chunk + "\n"))
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
