"""The in-toto Statement v1 describing a bundle, with a SLSA-provenance-style predicate.

Subjects are the rendered manifests. The inputs shipped beside them (values files,
Chart.yaml, Chart.lock) are resolved dependencies marked `inBundle`, so the
statement names, with digests, every file of the bundle but the envelope itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import launchgen.bundle.jsonsafe as jsonsafe
from launchgen import __version__
from launchgen.bundle.errors import VerifyError
from launchgen.bundle.limits import DEFAULT, Limits
from launchgen.bundle.schema import PREDICATE_TYPE, STATEMENT_TYPE, problems

PAYLOAD_TYPE = "application/vnd.in-toto+json"
BUILD_TYPE = "https://launchgen.dev/render/v1"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _repo_dependency(name: str, repo: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not repo:
        return []
    entry: dict[str, Any] = {"name": name, "uri": repo.get("uri")}
    if repo.get("commit"):
        entry["digest"] = {"gitCommit": repo["commit"]}
    entry["annotations"] = {"ref": repo.get("ref"), "dirty": bool(repo.get("dirty"))}
    return [entry]


def statement(
    record: Mapping[str, Any],
    manifests: Mapping[str, bytes],
    inputs: Mapping[str, bytes],
    validated_against: str | None,
) -> dict[str, Any]:
    """The statement for a render (`record` is its render.json)."""
    chart = record.get("chart") or {}
    dependencies: list[dict[str, Any]] = [
        {"name": name, "digest": {"sha256": sha256(data)}, "annotations": {"inBundle": True}}
        for name, data in sorted(inputs.items())
    ]
    repos = record.get("repos") or {}
    dependencies += _repo_dependency("app-repo", repos.get("app"))
    dependencies += _repo_dependency("properties-repo", repos.get("properties"))
    if chart.get("digest"):
        dependencies.append(
            {
                "name": f"chart:{chart.get('name')}-{chart.get('version')}",
                "digest": {"sha256": str(chart["digest"]).removeprefix("sha256:")},
            }
        )
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": name, "digest": {"sha256": sha256(data)}}
            for name, data in sorted(manifests.items())
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "kind": record.get("kind"),
                    "service": record.get("service"),
                    "environment": record.get("environment"),
                    "release": record.get("release"),
                    "namespace": record.get("namespace"),
                    "immutable": record.get("immutable"),
                    "appVersion": record.get("app_version"),
                    "chart": {"name": chart.get("name"), "version": chart.get("version")},
                    "values": list(record.get("values") or []),
                },
                "internalParameters": {
                    "helmVersion": record.get("helm_version"),
                    "kubeVersionRendered": record.get("kube_version"),
                    "kubernetesVersionValidated": validated_against,
                },
                "resolvedDependencies": dependencies,
            },
            "runDetails": {"builder": {"id": f"https://launchgen.dev/launchgen@{__version__}"}},
        },
    }


def encode(stmt: Mapping[str, Any]) -> bytes:
    return json.dumps(stmt, indent=2, sort_keys=True).encode()


def parse(payload: bytes, limits: Limits = DEFAULT) -> dict[str, Any]:
    """The signed statement, checked to be a launchgen statement; VerifyError saying what is wrong.

    It was signed by the trusted key, yet deploy must not trust its shape blindly: a
    wrong type or an unsafe name (one that helm, a path or a log line would misread)
    is refused here, once, with the field it is in.
    """
    stmt = jsonsafe.loads(
        payload, "signed statement", max_bytes=limits.envelope_bytes, max_depth=limits.json_depth
    )
    problem = problems(stmt)
    if problem:
        raise VerifyError(f"signed statement: {problem}")
    result: dict[str, Any] = stmt
    return result


def bundle_digests(stmt: Mapping[str, Any]) -> dict[str, str]:
    """name -> sha256 of every file a checked statement says the bundle holds."""
    files = {s["name"]: s["digest"]["sha256"] for s in stmt["subject"]}
    for dep in stmt["predicate"]["buildDefinition"]["resolvedDependencies"]:
        if (dep.get("annotations") or {}).get("inBundle") is True:
            files[dep["name"]] = dep["digest"]["sha256"]
    return files
