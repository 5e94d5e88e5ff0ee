"""Copies the official CRDs of the GitOps engines into schemas/crds/, where launchgen
validate finds them as it finds the Rollout schema: Flux's OCIRepository, GitRepository
and Kustomization (from the source-controller and kustomize-controller modules, at the
versions scripts/flux/build.sh builds, so the schemas match the engine the tests run)
and Argo CD's Application and ApplicationSet (from the argo-cd module's manifests/crds).

    python3 scripts/flux/ship-crds.py            # rewrites schemas/crds/{flux,argocd}-*.yaml

The modules come through the Go module proxy (`go mod download`). Only `description`
fields are dropped (launchgen's check ignores them, and they are most of the bytes:
Argo CD's ApplicationSet CRD is 1.5 MB with them); every schema keyword is kept as
published. Each file says where it came from.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = (ROOT / "scripts" / "flux" / "build.sh").read_text()
ARGOCD = ("github.com/argoproj/argo-cd/v3", os.environ.get("LAUNCHGEN_ARGOCD_VERSION", "v3.6.1"))


def _default(variable: str) -> str:
    found = re.search(rf"\${{{variable}:-(v[\w.-]+)}}", BUILD)
    assert found, f"no default for {variable} in build.sh"
    return os.environ.get(variable, found[1])


SHIPPED = [
    (
        "flux-ocirepository.yaml",
        ("github.com/fluxcd/source-controller", _default("LAUNCHGEN_FLUX_SOURCE_VERSION")),
        "config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml",
    ),
    (
        "flux-gitrepository.yaml",
        ("github.com/fluxcd/source-controller", _default("LAUNCHGEN_FLUX_SOURCE_VERSION")),
        "config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml",
    ),
    (
        "flux-kustomization.yaml",
        ("github.com/fluxcd/kustomize-controller", _default("LAUNCHGEN_FLUX_KUSTOMIZE_VERSION")),
        "config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml",
    ),
    ("argocd-application.yaml", ARGOCD, "manifests/crds/application-crd.yaml"),
    ("argocd-applicationset.yaml", ARGOCD, "manifests/crds/applicationset-crd.yaml"),
]


def module_zip(module: str, version: str) -> Path:
    # The zip, not the extracted folder: `go mod download` fetches the zip even when
    # the module needs a newer Go than this one (it then reports an error but no Zip
    # is missing), and only one file of it is read.
    out = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@{version}"],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        env={**os.environ, "GOFLAGS": "-mod=mod"},
    )
    info = json.loads(out.stdout)
    if not Path(info.get("Zip", "")).is_file():
        sys.exit(f"ship-crds: cannot download {module}@{version}: {info.get('Error', out.stderr)}")
    return Path(info["Zip"])


def strip_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: strip_descriptions(value)
            for key, value in node.items()
            if not (key == "description" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [strip_descriptions(item) for item in node]
    return node


def main() -> None:
    target = ROOT / "schemas" / "crds"
    for name, (module, version), path in SHIPPED:
        with zipfile.ZipFile(module_zip(module, version)) as archive:
            crd = yaml.safe_load(archive.read(f"{module}@{version}/{path}"))
        if "properties" in crd.get("spec", {}).get("validation", {}).get("openAPIV3Schema", {}):
            raise SystemExit(f"ship-crds: {name}: unexpected v1beta1 CRD")
        for version_entry in crd["spec"]["versions"]:
            version_entry["schema"] = strip_descriptions(version_entry["schema"])
        header = (
            f"# The official CRD of {crd['spec']['names']['kind']}: {module}@{version} {path},\n"
            "# written by scripts/flux/ship-crds.py with the schemas' descriptions dropped.\n"
            "# launchgen validate loads it by default (see docs/validate.md); do not edit.\n"
        )
        text = header + yaml.safe_dump(crd, sort_keys=False, width=100)
        (target / name).write_text(text)
        print(f"schemas/crds/{name}: {module}@{version} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
