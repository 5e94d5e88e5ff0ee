"""Progressive delivery on the real control plane: a paused canary Rollout is promoted by
`launchgen approve`. No Argo Rollouts controller runs here, so the test plays its part:
it installs the Rollout CRD launchgen ships and pauses the Rollout as the controller
would at the chart's `pause: {}` step."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from launchgen.resources import schema_path
from tests.cluster.fixture import KubeCluster
from tests.deploy.helpers import Service, make_service
from tests.helpers.tools import tool

pytestmark = [pytest.mark.cluster, pytest.mark.helm]


def kubectl(svc: Service, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        [str(tool("kubectl")), "--kubeconfig", str(svc.kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_approve_promotes_a_paused_canary(kube_cluster: KubeCluster, tmp_path: Path) -> None:
    svc = make_service(tmp_path, str(tool("helm4")), kube_cluster.kubeconfig)
    kubectl(svc, "apply", "-f", str(schema_path("crds") / "argo-rollouts.yaml"))
    kubectl(svc, "wait", "--for=condition=Established", "crd/rollouts.argoproj.io", "--timeout=60s")
    svc.set_values("dev", "rollout:\n  enabled: true\n")
    deployed = svc.deploy(svc.bundle("1.0.0"))
    assert deployed.exit_code == 0, deployed.output
    ns = f"{svc.name}-dev"
    rollout = json.loads(kubectl(svc, "get", "rollout", svc.name, "-n", ns, "-o", "json"))
    assert rollout["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.0.0")
    assert {"pause": {}} in rollout["spec"]["strategy"]["canary"]["steps"]
    # What the Argo Rollouts controller does at the indefinite pause step:
    kubectl(
        svc,
        "patch",
        "rollout",
        svc.name,
        "-n",
        ns,
        "--type",
        "merge",
        "-p",
        '{"spec":{"paused":true}}',
    )
    kubectl(
        svc,
        "patch",
        "rollout",
        svc.name,
        "-n",
        ns,
        "--type",
        "merge",
        "--subresource",
        "status",
        "-p",
        '{"status":{"pauseConditions":[{"reason":"CanaryPauseStep","startTime":"2026-11-26T10:00:00Z"}]}}',
    )

    approved = svc.run("approve", "--env", "dev")
    assert approved.exit_code == 0, approved.output
    after = json.loads(kubectl(svc, "get", "rollout", svc.name, "-n", ns, "-o", "json"))
    assert after["spec"]["paused"] is False
    assert "pauseConditions" not in after.get("status", {})
