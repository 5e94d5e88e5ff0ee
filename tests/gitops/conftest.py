"""Fixtures of the GitOps engine tests: Flux's controllers running against the test
control plane (tests/helpers/flux.py), the project's OCI registry and a git server, all
on 127.0.0.1. Package-scoped: started once for tests/gitops and stopped after it, so
the controllers do not watch the cluster through the rest of the suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.fixture import KubeCluster
from tests.helpers import flux as flux_helper
from tests.helpers.gitserver import serve_git
from tests.helpers.ociregistry import serve_oci_registry


@pytest.fixture(scope="package")
def flux(
    kube_cluster: KubeCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[flux_helper.Flux]:
    """source-controller and kustomize-controller, watching every namespace. Missing
    binaries fail the test (tests build nothing), as every other missing tool does."""
    if not flux_helper.built():
        pytest.fail(
            "Flux's controllers or oras are not built: run scripts/install-tools.sh",
            pytrace=False,
        )
    with flux_helper.run_flux(kube_cluster, tmp_path_factory.mktemp("flux")) as running:
        yield running


@pytest.fixture(scope="package")
def oci_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """host:port of a real OCI registry (plain HTTP, loopback)."""
    with serve_oci_registry(tmp_path_factory.mktemp("registry")) as host:
        yield host


@pytest.fixture(scope="package")
def git_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, folder): a bare repository FOLDER/NAME.git is cloned from URL/NAME.git."""
    root = tmp_path_factory.mktemp("git-server")
    with serve_git(root) as url:
        yield url, root
