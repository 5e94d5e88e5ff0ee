"""Issue 11: the whole day-2 loop can be walked with --dry-run, before anything is deployed."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen import records
from tests.deploy.helpers import Service, make_service
from tests.deploy.test_dry_run import plan, record
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    return make_service(tmp_path, str(tool("helm4")), tmp_path / "kubeconfig")


def snapshot(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()
    }


def test_walk_the_loop_after_a_dry_run_deploy(svc: Service) -> None:
    before = snapshot(svc.props)
    kc, kubectl, helm, name = svc.kubeconfig, tool("kubectl"), svc.helm, svc.name
    ns = f"{name}-dev"
    planned = (
        f"# nothing is recorded in deployments/dev.yaml (a dry-run deploy records nothing): planning against "
        f"release {name} in namespace {ns}, as an in-place deploy of this repo would use"
    )

    deployed = svc.deploy(svc.bundle("1.0.0"), dry_run=True)
    assert deployed.exit_code == 0, deployed.output

    approve = svc.run("approve", "--env", "dev", dry_run=True)
    assert approve.exit_code == 0, approve.output
    assert plan(approve.output) == [
        planned,
        f"{kubectl} --kubeconfig {kc} get rollouts.argoproj.io --namespace {ns} -l "
        f"app.kubernetes.io/instance={name} -o name",
        "# then, for each Rollout listed (as `kubectl argo rollouts promote` does):",
        f"{kubectl} --kubeconfig {kc} patch --namespace {ns} --type merge "
        f'-p \'{{"spec":{{"paused":false}}}}\' -- <rollout>',
        f"{kubectl} --kubeconfig {kc} patch --namespace {ns} --type merge --subresource status "
        f'-p \'{{"status":{{"pauseConditions":null}}}}\' -- <rollout>',
        "# append 'approved' of seq (the deployment) to deployments/dev.yaml",
    ]

    reject = svc.run("reject", "--env", "dev", dry_run=True)
    assert reject.exit_code == 0, reject.output
    assert plan(reject.output) == [
        planned,
        f"{helm} history --namespace {ns} -o json --kubeconfig {kc} -- {name}",
        "# 0 is helm's previous revision; a first install is uninstalled instead",
        f"{helm} rollback --namespace {ns} --wait --kubeconfig {kc} -- {name} 0",
        "# append 'rejected' of seq (the deployment)",
    ]

    rollback = svc.run("rollback", "--env", "dev", dry_run=True)
    assert rollback.exit_code == 0, rollback.output
    steps = plan(rollback.output)
    assert steps[0] == planned.replace("nothing is recorded", "nothing is recorded", 1)
    assert f"{helm} rollback --namespace {ns} --wait --kubeconfig {kc} -- {name} 0" in steps
    assert steps[-1] == "# append 'rolled-back' for the current deployment"

    prune = svc.run("prune", "--env", "dev", dry_run=True)
    assert prune.exit_code == 0, prune.output
    assert "nothing to prune in dev: 0 immutable deployment(s) live, keeping 3" in prune.output
    assert "(none)" not in prune.output and "plan:" not in prune.output

    status = svc.run("status", dry_run=True)
    assert status.exit_code == 0, status.output
    assert plan(status.output) == [f"{kubectl} --kubeconfig {kc} version -o json"]
    assert "dev          nothing deployed" in status.output

    assert snapshot(svc.props) == before  # nothing written, not even a lock file


def test_status_dry_run_prints_its_cluster_reads(svc: Service) -> None:
    record(svc, "1.0.0", svc.name, f"{svc.name}-dev", 1)
    before = snapshot(svc.props)
    result = svc.run("status", dry_run=True)
    assert result.exit_code == 0, result.output
    kc, kubectl = svc.kubeconfig, tool("kubectl")
    assert plan(result.output) == [
        f"{kubectl} --kubeconfig {kc} version -o json",
        f"{svc.helm} history --namespace {svc.name}-dev -o json --kubeconfig {kc} -- {svc.name}",
    ]
    assert "cluster not queried (dry run)" in result.output
    assert snapshot(svc.props) == before


def test_dry_runs_against_recorded_deployments(svc: Service) -> None:
    record(svc, "1.0.0", svc.name, f"{svc.name}-dev", 1)
    records.append(svc.props, svc.name, "dev", "approved", "ci", of=1)
    before = snapshot(svc.props)
    # approved already: the dry run says so, and plans against the current deployment's release
    approve = svc.run("approve", "--env", "dev", dry_run=True)
    assert approve.exit_code == 0, approve.output
    assert plan(approve.output)[0].startswith(
        "# no deployment is waiting for approval in dev: planning against"
    )
    # one deployment only: nothing earlier to roll back to
    rollback = svc.run("rollback", "--env", "dev", dry_run=True)
    assert rollback.exit_code == 0, rollback.output
    assert plan(rollback.output)[0].startswith(
        "# no deployment is live before the current one in dev"
    )
    # without --dry-run the same questions are errors, and nothing is written
    assert svc.run("approve", "--env", "dev").exit_code == 2
    assert svc.run("rollback", "--env", "dev").exit_code == 2
    assert snapshot(svc.props) == before


def test_prune_with_nothing_to_prune_says_so(svc: Service) -> None:
    record(svc, "1.0.0", svc.name + "-0a0a0a0a", f"{svc.name}-dev-0a0a0a0a")
    for dry_run in (True, False):
        result = svc.run("prune", "--env", "dev", "--keep", "1", dry_run=dry_run)
        assert result.exit_code == 0, result.output
        assert (
            result.output.strip()
            == "nothing to prune in dev: 1 immutable deployment(s) live, keeping 1"
        )
    history = records.load(svc.props, "dev")
    assert history is not None and history.last_seq == 1


def test_rollback_in_place_needs_the_recorded_revision(svc: Service) -> None:
    record(svc, "1.0.0", svc.name, f"{svc.name}-dev")  # no helm revision recorded
    record(svc, "1.1.0", svc.name, f"{svc.name}-dev", 2)
    result = svc.run("rollback", "--env", "dev", dry_run=True)
    assert result.exit_code == 2
    assert "seq 1 has no helm revision recorded" in result.output
