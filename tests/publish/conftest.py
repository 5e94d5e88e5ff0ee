"""Signed bundles (real keys, real signatures, no helm), properties repos and bare git remotes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from launchgen.bundle import archive, dsse, intoto, keys
from tests.helpers.gitrepo import git

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def deployment(service: str, version: str) -> bytes:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f'  name: {service}\n  labels:\n    app.kubernetes.io/version: "{version}"\n'
        "spec:\n  replicas: 1\n  selector:\n    matchLabels:\n"
        f"      app: {service}\n  template:\n    metadata:\n      labels:\n        app: {service}\n"
        "    spec:\n      containers:\n"
        f"        - name: app\n          image: registry.example.com/{service}:{version}\n"
    ).encode()


def test_hook(service: str) -> bytes:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n"
        f"  name: {service}-test\n  annotations:\n    helm.sh/hook: test\n"
        "spec:\n  restartPolicy: Never\n  containers:\n    - name: t\n      image: busybox\n"
    ).encode()


@dataclass
class Signer:
    key: keys.PrivateKey
    private: Path
    public: Path
    folder: Path

    def bundle(
        self,
        version: str = "1.4.2",
        env: str = "prod",
        service: str = "checkout",
        name: str | None = None,
        extra: dict[str, bytes] | None = None,
        repos: dict[str, Any] | None = None,
    ) -> Path:
        record: dict[str, Any] = {
            "kind": "app",
            "service": service,
            "environment": env,
            "release": service,
            "namespace": f"{service}-{env}",
            "immutable": False,
            "app_version": version,
            "chart": {"name": service, "version": "0.1.0"},
            "repos": repos
            if repos is not None
            else {
                "app": {
                    "uri": "https://git.example.com/shop/checkout.git",
                    "commit": COMMIT,
                    "ref": "main",
                },
                "properties": {
                    "uri": "https://git.example.com/shop/checkout-properties.git",
                    "commit": "f" * 40,
                },
            },
            "helm_version": "v4.1.4",
            "kube_version": "1.35",
            "values": [f"inputs/values-{env}.yaml"],
        }
        manifests = {
            f"manifests/01-deployment-{service}.yaml": deployment(service, version),
            f"manifests/02-pod-{service}-test.yaml": test_hook(service),
            **(extra or {}),
        }
        inputs = {f"inputs/values-{env}.yaml": b"replicas: 1\n"}
        stmt = intoto.statement(record, manifests, inputs, "1.35")
        envelope = dsse.dumps(dsse.sign(intoto.encode(stmt), intoto.PAYLOAD_TYPE, self.key))
        path = self.folder / (name or f"{service}-{env}-{version}.tar.gz")
        path.write_bytes(
            archive.write({**manifests, **inputs, dsse.NAME: envelope}, mtime=315532800)
        )
        return path


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    """An ECDSA P-256 key pair (cosign verifies both key types; P-256 is its default)."""
    folder = tmp_path / "bundles"
    folder.mkdir()
    private, public = keys.write_key_pair(tmp_path / "signing", "ecdsa-p256")
    key = keys.load_private_key(private, environ={})
    return Signer(key, private, public, folder)


@pytest.fixture
def properties(tmp_path: Path) -> Path:
    """A properties repo of service checkout (a git checkout, as in CI)."""
    repo = tmp_path / "checkout-properties"
    repo.mkdir()
    (repo / ".launchgen.yaml").write_text(
        "kind: properties\nservice: checkout\nenvironments:\n  - dev\n  - test\n  - prod\n"
    )
    git(repo, "init", "-q")
    return repo


@pytest.fixture
def deploy_remote(tmp_path: Path) -> Path:
    """An empty bare repository: the deploy repo's remote."""
    remote = tmp_path / "deploy.git"
    git(tmp_path, "init", "-q", "--bare", remote)
    return remote
