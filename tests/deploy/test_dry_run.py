"""--dry-run prints the exact helm/kubectl commands and the plan, and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen import records
from tests.deploy.helpers import Service, make_service
from tests.helpers.cli import invoke
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm

DIGEST = "sha256:" + "ef" * 32


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    return make_service(tmp_path, str(tool("helm4")), tmp_path / "kubeconfig")


def plan(output: str) -> list[str]:
    """The plan's steps: the indented lines after `plan:`."""
    lines = output.splitlines()
    steps = []
    for line in lines[lines.index("plan:") + 1 :]:
        if not line.startswith("  "):
            break
        steps.append(line.strip())
    return steps


def record(
    svc: Service, version: str, release: str, namespace: str, revision: int | None = None
) -> None:
    records.append(
        svc.props,
        svc.name,
        "dev",
        "deployed",
        "ci",
        appVersion=version,
        chartVersion="0.1.0",
        bundleDigest=DIGEST,
        release=release,
        namespace=namespace,
        revision=revision,
    )


def test_deploy_plan(svc: Service) -> None:
    bundle = svc.bundle("1.0.0")
    result = svc.deploy(bundle, dry_run=True)
    assert result.exit_code == 0, result.output
    kc, kubectl, helm = svc.kubeconfig, tool("kubectl"), svc.helm
    ns = f"{svc.name}-dev"
    steps = plan(result.output)
    assert (
        steps[0]
        == f"# deploy {svc.name} 1.0.0 (chart 0.1.0) to dev: release {svc.name} in namespace {ns}"
    )
    assert steps[1] == f"{kubectl} --kubeconfig {kc} apply -f - <<manifest"
    assert steps[2].startswith(
        f"{helm} upgrade --install --namespace {ns} --wait=watcher --rollback-on-failure "
        f"--timeout 40s --kubeconfig {kc} -- {svc.name} <chart from bundle sha256:"
    )
    assert steps[3] == f"{helm} test --namespace {ns} --timeout 40s --kubeconfig {kc} -- {svc.name}"
    assert steps[4] == "# append a 'deployed' entry to deployments/dev.yaml"
    assert len(steps) == 5
    assert not (svc.props / "deployments").exists()


def test_helm3_plan_uses_helm3_flags(tmp_path: Path) -> None:
    svc = make_service(tmp_path, str(tool("helm3")), tmp_path / "kubeconfig")
    result = svc.deploy(svc.bundle("1.0.0"), dry_run=True)
    assert result.exit_code == 0, result.output
    upgrade = plan(result.output)[2]
    assert " --wait --atomic --timeout 40s" in upgrade
    assert "--wait=watcher" not in upgrade and "--rollback-on-failure" not in upgrade


def test_reject_plan_in_place(svc: Service) -> None:
    record(svc, "1.0.0", svc.name, f"{svc.name}-dev", 1)
    records.append(svc.props, svc.name, "dev", "approved", "ci", of=1)
    record(svc, "1.1.0", svc.name, f"{svc.name}-dev", 2)
    before = (svc.props / "deployments" / "dev.yaml").read_bytes()
    result = svc.run("reject", "--env", "dev", dry_run=True)
    assert result.exit_code == 0, result.output
    assert plan(result.output) == [
        f"{svc.helm} rollback --namespace {svc.name}-dev --wait --kubeconfig {svc.kubeconfig} -- {svc.name} 1",
        "# append 'rejected' of seq 3",
    ]
    assert (svc.props / "deployments" / "dev.yaml").read_bytes() == before


def test_prune_plan_immutable(svc: Service) -> None:
    for n, post in enumerate(("-0a0a0a0a", "-1b1b1b1b", "-2c2c2c2c")):
        record(svc, f"1.{n}.0", svc.name + post, f"{svc.name}-dev{post}")
    result = svc.run("prune", "--env", "dev", "--keep", "1", dry_run=True)
    assert result.exit_code == 0, result.output
    kc, kubectl = svc.kubeconfig, tool("kubectl")
    assert plan(result.output) == [
        f"{svc.helm} uninstall --namespace {svc.name}-dev-0a0a0a0a --wait --kubeconfig {kc} -- {svc.name}-0a0a0a0a",
        f"{kubectl} --kubeconfig {kc} delete namespace --ignore-not-found --wait=false -- {svc.name}-dev-0a0a0a0a",
        f"{svc.helm} uninstall --namespace {svc.name}-dev-1b1b1b1b --wait --kubeconfig {kc} -- {svc.name}-1b1b1b1b",
        f"{kubectl} --kubeconfig {kc} delete namespace --ignore-not-found --wait=false -- {svc.name}-dev-1b1b1b1b",
        "# append 'pruned' for seq 1, 2",
    ]


def test_policy_refuses_chart_only_upgrade(svc: Service) -> None:
    records.append(
        svc.props,
        svc.name,
        "dev",
        "deployed",
        "ci",
        appVersion="1.0.0",
        chartVersion="0.0.9",
        bundleDigest=DIGEST,
        release=svc.name,
        namespace=f"{svc.name}-dev",
        revision=1,
    )
    result = svc.deploy(svc.bundle("1.0.0"), dry_run=True)
    assert result.exit_code == 1
    assert (
        "[policy-chart-only-upgrade] chart 0.0.9 -> 0.1.0 with app version 1.0.0 unchanged"
        in result.output
    )
    allowed = svc.deploy(svc.bundle("1.0.0"), "--allow-chart-only-upgrade", dry_run=True)
    assert allowed.exit_code == 0, allowed.output


def test_policy_refuses_skipping_the_data_schema_window(svc: Service) -> None:
    records.append(
        svc.props,
        svc.name,
        "dev",
        "deployed",
        "ci",
        appVersion="1.0.0",
        chartVersion="0.1.0",
        bundleDigest=DIGEST,
        release=svc.name,
        namespace=f"{svc.name}-dev",
        revision=1,
        dataSchema=3,
    )
    values = svc.app / "values.yaml"
    values.write_text(values.read_text() + "dataSchema: 5\n")
    result = svc.deploy(svc.bundle("2.0.0"), dry_run=True)
    assert result.exit_code == 1
    assert (
        "[policy-data-schema-window] app version 2.0.0 needs data schema 5, but schema 3 is live"
        in result.output
    )
    values.write_text(values.read_text().replace("dataSchema: 5", "dataSchema: 4"))
    assert svc.deploy(svc.bundle("2.0.0"), dry_run=True).exit_code == 0


def test_wrong_key_and_wrong_environment_are_refused(svc: Service, tmp_path: Path) -> None:
    bundle = svc.bundle("1.0.0")

    assert invoke("keygen", "-o", tmp_path / "other").exit_code == 0
    result = svc.deploy(bundle, dry_run=True)
    assert result.exit_code == 0
    other = invoke("deploy", bundle, "--key", tmp_path / "other.pub", *svc.cluster_args(True))
    assert other.exit_code != 0 and "signature" in other.output.lower()
    wrong_env = svc.deploy(bundle, "--env", "prod", dry_run=True)
    assert wrong_env.exit_code == 2 and "rendered for dev, not prod" in wrong_env.output


def test_approve_without_pending_deployment(svc: Service) -> None:
    result = svc.run("approve", "--env", "dev")
    assert result.exit_code == 2
    assert "nothing has been deployed to dev" in result.output
    assert not (svc.props / "deployments").exists()
