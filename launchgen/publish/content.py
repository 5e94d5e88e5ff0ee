"""What publish writes for one environment: the same files in a git folder and an OCI artifact.

The service's folder (the artifact's root) holds:

- `manifests/...`: the bundle's manifests, byte for byte (the attestation's subjects);
- `attestation.dsse.json`: the bundle's signed attestation, byte for byte;
- `namespace.yaml`: the namespace, labelled as `launchgen deploy` labels it;
- `kustomization.yaml`: what an engine applies (the namespace and the manifests, helm
  test hooks left out: an engine does not run helm tests), in the bundle's namespace;
- `launchgen.json`: app version, chart version, source commits and the bundle digest.

Nothing here depends on when or by whom it is published, so one bundle always gives
the same files, the same tarball and the same OCI digest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchgen.errors import EXIT_PROBLEMS, LaunchgenError

if TYPE_CHECKING:
    from launchgen.bundle.verify import Verified
    from launchgen.deploy.source import DeploymentSource

MTIME = 315532800  # 1980-01-01: a fixed time, so tarballs depend on their files only
METADATA = "launchgen.json"
KUSTOMIZATION = "kustomization.yaml"
NAMESPACE = "namespace.yaml"
ENVELOPE = "attestation.dsse.json"
_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")
_TEST_HOOKS = {"test", "test-success", "test-failure"}
METADATA_LIMIT = 64 * 1024  # a launchgen.json read back from a deploy repo or registry


class NotAsRecorded(LaunchgenError):
    """What a deploy repo or registry holds is not what the deployment record names (exit 1):
    nothing is moved onto it."""

    exit_code = EXIT_PROBLEMS


def names_bundle(metadata: str, *, service: str, environment: str, digest: str) -> bool:
    """Whether a launchgen.json read back (untrusted) is the one publish wrote for this
    service and environment from the bundle `digest`."""
    try:
        found = json.loads(metadata)
    except ValueError:
        return False
    return (
        isinstance(found, dict)
        and found.get("bundleDigest") == digest
        and found.get("service") == service
        and found.get("environment") == environment
    )


@dataclass(frozen=True)
class Content:
    source: DeploymentSource
    files: dict[str, bytes]  # relative to the service folder, or the artifact's root
    repos: dict[str, dict[str, str]] = field(default_factory=dict)  # app/properties: uri, commit
    predicate_type: str = ""

    @property
    def envelope(self) -> bytes:
        return self.files[ENVELOPE]

    def tarball(self) -> bytes:
        """The files as a canonical tar.gz: the same files, the same bytes."""
        from launchgen.charts import reproducible_targz

        return reproducible_targz(self.files, MTIME)


def _repos(statement: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The source repos the statement names (uri and commit), for metadata and annotations."""
    found: dict[str, dict[str, str]] = {}
    dependencies = statement["predicate"]["buildDefinition"].get("resolvedDependencies") or []
    for dep in dependencies:
        name = dep.get("name")
        if name not in ("app-repo", "properties-repo"):
            continue
        commit = str((dep.get("digest") or {}).get("gitCommit") or "")
        entry = {"uri": str(dep.get("uri") or "")[:1000]}
        if _COMMIT.match(commit):
            entry["commit"] = commit
        found[name.removesuffix("-repo")] = entry
    return found


def _is_test_hook(data: bytes, name: str) -> bool:
    """Whether every object in the manifest is a helm test hook (deploy runs those, an engine does not)."""
    from launchgen.diff.manifests import documents

    docs = list(documents(data.decode("utf-8"), name))
    if not docs:
        return False
    for doc in docs:
        annotations = (doc.get("metadata") or {}).get("annotations") or {}
        hooks = str(annotations.get("helm.sh/hook") or "") if isinstance(annotations, dict) else ""
        if not {h.strip() for h in hooks.split(",")} & _TEST_HOOKS:
            return False
    return True


def _namespace(source: DeploymentSource) -> bytes:
    from launchgen.deploy.engine import LABEL_ENV, LABEL_MODE, LABEL_SERVICE

    labels = {
        LABEL_SERVICE: source.service,
        LABEL_ENV: source.environment,
        LABEL_MODE: "immutable" if source.immutable else "in-place",
    }
    doc = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": source.namespace, "labels": labels},
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()


def _kustomization(source: DeploymentSource, applied: list[str]) -> bytes:
    lines = [
        "# Written by launchgen publish: what the engine applies. Publish again; never edit.",
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        f"namespace: {source.namespace}",
        "resources:",
        f"  - {NAMESPACE}",
        *(f"  - {json.dumps(name)}" for name in applied),
    ]
    return ("\n".join(lines) + "\n").encode()


def from_verified(verified: Verified) -> Content:
    """The files to publish for a bundle `verify` accepted (its names checked as deploy checks them)."""
    from launchgen.deploy.source import BundleContentError
    from launchgen.deploy.source import from_verified as describe
    from launchgen.display import printable

    source = describe(verified)
    clash = sorted(set(source.manifests) & {ENVELOPE, NAMESPACE, KUSTOMIZATION, METADATA})
    if clash:
        raise BundleContentError(
            f"bundle {printable(str(verified.path))}: a manifest is named {clash[0]}, "
            "a name publish writes itself"
        )
    statement = verified.statement
    repos = _repos(statement)
    applied = [
        name for name in sorted(source.manifests) if not _is_test_hook(source.manifests[name], name)
    ]
    metadata = {
        "service": source.service,
        "environment": source.environment,
        "appVersion": source.app_version,
        "chartVersion": source.chart_version,
        "release": source.release,
        "namespace": source.namespace,
        "bundleDigest": source.digest,
        "predicateType": str(statement.get("predicateType")),
        "sources": repos,
    }
    files = {
        **source.manifests,
        ENVELOPE: verified.files[ENVELOPE],
        NAMESPACE: _namespace(source),
        KUSTOMIZATION: _kustomization(source, applied),
        METADATA: (json.dumps(metadata, indent=2, sort_keys=True) + "\n").encode(),
    }
    return Content(source, files, repos, str(statement.get("predicateType")))
