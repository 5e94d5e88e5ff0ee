"""Pytest plugin: a real Kubernetes API for tests that deploy with helm.

Enable with ``pytest_plugins = ["tests.cluster.fixture"]`` in tests/conftest.py
(or ``-p tests.cluster.fixture`` on the command line).

- ``kube_cluster`` (session): the control plane from scripts/cluster/start.py,
  started once and stopped when the run ends; or, when ``LAUNCHGEN_TEST_KUBECONFIG``
  is set, that existing cluster (kind, k3d, ...), which is left alone.
- ``kube_namespace`` (per test): a fresh namespace, deleted afterwards.

The binaries are built before the run by scripts/cluster/build.sh (scripts/test.sh
runs it through scripts/install-tools.sh); without them a test that uses the cluster fails and says so. It never builds.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_PY = ROOT / "scripts" / "cluster" / "start.py"


def _load_start() -> ModuleType:
    # scripts/ is not a package; load start.py by path (registered first, as
    # dataclasses look their module up in sys.modules).
    name = "launchgen_cluster_start"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, START_PY)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def tool(name: str) -> str:
    """Path of helm4, helm3 or kubectl: $HELM4/$HELM3/$KUBECTL, else the one
    scripts/install-helm.sh installs (tests.helpers.tools)."""
    from tests.helpers.tools import tool as installed

    return os.environ.get(name.upper()) or str(installed(name))


@dataclass
class KubeCluster:
    kubeconfig: Path
    env: dict[str, str]
    external: bool  # True for LAUNCHGEN_TEST_KUBECONFIG: not ours to stop
    logs: Path | None = None  # the control plane's logs (built-in cluster only)

    def kubectl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [tool("kubectl"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if check and proc.returncode:
            # Show kubectl's message in the test report, not just the exit code.
            raise AssertionError(f"kubectl {' '.join(args)} failed:\n{proc.stderr}")
        return proc


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster: needs the real Kubernetes control plane")


@pytest.fixture(scope="session")
def kube_cluster() -> Iterator[KubeCluster]:
    external = os.environ.get("LAUNCHGEN_TEST_KUBECONFIG")
    if external:
        path = Path(external).expanduser().resolve()
        if not path.exists():
            pytest.fail(f"LAUNCHGEN_TEST_KUBECONFIG={external} does not exist")
        yield KubeCluster(path, {**os.environ, "KUBECONFIG": str(path)}, external=True)
        return

    start = _load_start()
    bin_dir = start.find_bin_dir()
    if bin_dir is None:
        pytest.fail(
            "the Kubernetes control plane is not built: run scripts/cluster/build.sh "
            "(or set LAUNCHGEN_TEST_KUBECONFIG to use an existing cluster)",
            pytrace=False,
        )
    cp = start.ControlPlane(bin_dir)
    cp.start()  # a built control plane that does not start is an error, not a skip
    try:
        yield KubeCluster(cp.kubeconfig, cp.env, external=False, logs=cp.logs)
    finally:
        cp.stop()


def _namespace_name(node_name: str) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", node_name.lower()).strip("-")[:40].strip("-")
    return f"t-{base}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def kube_namespace(kube_cluster: KubeCluster, request: pytest.FixtureRequest) -> Iterator[str]:
    ns = _namespace_name(request.node.name)
    kube_cluster.kubectl("create", "namespace", ns)
    # Pods are refused until the controller-manager made the namespace's default
    # service account; wait so a helm --wait timeout is not eaten by that.
    deadline = time.monotonic() + 60
    while kube_cluster.kubectl(
        "get", "serviceaccount", "default", "-n", ns, check=False
    ).returncode:
        if time.monotonic() > deadline:
            pytest.fail(f"no default service account in namespace {ns} after 60s")
        time.sleep(0.3)
    try:
        yield ns
    finally:
        kube_cluster.kubectl("delete", "namespace", ns, "--wait=false", check=False)


__all__ = ["KubeCluster", "kube_cluster", "kube_namespace", "tool"]
