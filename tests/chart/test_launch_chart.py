"""The Launch microservice chart's switches, rendered by real helm through a generated app repo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from tests.helpers.tools import run
from tests.scaffold.test_generated_chart_helm import documents

pytestmark = pytest.mark.helm

Helm = tuple[Path, dict[str, str]]


def render(app: Path, helm: Helm, tmp_path: Path, values: str) -> list[dict[str, Any]]:
    binary, env = helm
    path = tmp_path / "values.yaml"
    path.write_text(values)
    run([binary, "lint", "--strict", ".", "-f", path], cwd=app, env=env)
    return documents(
        run([binary, "template", "checkout", ".", "-f", path], cwd=app, env=env).stdout
    )


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def test_defaults_are_secure(app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path) -> None:
    app, _ = app_repos
    docs = render(app, helm, tmp_path, "{}\n")
    [deployment] = by_kind(docs, "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["automountServiceAccountToken"] is False
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert container["resources"]["limits"]["memory"] == "256Mi"
    for doc in docs:
        labels = doc["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "checkout"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
    assert not by_kind(docs, "Rollout") and not by_kind(docs, "Job")


def test_canary_rollout_with_manual_pause(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    app, _ = app_repos
    docs = render(app, helm, tmp_path, "rollout:\n  enabled: true\n")
    assert not by_kind(docs, "Deployment")
    [rollout] = by_kind(docs, "Rollout")
    assert rollout["apiVersion"] == "argoproj.io/v1alpha1"
    steps = rollout["spec"]["strategy"]["canary"]["steps"]
    assert {"pause": {}} in steps  # an indefinite pause: promotion needs an approval
    assert rollout["spec"]["template"]["spec"]["containers"][0]["image"].endswith(
        ":0.0.0-launch.placeholder"
    )


def test_blue_green_rollout_with_preview_service(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    app, _ = app_repos
    docs = render(
        app,
        helm,
        tmp_path,
        "rollout:\n  enabled: true\n  strategy: blueGreen\nautoscaling:\n  enabled: true\n",
    )
    [rollout] = by_kind(docs, "Rollout")
    blue_green = rollout["spec"]["strategy"]["blueGreen"]
    assert blue_green["autoPromotionEnabled"] is False
    assert (blue_green["activeService"], blue_green["previewService"]) == (
        "checkout",
        "checkout-preview",
    )
    assert sorted(s["metadata"]["name"] for s in by_kind(docs, "Service")) == [
        "checkout",
        "checkout-preview",
    ]
    [hpa] = by_kind(docs, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "Rollout"


def test_external_secrets_shared_and_internal(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    app, _ = app_repos
    values = """\
externalSecrets:
  - name: db
    store: vault
    shared: true
    data:
      - {envVar: DB_PASSWORD, key: shop/db, property: password}
  - name: api
    store: checkout-store
    storeKind: SecretStore
    data:
      - {envVar: API_TOKEN, key: checkout/api}
"""
    docs = render(app, helm, tmp_path, values)
    secrets = {d["metadata"]["name"]: d for d in by_kind(docs, "ExternalSecret")}
    assert secrets["checkout-db"]["metadata"]["labels"]["launchgen.dev/secret-scope"] == "shared"
    assert secrets["checkout-api"]["metadata"]["labels"]["launchgen.dev/secret-scope"] == "internal"
    assert secrets["checkout-api"]["spec"]["secretStoreRef"] == {
        "name": "checkout-store",
        "kind": "SecretStore",
    }
    assert not by_kind(docs, "Secret")  # no literal secret data is rendered
    env = by_kind(docs, "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]["env"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in env if "valueFrom" in e}
    assert refs == {"DB_PASSWORD": "checkout-db", "API_TOKEN": "checkout-api"}


def test_migration_job_is_a_pre_upgrade_hook(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    app, _ = app_repos
    docs = render(app, helm, tmp_path, "migration:\n  enabled: true\n  command: [/app/migrate]\n")
    [job] = by_kind(docs, "Job")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert annotations["helm.sh/hook-weight"] == "-5"
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation"
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["/app/migrate"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("image:\n  tag: 1.4.2+build.7\n", "1.4.2+build.7"),
        ("image:\n  tag: 142\n", "tag"),
        ("rollout:\n  enabled: true\n  strategy: linear\n", "canary"),
        ("replicas: 3\n", "replicas"),
        (
            "externalSecrets:\n  - name: db\n    store: vault\n    data: []\n",
            "/externalSecrets/0/data",
        ),
    ],
)
def test_schema_rejects_bad_values(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path, values: str, message: str
) -> None:
    app, _ = app_repos
    binary, env = helm
    path = tmp_path / "bad.yaml"
    path.write_text(values)
    result = run([binary, "template", "checkout", ".", "-f", path], cwd=app, env=env, check=False)
    assert result.returncode != 0
    assert message in result.stderr


def test_data_chart_renders_only_the_migration_hook(tmp_path: Path, helm: Helm) -> None:
    import git

    from launchgen.scaffold import new
    from tests.conftest import make_answers

    new(make_answers(data=True), tmp_path)
    app = tmp_path / "checkout"
    binary, env = helm
    run([binary, "lint", "--strict", "data"], cwd=app, env=env)
    docs = documents(run([binary, "template", "checkout-data", "data"], cwd=app, env=env).stdout)
    assert [d["kind"] for d in docs] == ["ServiceAccount", "Job"]
    account, job = docs
    assert (
        job["spec"]["template"]["spec"]["serviceAccountName"]
        == account["metadata"]["name"]
        == "checkout-data"
    )
    for doc, weight in ((account, "-10"), (job, "-5")):
        assert doc["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert doc["metadata"]["annotations"]["helm.sh/hook-weight"] == weight
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["/app/migrate"]
    # The app's own chart does not carry the data chart, and git keeps its vendored dependency.
    assert not by_kind(
        documents(run([binary, "template", "checkout", "."], cwd=app, env=env).stdout), "Job"
    )
    tracked = git.Repo(app).git.ls_files().splitlines()
    assert f"data/charts/launch-microservice-{BUILTIN_LAUNCH_CHART_VERSION}.tgz" in tracked
