"""The data chart's migration runs on the real control plane as part of the one
deployment, before the app (issue 11): the controller-manager's Job controller runs
the Job, kwok finishes its pod, helm waits for it before creating the app."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from launchgen.scaffold import new
from tests.cluster.fixture import KubeCluster
from tests.conftest import make_answers
from tests.deploy.helpers import Service
from tests.helpers.cli import invoke
from tests.helpers.tools import HELM_VERSIONS, tool

pytestmark = [pytest.mark.cluster, pytest.mark.helm]


@pytest.fixture(params=sorted(HELM_VERSIONS))
def svc(request: pytest.FixtureRequest, kube_cluster: KubeCluster, tmp_path: Path) -> Service:
    name = f"svc-{uuid.uuid4().hex[:6]}"
    new(make_answers(name, data=True), tmp_path)
    # the generated data chart creates the migration Job's ServiceAccount itself
    assert (tmp_path / name / "data" / "templates" / "serviceaccount.yaml").is_file()
    assert invoke("keygen", "-o", tmp_path / "signing").exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    return Service(
        name,
        tmp_path / name,
        tmp_path / f"{name}-properties",
        tmp_path / "signing.key",
        tmp_path / "signing.pub",
        out,
        str(tool(request.param)),
        kube_cluster.kubeconfig,
    )


def _get(svc: Service, *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [str(tool("kubectl")), "--kubeconfig", str(svc.kubeconfig), "get", *args, "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, Any] = json.loads(proc.stdout)
    return found


def test_migration_job_completes_before_the_app_exists_and_before_each_upgrade(
    svc: Service,
) -> None:
    ns = f"{svc.name}-dev"
    first = svc.deploy(svc.bundle("1.0.0"), timeout="90s")
    assert first.exit_code == 0, first.output
    job = _get(svc, "job", f"{svc.name}-data-migrate", "-n", ns)
    assert job["status"].get("succeeded") == 1, job["status"]
    assert job["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.0.0")
    deployment = _get(svc, "deployment", svc.name, "-n", ns)
    # RFC 3339 timestamps in UTC compare as strings.
    assert job["status"]["completionTime"] <= deployment["metadata"]["creationTimestamp"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"

    second = svc.deploy(svc.bundle("1.1.0"), timeout="90s")
    assert second.exit_code == 0, second.output
    job = _get(svc, "job", f"{svc.name}-data-migrate", "-n", ns)  # re-created: before-hook-creation
    assert job["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.1.0")
    assert job["status"].get("succeeded") == 1, job["status"]
    replicasets = _get(svc, "replicaset", "-n", ns)["items"]
    new_rs = [
        rs
        for rs in replicasets
        if rs["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.1.0")
    ]
    assert len(new_rs) == 1
    assert job["status"]["completionTime"] <= new_rs[0]["metadata"]["creationTimestamp"]
