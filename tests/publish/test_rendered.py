"""publish on a real render: a generated service rendered with helm 4, packaged, published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.deploy.helpers import make_service
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import git
from tests.helpers.tools import run, tool

pytestmark = pytest.mark.helm


def test_a_rendered_bundle_publishes_what_deploy_would_apply_minus_helm_tests(
    tmp_path: Path, deploy_remote: Path
) -> None:
    svc = make_service(tmp_path, str(tool("helm4")), tmp_path / "kubeconfig")
    bundle = svc.bundle("1.4.2", "dev")
    result = invoke(
        "publish",
        bundle,
        "--key",
        svc.pub,
        "--git",
        deploy_remote,
        "--properties",
        svc.props,
        "--by",
        "ci",
    )
    assert result.exit_code == 0, result.output
    branch = "environments/dev"
    files = git(deploy_remote, "ls-tree", "-r", "--name-only", branch).split()
    manifests = sorted(f.removeprefix(f"{svc.name}/") for f in files if "/manifests/" in f)
    kustomization = yaml.safe_load(
        git(deploy_remote, "show", f"{branch}:{svc.name}/kustomization.yaml")
    )
    applied = set(kustomization["resources"]) - {"namespace.yaml"}
    left_out = set(manifests) - applied
    assert left_out, "the Launch chart renders a helm test hook: it must be left out"
    for name in left_out:
        text = git(deploy_remote, "show", f"{branch}:{svc.name}/{name}")
        assert "helm.sh/hook: test" in text
    deployments = [
        name
        for name in applied
        if "kind: Deployment" in git(deploy_remote, "show", f"{branch}:{svc.name}/{name}")
    ]
    assert len(deployments) == 1
    deployment = git(deploy_remote, "show", f"{branch}:{svc.name}/{deployments[0]}")
    assert ":1.4.2" in deployment
    meta = json.loads(git(deploy_remote, "show", f"{branch}:{svc.name}/launchgen.json"))
    assert meta["appVersion"] == "1.4.2" and meta["namespace"] == f"{svc.name}-dev"
    # kustomize (kubectl's) builds the folder: the namespace and the applied manifests.
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--branch", branch, "--", deploy_remote, checkout)
    built = run([tool("kubectl"), "kustomize", checkout / svc.name]).stdout
    objects = [d for d in yaml.safe_load_all(built) if d]
    assert {"Namespace", "Deployment"} <= {o["kind"] for o in objects}
    assert all(
        o["metadata"].get("namespace") == f"{svc.name}-dev"
        for o in objects
        if o["kind"] == "Deployment"
    )
    assert not any(
        "helm.sh/hook" in (o["metadata"].get("annotations") or {}) and o["kind"] == "Pod"
        for o in objects
    )
