#!/usr/bin/env python3
"""Convert Kubernetes' OpenAPI spec into the compact schemas `launchgen validate` ships.

Source: `api/openapi-spec/swagger.json` of the `k8s.io/kubernetes` Go module (data,
Apache-2.0), fetched through the Go module proxy:

    go mod download -json k8s.io/kubernetes@v1.35.4   # prints the module's Dir
    python scripts/gen_k8s_schemas.py --module-dir DIR

Writes schemas/kubernetes/v<major>.<minor>.json.gz: every definition reachable from a
resource kind, without descriptions, converted to strict JSON Schema the way
kubeconform's strict schemas are (unknown fields rejected, null accepted where a
value may be omitted, int-or-string and quantity as their JSON types), plus a map of
`apiVersion/kind` to its definition and whether it is namespaced.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_SKIP_KINDS = re.compile(r"(List|Options|WatchEvent|Status|APIGroup|APIResource|APIVersions)$")
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_DROP = {
    "description",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-patch-strategy",
    "x-kubernetes-patch-merge-key",
    "x-kubernetes-map-type",
    "x-kubernetes-unions",
    "x-kubernetes-group-version-kind",
}


def _nullable(kind: Any) -> Any:
    kinds = kind if isinstance(kind, list) else [kind]
    return [*kinds, "null"] if "null" not in kinds else kinds


def convert(node: Any) -> Any:
    """One OpenAPI v2 schema node as strict JSON Schema."""
    if isinstance(node, list):
        return [convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    fmt = node.get("format")
    for key, value in node.items():
        if key in _DROP or key == "format":
            continue
        if key == "$ref":
            out[key] = value.replace("#/definitions/", "#/definitions/")
        elif key == "properties":
            out[key] = {name: convert(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = convert(value)
        else:
            out[key] = value
    if fmt == "int-or-string":
        out["type"] = ["string", "integer", "null"]
    elif "type" in out:
        out["type"] = _nullable(out["type"])
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    out.pop("x-kubernetes-preserve-unknown-fields", None)
    return out


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(item, found)


def _namespaced(paths: dict[str, Any]) -> dict[str, bool]:
    """apiVersion/kind -> namespaced, read from the paths that create each kind."""
    scope: dict[str, bool] = {}
    for path, operations in paths.items():
        post = operations.get("post") if isinstance(operations, dict) else None
        gvk = (post or {}).get("x-kubernetes-group-version-kind")
        if not gvk or not path.rstrip("/").count("/") or "{name}" in path:
            continue
        key = f"{gvk['group'] + '/' if gvk['group'] else ''}{gvk['version']}/{gvk['kind']}"
        namespaced = "/namespaces/{namespace}/" in path
        scope[key] = scope.get(key, False) or namespaced
    return scope


def build(swagger: dict[str, Any], version: str) -> dict[str, Any]:
    definitions = swagger["definitions"]
    scope = _namespaced(swagger["paths"])
    kinds: dict[str, dict[str, Any]] = {}
    for name, schema in sorted(definitions.items()):
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            if _SKIP_KINDS.search(gvk["kind"]) or name.startswith("io.k8s.apimachinery"):
                continue
            key = f"{gvk['group'] + '/' if gvk['group'] else ''}{gvk['version']}/{gvk['kind']}"
            if key not in scope:  # not a resource one can create (e.g. a subresource body)
                continue
            kinds[key] = {"ref": name, "namespaced": scope[key]}
    needed: set[str] = set()
    todo = [entry["ref"] for entry in kinds.values()]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        found: set[str] = set()
        _refs(definitions[name], found)
        todo.extend(found - needed)
    converted = {name: convert(definitions[name]) for name in sorted(needed)}
    # A quantity is written as a string ("500m") or a plain number (2).
    converted[QUANTITY]["type"] = ["string", "number", "null"]
    return {"kubernetes": version, "definitions": converted, "kinds": dict(sorted(kinds.items()))}


def _module_dir(version: str) -> Path:
    result = subprocess.run(
        ["go", "mod", "download", "-json", f"k8s.io/kubernetes@{version}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(json.loads(result.stdout)["Dir"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", default="v1.35.4", help="k8s.io/kubernetes module version")
    parser.add_argument(
        "--module-dir", type=Path, help="the module's folder (skips go mod download)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "schemas" / "kubernetes")
    args = parser.parse_args()
    module = args.module_dir or _module_dir(args.version)
    swagger = json.loads((module / "api" / "openapi-spec" / "swagger.json").read_text())
    data = build(swagger, args.version)
    major_minor = ".".join(args.version.lstrip("v").split(".")[:2])
    target = args.out / f"v{major_minor}.json.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    target.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(
        f"wrote {target}: {len(data['kinds'])} kinds, {len(data['definitions'])} definitions, "
        f"{target.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
