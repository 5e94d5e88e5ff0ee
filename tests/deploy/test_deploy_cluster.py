"""deploy, approve, reject, rollback and prune against the real control plane."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchgen import records
from tests.cluster.fixture import KubeCluster
from tests.deploy.helpers import Service, make_service
from tests.helpers.tools import HELM_VERSIONS, tool

pytestmark = [pytest.mark.cluster, pytest.mark.helm]


@pytest.fixture(params=sorted(HELM_VERSIONS))
def svc(request: pytest.FixtureRequest, kube_cluster: KubeCluster, tmp_path: Path) -> Service:
    return make_service(tmp_path, str(tool(request.param)), kube_cluster.kubeconfig)


def kubectl(svc: Service, *args: str) -> str:
    import subprocess

    return subprocess.run(
        [str(tool("kubectl")), "--kubeconfig", str(svc.kubeconfig), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def image(svc: Service, namespace: str, name: str) -> str:
    out = kubectl(
        svc,
        "get",
        "deployment",
        name,
        "-n",
        namespace,
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
    )
    return out


def history(svc: Service, env: str = "dev") -> records.History:
    found = records.load(svc.props, env)
    assert found is not None
    return found


def current(svc: Service, env: str = "dev") -> records.Entry:
    entry = history(svc, env).current()
    assert entry is not None
    return entry


def test_in_place_deploy_approve_and_reject(svc: Service) -> None:
    ns = f"{svc.name}-dev"
    first = svc.deploy(svc.bundle("1.0.0"))
    assert first.exit_code == 0, first.output
    assert image(svc, ns, svc.name) == f"registry.example.com/{svc.name}:1.0.0"
    available = kubectl(
        svc, "get", "deployment", svc.name, "-n", ns, "-o", "jsonpath={.status.availableReplicas}"
    )
    assert available == "1"
    assert svc.run("approve", "--env", "dev").exit_code == 0

    second = svc.deploy(svc.bundle("1.1.0"))
    assert second.exit_code == 0, second.output
    assert image(svc, ns, svc.name).endswith(":1.1.0")
    rejected = svc.run("reject", "--env", "dev")
    assert rejected.exit_code == 0, rejected.output
    assert "back to 1.0.0" in rejected.output
    assert image(svc, ns, svc.name).endswith(":1.0.0")
    events = [(e["event"], e.get("appVersion"), e.get("of")) for e in history(svc).entries]
    assert events == [
        ("deployed", "1.0.0", None),
        ("approved", None, 1),
        ("deployed", "1.1.0", None),
        ("rejected", None, 3),
    ]
    assert [e.get("revision") for e in history(svc).deployments()] == [1, 2]
    helm_history = json.loads(kubectl_helm(svc, "history", svc.name, "-n", ns, "-o", "json"))
    assert [h["revision"] for h in helm_history] == [1, 2, 3]  # the rollback is revision 3


def kubectl_helm(svc: Service, *args: str) -> str:
    import subprocess

    return subprocess.run(
        [svc.helm, *args, "--kubeconfig", str(svc.kubeconfig)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_unschedulable_rollout_rolls_back_automatically(svc: Service) -> None:
    ns = f"{svc.name}-dev"
    assert svc.deploy(svc.bundle("1.0.0")).exit_code == 0
    svc.set_values("dev", "nodeSelector:\n  disktype: none-such\n")
    failed = svc.deploy(svc.bundle("1.1.0"), timeout="12s")  # it can never become ready
    assert failed.exit_code == 1, failed.output
    assert "did not become ready and was rolled back" in failed.output
    assert image(svc, ns, svc.name).endswith(":1.0.0")
    assert [e["event"] for e in history(svc).entries] == ["deployed", "failed"]
    assert current(svc)["appVersion"] == "1.0.0"


def test_failing_smoke_test_counts_as_failed_deployment(svc: Service) -> None:
    ns = f"{svc.name}-dev"
    assert svc.deploy(svc.bundle("1.0.0")).exit_code == 0
    svc.set_values("dev", "tests:\n  annotations:\n    launchgen.dev/simulate: fail\n")
    failed = svc.deploy(svc.bundle("1.1.0"))
    assert failed.exit_code == 1, failed.output
    assert "failed its helm tests and was rolled back" in failed.output
    assert image(svc, ns, svc.name).endswith(":1.0.0")


def test_immutable_deployments_reject_and_prune(svc: Service) -> None:
    bundles = [svc.bundle(v, immutable=True) for v in ("1.0.0", "1.1.0", "1.2.0")]
    for bundle in bundles:
        result = svc.deploy(bundle)
        assert result.exit_code == 0, result.output
        assert svc.run("approve", "--env", "dev").exit_code == 0
    namespaces = [d["namespace"] for d in history(svc).deployments()]
    assert len(set(namespaces)) == 3 and all(ns.startswith(f"{svc.name}-dev-") for ns in namespaces)
    labelled = kubectl(
        svc, "get", "namespaces", "-l", f"launchgen.dev/service={svc.name}", "-o", "name"
    ).split()
    assert sorted(labelled) == sorted(f"namespace/{ns}" for ns in namespaces)

    fourth = svc.deploy(svc.bundle("1.3.0", immutable=True))
    assert fourth.exit_code == 0, fourth.output
    assert svc.run("reject", "--env", "dev").exit_code == 0
    rejected_ns = history(svc).deployments()[-1]["namespace"]
    phase = kubectl(
        svc, "get", "namespace", rejected_ns, "--ignore-not-found", "-o", "jsonpath={.status.phase}"
    )
    assert phase in ("", "Terminating")
    assert current(svc)["appVersion"] == "1.2.0"

    pruned = svc.run("prune", "--env", "dev", "--keep", "1")
    assert pruned.exit_code == 0, pruned.output
    assert "pruned 2 deployment(s)" in pruned.output
    live = history(svc).live()
    assert [d["appVersion"] for d in live] == ["1.2.0"]
    for gone in namespaces[:2]:
        phase = kubectl(
            svc, "get", "namespace", gone, "--ignore-not-found", "-o", "jsonpath={.status.phase}"
        )
        assert phase in ("", "Terminating")


def test_rollback_in_place_to_an_earlier_deployment(svc: Service) -> None:
    ns = f"{svc.name}-dev"
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        assert svc.deploy(svc.bundle(version)).exit_code == 0
        assert svc.run("approve", "--env", "dev").exit_code == 0
    result = svc.run("rollback", "--env", "dev", "--to", "1")
    assert result.exit_code == 0, result.output
    assert image(svc, ns, svc.name).endswith(":1.0.0")
    assert current(svc)["seq"] == 1
    status = svc.run("status", "--format", "json")
    dev = json.loads(status.output)["environments"][0]
    assert (dev["appVersion"], dev["cluster"]["status"], dev["cluster"]["appVersion"]) == (
        "1.0.0",
        "deployed",
        "1.0.0",
    )
