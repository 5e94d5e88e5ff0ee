"""Schemas of custom resources, from CustomResourceDefinition manifests in a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from launchgen.errors import ConfigError
from launchgen.validate import documents

OBJECT_META = "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def convert(node: Any) -> Any:
    """A CRD's openAPIV3Schema node as strict JSON Schema (unknown fields rejected)."""
    if isinstance(node, list):
        return [convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("description", "nullable", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
                   "x-kubernetes-embedded-resource", "format", "default", "example"):
            continue
        if key.startswith("x-kubernetes-"):
            continue
        if key == "properties":
            out[key] = {name: convert(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = convert(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [convert(sub) for sub in value]
        else:
            out[key] = value
    if node.get("x-kubernetes-int-or-string"):
        out.pop("anyOf", None)
        out["type"] = ["integer", "string"]
    if node.get("nullable") and "type" in out:
        kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*kinds, "null"]
    if "properties" in out and "additionalProperties" not in out and not node.get("x-kubernetes-preserve-unknown-fields"):
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
    if "additionalProperties" not in converted and not schema.get("x-kubernetes-preserve-unknown-fields"):
        converted["additionalProperties"] = False
    return converted


def load(folder: Path) -> dict[str, tuple[dict[str, Any], bool]]:
    """apiVersion/kind -> (schema, namespaced) of every CRD version found under `folder`."""
    if not folder.is_dir():
        raise ConfigError(f"--crds {folder}: not a folder")
    found: dict[str, tuple[dict[str, Any], bool]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        for doc in documents.split(text):
            try:
                data = documents.parse(doc.text)
            except documents.DocumentError as exc:
                raise ConfigError(f"{path}:{doc.start_line + exc.line - 1}: {exc.message}") from None
            if not isinstance(data, dict) or data.get("kind") != "CustomResourceDefinition":
                continue
            spec = data.get("spec") or {}
            group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
            for version in spec.get("versions") or []:
                schema = ((version.get("schema") or {}).get("openAPIV3Schema")) if isinstance(version, dict) else None
                if group and kind and isinstance(schema, dict):
                    found[f"{group}/{version['name']}/{kind}"] = (
                        _resource_schema(schema), spec.get("scope", "Namespaced") == "Namespaced")
    return found
