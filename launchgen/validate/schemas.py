"""The Kubernetes schemas launchgen ships, and CRD schemas, looked up by apiVersion/kind.

One gzip'd JSON file a Kubernetes minor version (schemas/kubernetes/v1.35.json.gz,
made by scripts/gen_k8s_schemas.py from Kubernetes' OpenAPI spec) holds every
definition a resource kind needs; each kind's validator is compiled on first use.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from launchgen.errors import ConfigError
from launchgen.resources import data_dir
from launchgen.validate import compiled, crds

DEFAULT_KUBE_VERSION = "1.35"
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


def schema_folder() -> Path:
    return data_dir("schemas") / "kubernetes"


def available_versions() -> list[str]:
    return sorted(p.name.removeprefix("v").removesuffix(".json.gz") for p in schema_folder().glob("v*.json.gz"))


def normalize_version(version: str) -> str:
    """'1.35', 'v1.35' or '1.35.2' -> '1.35'; ConfigError when no schemas ship for it."""
    match = _VERSION.match(version.strip())
    if not match:
        raise ConfigError(f"invalid Kubernetes version {version!r}: expected MAJOR.MINOR, e.g. 1.35")
    minor = f"{match[1]}.{match[2]}"
    if minor not in available_versions():
        raise ConfigError(f"no schemas for Kubernetes {minor}: launchgen ships {', '.join(available_versions())}")
    return minor


@cache
def _bundle(minor: str) -> dict[str, Any]:
    with gzip.open(schema_folder() / f"v{minor}.json.gz") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@dataclass(frozen=True)
class KindSchema:
    key: str
    namespaced: bool
    schema: dict[str, Any]


class SchemaStore:
    """Schemas of one Kubernetes version plus CRDs, with compiled checks cached per kind."""

    def __init__(self, kube_version: str = DEFAULT_KUBE_VERSION, crd_dirs: Sequence[Path] = ()) -> None:
        self.kube_version = normalize_version(kube_version)
        bundle = _bundle(self.kube_version)
        self.definitions: dict[str, Any] = bundle["definitions"]
        self.kinds: dict[str, dict[str, Any]] = bundle["kinds"]
        self.custom: dict[str, tuple[dict[str, Any], bool]] = {}
        for folder in crd_dirs:
            self.custom.update(crds.load(Path(folder)))
        self._kinds: dict[str, KindSchema | None] = {}
        self._checks: dict[str, compiled.Check] = {}
        self._full: dict[str, Any] = {}
        self._shipped: dict[str, tuple[dict[str, Any], bool]] | None = None

    def lookup(self, api_version: str, kind: str) -> KindSchema | None:
        key = f"{api_version}/{kind}"
        if key not in self._kinds:
            self._kinds[key] = self._build(key)
        return self._kinds[key]

    def _shipped_crds(self) -> dict[str, tuple[dict[str, Any], bool]]:
        """The custom resources the Launch chart can render (Rollout, ExternalSecret):
        schemas/crds/, read only when a manifest needs them; --crds folders win."""
        if self._shipped is None:
            from launchgen.resources import schema_path

            self._shipped = crds.load(schema_path("crds"))
        return self._shipped

    def _build(self, key: str) -> KindSchema | None:
        if key not in self.custom and key not in self.kinds and key in self._shipped_crds():
            self.custom[key] = self._shipped_crds()[key]
        if key in self.custom:
            schema, namespaced = self.custom[key]
            return KindSchema(key, namespaced, {**schema, "definitions": self._needed(schema)})
        entry = self.kinds.get(key)
        if entry is None:
            return None
        root = self.definitions[entry["ref"]]
        return KindSchema(key, bool(entry["namespaced"]), {**root, "definitions": self._needed(root)})

    def namespaced(self, api_version: str, kind: str) -> bool | None:
        key = f"{api_version}/{kind}"
        self.lookup(api_version, kind)  # brings in a shipped CRD when one matches
        if key in self.custom:
            return self.custom[key][1]
        entry = self.kinds.get(key)
        return None if entry is None else bool(entry["namespaced"])

    def _needed(self, root: Any) -> dict[str, Any]:
        """The definitions `root` reaches, so each kind's schema stands alone."""
        needed: dict[str, Any] = {}
        todo = [root]
        while todo:
            node = todo.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/definitions/"):
                    name = ref.removeprefix("#/definitions/")
                    if name not in needed and name in self.definitions:
                        needed[name] = self.definitions[name]
                        todo.append(needed[name])
                todo.extend(node.values())
            elif isinstance(node, list):
                todo.extend(node)
        return dict(sorted(needed.items()))

    def check(self, kind: KindSchema) -> compiled.Check:
        """The compiled validity check of a kind (compiled once, then reused)."""
        found = self._checks.get(kind.key)
        if found is None:
            found = self._checks[kind.key] = compiled.compile_check(kind.schema)
        return found

    def full_validator(self, kind: KindSchema) -> Any:
        """jsonschema's validator, for listing every error of an invalid document."""
        found = self._full.get(kind.key)
        if found is None:
            import jsonschema

            found = self._full[kind.key] = jsonschema.Draft7Validator(kind.schema)
        return found
