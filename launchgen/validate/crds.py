"""Schemas of custom resources, from CustomResourceDefinition manifests.

A CRD's `openAPIV3Schema` becomes a strict JSON Schema: unknown fields are refused
unless `x-kubernetes-preserve-unknown-fields` keeps them, `x-kubernetes-int-or-string`
accepts both, `nullable` accepts null, and an `x-kubernetes-embedded-resource` object
accepts apiVersion, kind and metadata. CRDs come from `--crds` folders and from the
manifests being validated themselves (a chart shipping its CRDs beside its resources).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import launchgen.validate.documents as documents
from launchgen.display import printable
from launchgen.errors import ConfigError

OBJECT_META = "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
CRD_API_VERSIONS = ("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1")


@dataclass(frozen=True)
class CustomKind:
    schema: dict[str, Any]
    namespaced: bool
    source: str  # the CRD's name, for hints


def is_crd(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("kind") == "CustomResourceDefinition"
        and data.get("apiVersion") in CRD_API_VERSIONS
    )


def convert(node: Any) -> Any:
    """A CRD's openAPIV3Schema node as strict JSON Schema (unknown fields rejected)."""
    if isinstance(node, list):
        return [convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in (
            "description",
            "nullable",
            "format",
            "default",
            "example",
            "externalDocs",
            "title",
        ) or key.startswith("x-kubernetes-"):
            continue
        if key in ("properties", "patternProperties", "definitions") and isinstance(value, dict):
            out[key] = {name: convert(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = convert(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [convert(sub) for sub in value]
        else:
            out[key] = value
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        # OpenAPI v3's flag, a number in JSON Schema draft 7
        if isinstance(out.get(exclusive), bool) and out.pop(exclusive) and bound in out:
            out[exclusive] = out.pop(bound)
    if node.get("x-kubernetes-int-or-string"):
        out.pop("anyOf", None)
        out.pop("pattern", None)
        out["type"] = ["integer", "string"]
    if node.get("x-kubernetes-embedded-resource") and "properties" in out:
        out["properties"] = {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            **out["properties"],
        }
    if node.get("nullable") and "type" in out:
        kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*kinds, "null"]
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def _resource_schema(schema: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = convert(schema)
    properties = converted.setdefault("properties", {})
    properties["apiVersion"] = {"type": "string"}
    properties["kind"] = {"type": "string"}
    properties["metadata"] = {"$ref": OBJECT_META}
    if "type" not in converted:
        converted["type"] = "object"
    if "additionalProperties" not in converted and not schema.get(
        "x-kubernetes-preserve-unknown-fields"
    ):
        converted["additionalProperties"] = False
    return converted


def from_object(
    data: dict[str, Any],
) -> tuple[dict[str, CustomKind], list[tuple[list[str | int], str]]]:
    """apiVersion/kind -> schema of each version a CRD defines, and what is wrong with it
    (keys locating the problem, message): a version without a schema is an error, as the
    API server refuses it."""
    found: dict[str, CustomKind] = {}
    problems: list[tuple[list[str | int], str]] = []
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return found, problems
    names = spec.get("names")
    group, kind = spec.get("group"), names.get("kind") if isinstance(names, dict) else None
    if not isinstance(group, str) or not isinstance(kind, str):
        return found, problems
    metadata = data.get("metadata")
    name = str(metadata.get("name")) if isinstance(metadata, dict) else f"{kind}.{group}"
    namespaced = spec.get("scope", "Namespaced") == "Namespaced"
    shared = (
        (spec.get("validation") or {}).get("openAPIV3Schema")
        if isinstance(spec.get("validation"), dict)
        else None
    )
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        versions = [{"name": spec["version"]}] if isinstance(spec.get("version"), str) else []
    for index, version in enumerate(versions):
        if not isinstance(version, dict) or not isinstance(version.get("name"), str):
            continue
        schema = version.get("schema")
        schema = schema.get("openAPIV3Schema") if isinstance(schema, dict) else None
        schema = schema if isinstance(schema, dict) else shared
        key = f"{group}/{version['name']}/{kind}"
        if not isinstance(schema, dict):
            problems.append(
                (
                    ["spec", "versions", index] if spec.get("versions") else ["spec"],
                    f"CRD {printable(name)} defines {printable(key)} without a schema "
                    "(schema.openAPIV3Schema): its custom resources cannot be validated",
                )
            )
            continue
        found[key] = CustomKind(_resource_schema(schema), namespaced, name)
    return found, problems


def load(folder: Path) -> dict[str, CustomKind]:
    """apiVersion/kind -> schema of every CRD version found under `folder`."""
    if not folder.is_dir():
        raise ConfigError(f"--crds {printable(folder)}: not a folder")
    found: dict[str, CustomKind] = {}
    for path in files(folder):
        found.update(load_file(path))
    return found


def files(folder: Path) -> list[Path]:
    """The files under `folder` that may hold CRDs, in a stable order."""
    return sorted(
        p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
    )


def load_file(path: Path) -> dict[str, CustomKind]:
    """apiVersion/kind -> schema of every CRD version in one file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{printable(path)}: cannot read: {exc.strerror}") from None
    found: dict[str, CustomKind] = {}
    for doc in documents.iter_documents(raw):
        try:
            data = documents.parse(doc)
        except documents.DocumentError as exc:
            raise ConfigError(
                f"{printable(path)}:{doc.start_line + exc.line - 1}: {exc.message}"
            ) from None
        if is_crd(data):
            kinds, problems = from_object(data)
            if problems:
                raise ConfigError(f"{printable(path)}:{doc.start_line}: {problems[0][1]}")
            found.update(kinds)
    return found
