"""sops secrets delivered to the real control plane: render -> package -> deploy -> reject."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

from launchgen import records, sopssecrets
from tests.cluster.fixture import KubeCluster
from tests.deploy.helpers import Service
from tests.helpers.tools import HELM_VERSIONS, tool
from tests.secrets.helpers import (
    PLAIN,
    PLAINTEXTS,
    AgeKey,
    encrypt,
    files_under,
    make_sops_service,
    no_plaintext_in,
    sha256,
    sops_env,
)

pytestmark = [pytest.mark.cluster, pytest.mark.helm]


@pytest.fixture(params=sorted(HELM_VERSIONS))
def svc(
    request: pytest.FixtureRequest,
    kube_cluster: KubeCluster,
    tmp_path: Path,
    key: AgeKey,
    monkeypatch: pytest.MonkeyPatch,
    private_tmp: Path,
) -> Service:
    sops_env(monkeypatch, key, tmp_path)
    return make_sops_service(tmp_path, str(tool(request.param)), kube_cluster.kubeconfig, key)


def kubectl(svc: Service, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(tool("kubectl")), "--kubeconfig", str(svc.kubeconfig), *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def secret_data(svc: Service, namespace: str) -> dict[str, str]:
    out = kubectl(svc, "get", "secret", f"{svc.name}-secrets", "-n", namespace, "-o", "json").stdout
    return {k: base64.b64decode(v).decode() for k, v in json.loads(out)["data"].items()}


def test_secrets_reach_the_cluster_and_roll_back_with_the_release(
    svc: Service, private_tmp: Path
) -> None:
    ns = f"{svc.name}-dev"
    path = encrypt(svc.props, "dev", PLAIN)
    first = svc.deploy(svc.bundle("1.0.0"))
    assert first.exit_code == 0, first.output
    assert secret_data(svc, ns) == {
        "DB_PASSWORD": "hunter2-plaintext",
        "API_TOKEN": "tok-0123456789-plaintext",
    }
    pod = json.loads(kubectl(svc, "get", "deployment", svc.name, "-n", ns, "-o", "json").stdout)[
        "spec"
    ]["template"]
    assert pod["spec"]["containers"][0]["envFrom"] == [
        {"secretRef": {"name": f"{svc.name}-secrets"}}
    ]
    assert pod["metadata"]["annotations"][sopssecrets.ANNOTATION] == sha256(path)
    manifest = subprocess.run(
        [svc.helm, "get", "manifest", svc.name, "-n", ns, "--kubeconfig", str(svc.kubeconfig)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"kind: Secret\nmetadata:\n  name: {svc.name}-secrets" in manifest  # part of the release
    assert svc.run("approve", "--env", "dev").exit_code == 0

    rotated = encrypt(svc.props, "dev", 'DB_PASSWORD: "rotated-password"\n')
    second = svc.deploy(svc.bundle("1.1.0"))
    assert second.exit_code == 0, second.output
    assert secret_data(svc, ns) == {"DB_PASSWORD": "rotated-password"}
    pod = json.loads(kubectl(svc, "get", "deployment", svc.name, "-n", ns, "-o", "json").stdout)[
        "spec"
    ]["template"]
    assert pod["metadata"]["annotations"][sopssecrets.ANNOTATION] == sha256(
        rotated
    )  # the pods restart

    rejected = svc.run("reject", "--env", "dev")
    assert rejected.exit_code == 0, rejected.output
    assert (
        secret_data(svc, ns)["DB_PASSWORD"] == "hunter2-plaintext"
    )  # helm rollback brought the old secrets back

    assert files_under(private_tmp) == []  # no temporary file left behind
    no_plaintext_in(svc.out, svc.props / "deployments")
    for result in (first, second, rejected):
        for secret in PLAINTEXTS:
            assert secret.decode() not in result.output


def test_a_refused_deployment_touches_nothing(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    encrypt(svc.props, "dev", PLAIN)
    bundle = svc.bundle("1.0.0")
    monkeypatch.delenv("SOPS_AGE_KEY_FILE")
    result = svc.deploy(bundle)
    assert result.exit_code == 2, result.output
    assert "no age key to decrypt it" in result.output
    assert (
        kubectl(svc, "get", "namespace", f"{svc.name}-dev", check=False).returncode != 0
    )  # nothing deployed
    assert records.load(svc.props, "dev") is None  # nothing recorded


def test_immutable_deployments_get_their_own_secret(svc: Service) -> None:
    encrypt(svc.props, "dev", PLAIN)
    result = svc.deploy(svc.bundle("2.0.0", immutable=True))
    assert result.exit_code == 0, result.output
    history = records.load(svc.props, "dev")
    assert history is not None
    entry = history.current()
    assert entry is not None and entry["release"] != svc.name
    out = kubectl(
        svc, "get", "secret", f"{entry['release']}-secrets", "-n", entry["namespace"], "-o", "json"
    ).stdout
    data = {k: base64.b64decode(v).decode() for k, v in json.loads(out)["data"].items()}
    assert data["DB_PASSWORD"] == "hunter2-plaintext"
