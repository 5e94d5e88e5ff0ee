"""Proof that the test control plane is a real Kubernetes API: helm deploys,
waits for availability, upgrades, rolls back and uninstalls, and kubectl sees the
same objects; an unschedulable pod makes `helm --wait` fail."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.fixture import KubeCluster, tool

pytestmark = [pytest.mark.cluster, pytest.mark.helm]

CHART_YAML = """\
apiVersion: v2
name: app
version: 0.1.0
"""

VALUES_YAML = """\
replicas: 2
image: registry.example/app:1.0.0
nodeSelector: {}
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app.kubernetes.io/instance: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
    spec:
      nodeSelector: {{ toJson .Values.nodeSelector }}
      containers:
        - name: app
          image: {{ .Values.image | quote }}
          ports: [{containerPort: 8080}]
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
spec:
  selector: {app.kubernetes.io/instance: {{ .Release.Name }}}
  ports: [{port: 80, targetPort: 8080}]
"""


# Revision 1 and 2 images. Nothing pulls them on the built-in control plane (kwok
# only pretends to run pods); on a real cluster (LAUNCHGEN_TEST_KUBECONFIG) set two
# pullable images, e.g. "registry.k8s.io/pause:3.9,registry.k8s.io/pause:3.10".
IMAGES = os.environ.get(
    "LAUNCHGEN_TEST_IMAGES", "registry.example/app:1.0.0,registry.example/app:1.0.1"
).split(",")


@pytest.fixture
def chart(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text(CHART_YAML)
    (root / "values.yaml").write_text(VALUES_YAML)
    (root / "templates" / "deployment.yaml").write_text(DEPLOYMENT)
    (root / "templates" / "service.yaml").write_text(SERVICE)
    return root


class Helm:
    """One helm major version, run against the test cluster with private helm dirs."""

    def __init__(self, name: str, cluster: KubeCluster, namespace: str, home: Path) -> None:
        self.bin = tool(name)
        self.major = 4 if name == "helm4" else 3
        self.namespace = namespace
        self.env = {
            **cluster.env,
            "HELM_CACHE_HOME": str(home / "cache"),
            "HELM_CONFIG_HOME": str(home / "config"),
            "HELM_DATA_HOME": str(home / "data"),
        }

    @property
    def wait(self) -> str:
        # helm 4 replaced the boolean --wait with strategies; "watcher" is kstatus.
        return "--wait=watcher" if self.major == 4 else "--wait"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [self.bin, *args, "--namespace", self.namespace],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and proc.returncode:
            raise AssertionError(f"helm {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
        return proc

    def revision(self, release: str) -> int:
        return int(json.loads(self.run("status", release, "-o", "json").stdout)["version"])

    def manifest_objects(self, release: str) -> set[tuple[str, str]]:
        manifest = self.run("get", "manifest", release).stdout
        objects = set()
        for doc in manifest.split("\n---"):
            kind = name = ""
            for line in doc.splitlines():
                if line.startswith("kind:"):
                    kind = line.split(":", 1)[1].strip()
                if line.startswith("  name:") and not name:
                    name = line.split(":", 1)[1].strip()
            if kind:
                objects.add((kind, name))
        return objects


def kube_json(cluster: KubeCluster, *args: str) -> Any:
    return json.loads(cluster.kubectl("get", *args, "-o", "json").stdout)


def deployment_state(cluster: KubeCluster, ns: str, name: str) -> tuple[str, int, int]:
    d = kube_json(cluster, "deployment", name, "-n", ns)
    image = d["spec"]["template"]["spec"]["containers"][0]["image"]
    return image, d["spec"]["replicas"], d.get("status", {}).get("availableReplicas", 0)


def test_server_is_kubernetes(kube_cluster: KubeCluster) -> None:
    version = json.loads(kube_cluster.kubectl("version", "-o", "json").stdout)
    assert version["serverVersion"]["gitVersion"].startswith("v1.")
    if not kube_cluster.external:
        assert version["serverVersion"]["gitVersion"].startswith("v1.35.")
    nodes = kube_json(kube_cluster, "nodes")["items"]
    assert nodes, "no nodes"


@pytest.mark.parametrize("helm_name", ["helm4", "helm3"])
def test_helm_release_lifecycle(
    helm_name: str,
    kube_cluster: KubeCluster,
    kube_namespace: str,
    chart: Path,
    tmp_path: Path,
) -> None:
    helm = Helm(helm_name, kube_cluster, kube_namespace, tmp_path / "helm")
    ns, rel = kube_namespace, "web"

    first, second = IMAGES
    deploy = ("upgrade", "--install", rel, str(chart), helm.wait, "--timeout", "120s")
    helm.run(*deploy, "--set", f"image={first}")
    assert helm.revision(rel) == 1
    assert deployment_state(kube_cluster, ns, rel) == (first, 2, 2)
    pods = kube_json(kube_cluster, "pods", "-n", ns, "-l", f"app.kubernetes.io/instance={rel}")
    assert len(pods["items"]) == 2
    for pod in pods["items"]:
        # Scheduled onto a kwok node and reported Ready by kwok.
        assert pod["spec"]["nodeName"].startswith("kwok-node-") or kube_cluster.external
        ready = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
        assert ready["Ready"] == "True"

    # helm's view of the release matches what the API server holds.
    expected = {("Deployment", rel), ("Service", rel)}
    assert helm.manifest_objects(rel) == expected
    listed = kube_json(
        kube_cluster,
        "deployments,services",
        "-n",
        ns,
        "-l",
        f"app.kubernetes.io/instance={rel}",
    )["items"]
    assert {(o["kind"], o["metadata"]["name"]) for o in listed} == expected
    svc = kube_json(kube_cluster, "service", rel, "-n", ns)
    assert svc["spec"]["clusterIP"]  # allocated by the API server

    helm.run(*deploy, "--set", f"image={second}")
    assert helm.revision(rel) == 2
    assert deployment_state(kube_cluster, ns, rel) == (second, 2, 2)

    helm.run("rollback", rel, "1", helm.wait, "--timeout", "120s")
    assert helm.revision(rel) == 3
    assert deployment_state(kube_cluster, ns, rel) == (first, 2, 2)
    history = json.loads(helm.run("history", rel, "-o", "json").stdout)
    assert [h["revision"] for h in history] == [1, 2, 3]

    helm.run("uninstall", rel, helm.wait, "--timeout", "120s")
    left = kube_json(
        kube_cluster,
        "deployments,services",
        "-n",
        ns,
        "-l",
        f"app.kubernetes.io/instance={rel}",
    )["items"]
    assert left == []
    assert helm.run("status", rel, check=False).returncode != 0


@pytest.mark.parametrize("helm_name", ["helm4", "helm3"])
def test_unschedulable_pod_fails_wait(
    helm_name: str,
    kube_cluster: KubeCluster,
    kube_namespace: str,
    chart: Path,
    tmp_path: Path,
) -> None:
    helm = Helm(helm_name, kube_cluster, kube_namespace, tmp_path / "helm")
    proc = helm.run(
        "upgrade",
        "--install",
        "stuck",
        str(chart),
        helm.wait,
        "--timeout",
        "20s",
        "--set",
        "replicas=1",
        "--set-string",
        "nodeSelector.launchgen-test/no-such-node=yes",
        check=False,
    )
    assert proc.returncode != 0, proc.stdout
    assert (
        "timed out" in (proc.stdout + proc.stderr).lower()
        or "context deadline" in (proc.stdout + proc.stderr).lower()
    ), proc.stderr
    pods = kube_json(kube_cluster, "pods", "-n", kube_namespace)["items"]
    assert len(pods) == 1
    conditions = {c["type"]: c for c in pods[0]["status"].get("conditions", [])}
    assert pods[0]["status"]["phase"] == "Pending"
    assert conditions["PodScheduled"]["status"] == "False"
    assert conditions["PodScheduled"]["reason"] == "Unschedulable"
