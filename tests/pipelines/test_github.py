"""The generated GitHub workflows' `run:` steps, executed in order as the runner would
(bash -e, in a workspace laid out as their `actions/checkout` steps lay it out), with
their `${{ }}` expressions given test values. `uses:` steps need the network and are
not run: the workspace is prepared the way they would leave it. A workflow edit that
breaks a command breaks a test here."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from launchgen import records
from tests.cluster.fixture import KubeCluster
from tests.helpers.gitrepo import git
from tests.pipelines.conftest import TOKEN, Keys, remote_rewrites, seed_live_version
from tests.pipelines.harness import (
    GITHUB_HOST,
    GROUP,
    UNREACHABLE,
    Context,
    Repos,
    Runner,
    Step,
    execute,
    run_steps,
)


def workflow(repo: Path, name: str) -> Path:
    return repo / ".github" / "workflows" / name


def context(repos: Repos, keys: Keys, kubeconfig: Path | None = None, **github: str) -> Context:
    secrets = {
        "LAUNCHGEN_SIGNING_KEY": keys.private,
        "PROPERTIES_REPO_TOKEN": TOKEN,
        "APP_REPO_TOKEN": TOKEN,
    }
    if kubeconfig:
        secrets |= {
            f"KUBECONFIG_{env.upper()}": kubeconfig.read_text() for env in ("dev", "test", "prod")
        }
    return Context(
        inputs={"version": ""},
        secrets=secrets,
        vars={"LAUNCHGEN_PUBLIC_KEY": keys.public},
        github={
            "repository_owner": GROUP,
            "token": TOKEN,
            "event.client_payload.version": "",
            "ref_name": "main",
            "event_name": "push",
            "base_ref": "",
            **github,
        },
    )


def workspace(root: Path, layout: dict[str, tuple[Path, str | None]]) -> Path:
    """A workspace holding, at each path, a clone of a remote at a ref (what checkout does)."""
    root.mkdir(parents=True)
    for path, (remote, ref) in layout.items():
        target = root / path if path != "." else root
        git(root.parent, "clone", "-q", str(remote), str(target))
        if ref:
            git(target, "checkout", "-q", ref)
    return root


def outputs(results: list[subprocess.CompletedProcess[str]]) -> str:
    return "\n".join(
        f"$ {r.args[-1][:200]}\n{r.stdout}{r.stderr}[exit {r.returncode}]" for r in results
    )


def github_env(repos: Repos, summary: Path | None = None) -> dict[str, str]:
    env = {**remote_rewrites(repos), "GITHUB_SERVER_URL": f"https://{GITHUB_HOST}"}
    if summary:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    return env


def bundle(
    runner: Runner,
    repos: Repos,
    keys: Keys,
    tmp: Path,
    env: str,
    version: str,
    edit: Callable[[str], str] | None = None,
) -> tuple[Path, list[subprocess.CompletedProcess[str]]]:
    git(repos.app, "tag", "-f", f"v{version}")
    git(repos.app, "push", "-qf", "origin", f"v{version}")
    ws = workspace(
        tmp / f"bundle-{env}",
        {"app": (repos.app_remote, f"v{version}"), "properties": (repos.props_remote, None)},
    )
    path = workflow(repos.app, "deploy.yaml")
    if edit:
        path = tmp / "edited-deploy.yaml"
        path.write_text(edit(workflow(repos.app, "deploy.yaml").read_text()))
    ctx = context(repos, keys, ref_name=f"v{version}")
    ctx.matrix = {"env": env}
    results = execute(run_steps(path, "bundle", ctx), ws, runner, github_env(repos))
    return ws / f"bundle-{env}.tar.gz", results


def test_deploy_workflow_bundle_steps_render_validate_and_sign(
    runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("github")
    built, results = bundle(runner, repos, keys, tmp_path, "dev", "1.0.0")
    assert [r.returncode for r in results] == [0, 0, 0], outputs(
        results
    )  # pip install, render, package
    verified = subprocess.run(
        ["launchgen", "verify", str(built), "--key", str(keys.public_file)],
        env=runner.env,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_deploy_workflow_bundle_steps_break_when_the_render_step_loses_the_version(
    runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("github")
    built, results = bundle(
        runner,
        repos,
        keys,
        tmp_path,
        "dev",
        "1.0.0",
        edit=lambda text: text.replace('--app-version "${APP_VERSION#v}"', ""),
    )
    assert [r.returncode for r in results][:1] == [0] and results[1].returncode != 0, outputs(
        results
    )
    assert len(results) == 2 and not built.exists()  # the package step did not run


def pr_gate(
    runner: Runner, repos: Repos, keys: Keys, tmp: Path, change: Callable[[Path], None]
) -> tuple[str, list[subprocess.CompletedProcess[str]]]:
    git(repos.props, "checkout", "-q", "-b", "change")
    change(repos.props)
    repos.commit(repos.props, "the change under review")
    git(repos.props, "push", "-q", "origin", "change")
    ws = workspace(tmp / "pr", {".": (repos.props_remote, "change")})
    summary = tmp / "summary.md"
    ctx = context(repos, keys, event_name="pull_request", base_ref="main", ref_name="change")
    steps = run_steps(workflow(repos.props, "launchgen.yaml"), "policy-gate", ctx)
    results = execute(steps, ws, runner, github_env(repos, summary))
    return (summary.read_text() if summary.exists() else ""), results


def replicas(count: int) -> Callable[[Path], None]:
    def change(props: Path) -> None:
        values = props / "envs" / "dev" / "values.yaml"
        values.write_text(values.read_text().replace("replicaCount: 1", f"replicaCount: {count}"))

    return change


def test_properties_pr_gate_passes_and_writes_the_preview_to_the_job_summary(
    runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("github")
    seed_live_version(repos, "dev", "1.0.0")
    summary, results = pr_gate(runner, repos, keys, tmp_path, replicas(3))
    assert [r.returncode for r in results] == [0, 0, 0], outputs(results)  # install, gate, preview
    assert "### dev at 1.0.0" in summary and "spec.replicas: 1 -> 3" in summary, summary
    assert "**appVersion-only**: no, 1 change(s)" in summary


def test_properties_pr_gate_fails_a_bad_change_and_still_previews(
    runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("github")
    seed_live_version(repos, "dev", "1.0.0")

    def bad(props: Path) -> None:
        replicas(2)(props)
        values = props / "envs" / "dev" / "values.yaml"
        values.write_text(values.read_text() + "image:\n  tag: 1.2.3\n")

    summary, results = pr_gate(runner, repos, keys, tmp_path, bad)
    assert results[1].returncode == 1, outputs(results)
    assert "::error" in results[1].stdout and "properties-forbidden-keys" in results[1].stdout
    assert len(results) == 3 and "### dev at 1.0.0" in summary  # `if: always()`: the preview ran


def test_app_pr_previews_every_environment_at_its_live_version(
    runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("github")
    seed_live_version(repos, "dev", "1.0.0")
    git(repos.app, "checkout", "-q", "-b", "change")
    values = repos.app / "values.yaml"
    text = values.read_text()
    assert "containerPort: 8080" in text
    values.write_text(text.replace("containerPort: 8080", "containerPort: 9090"))
    repos.commit(repos.app, "listen on 9090")
    git(repos.app, "push", "-q", "origin", "change")
    ws = workspace(tmp_path / "pr", {".": (repos.app_remote, "change")})
    summary = tmp_path / "summary.md"
    ctx = context(repos, keys, event_name="pull_request", base_ref="main", ref_name="change")
    results = execute(
        run_steps(workflow(repos.app, "launchgen.yaml"), "lint", ctx),
        ws,
        runner,
        github_env(repos, summary),
    )
    assert [r.returncode for r in results] == [0, 0, 0, 0], outputs(
        results
    )  # install, gate, helm lint, preview
    text = summary.read_text()
    assert "### dev at 1.0.0" in text and "9090" in text, text
    assert "- test: nothing deployed yet" in text and "- prod: nothing deployed yet" in text


def test_app_push_to_main_runs_no_preview(
    runner: Runner, keys: Keys, make_repos: Callable[..., Repos]
) -> None:
    repos = make_repos("github")
    steps = run_steps(
        workflow(repos.app, "launchgen.yaml"), "lint", context(repos, keys, event_name="push")
    )
    assert [s.name for s in steps] == ["Install launchgen", "Policy gate", "helm lint"]


# --- on the control plane ------------------------------------------------------------


def deploy_workflow(repos: Repos, tmp: Path, edit: Callable[[str], str] | None) -> Path:
    if edit is None:
        return workflow(repos.app, "deploy.yaml")
    edited = tmp / "edited-deploy.yaml"
    edited.write_text(edit(workflow(repos.app, "deploy.yaml").read_text()))
    return edited


def deploy_job(
    runner: Runner,
    repos: Repos,
    keys: Keys,
    tmp: Path,
    kubeconfig: Path,
    env: str,
    version: str,
    built: Path,
    name: str,
    edit: Callable[[str], str] | None = None,
) -> tuple[Path, list[Step]]:
    ws = workspace(
        tmp / name,
        {"app": (repos.app_remote, f"v{version}"), "properties": (repos.props_remote, None)},
    )
    shutil.copy(built, ws / built.name)  # actions/download-artifact
    ctx = context(repos, keys, kubeconfig, ref_name=f"v{version}")
    return ws, run_steps(deploy_workflow(repos, tmp, edit), f"deploy-{env}", ctx)


def approve_job(
    repos: Repos,
    keys: Keys,
    tmp: Path,
    kubeconfig: Path,
    env: str,
    version: str,
    name: str,
    edit: Callable[[str], str] | None = None,
) -> tuple[Path, list[Step]]:
    ws = workspace(tmp / name, {"properties": (repos.props_remote, None)})
    ctx = context(repos, keys, kubeconfig, ref_name=f"v{version}")
    return ws, run_steps(deploy_workflow(repos, tmp, edit), f"approve-{env}", ctx)


def history(repos: Repos, env: str) -> list[tuple[int, str, object]]:
    parsed = records.parse(
        git(repos.props_remote, "show", f"main:deployments/{env}.yaml"), f"{env}.yaml"
    )
    return [(e["seq"], e["event"], e.get("appVersion", e.get("of"))) for e in parsed.entries]


def test_deploy_job_fails_against_an_unreachable_cluster_and_records_nothing(
    runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    """The twin of the deploy test without a cluster: the deploy step fails, the record
    step (`if: always()`) still runs and pushes nothing."""
    repos = make_repos("github")
    built, results = bundle(runner, repos, keys, tmp_path, "dev", "1.0.0")
    assert all(r.returncode == 0 for r in results), outputs(results)
    kubeconfig = tmp_path / "unreachable.yaml"
    kubeconfig.write_text(UNREACHABLE)
    before = git(repos.props_remote, "rev-parse", "main")
    ws, steps = deploy_job(
        runner, repos, keys, tmp_path, kubeconfig, "dev", "1.0.0", built, "deploy"
    )
    results = execute(steps, ws, runner, github_env(repos))
    assert [r.returncode != 0 for r in results] == [False, True, False], outputs(results)
    assert "push-records: no new deployment records" in results[2].stdout
    assert git(repos.props_remote, "rev-parse", "main") == before


@pytest.mark.cluster
def test_deploy_workflow_deploys_records_approves_and_the_properties_redeploy(
    runner: Runner,
    keys: Keys,
    make_repos: Callable[..., Repos],
    tmp_path: Path,
    kube_cluster: KubeCluster,
) -> None:
    repos = make_repos("github")
    env = github_env(repos)
    built, results = bundle(runner, repos, keys, tmp_path, "dev", "1.0.0")
    assert all(r.returncode == 0 for r in results), outputs(results)
    ws, steps = deploy_job(
        runner, repos, keys, tmp_path, kube_cluster.kubeconfig, "dev", "1.0.0", built, "deploy"
    )
    results = execute(steps, ws, runner, env)
    assert [r.returncode for r in results] == [0, 0, 0], outputs(results)  # install, deploy, record
    assert history(repos, "dev") == [(1, "deployed", "1.0.0")]
    ws, steps = approve_job(
        repos, keys, tmp_path, kube_cluster.kubeconfig, "dev", "1.0.0", "approve"
    )
    results = execute(steps, ws, runner, env)
    assert [r.returncode for r in results] == [0, 0], outputs(results)
    assert history(repos, "dev") == [(1, "deployed", "1.0.0"), (2, "approved", 1)]

    # The properties repo's workflow on a push to main that changes dev.
    git(repos.props, "pull", "-q", "--ff-only")
    replicas(2)(repos.props)
    repos.commit(repos.props, "dev: 2 replicas")
    git(repos.props, "push", "-q", "origin", "HEAD:main")
    for matrix_env, expected in (("dev", "2 1.0.0"), ("test", None)):
        ws = workspace(tmp_path / f"redeploy-{matrix_env}", {".": (repos.props_remote, None)})
        ctx = context(repos, keys, kube_cluster.kubeconfig)
        ctx.matrix = {"env": matrix_env}
        results = execute(
            run_steps(workflow(repos.props, "launchgen.yaml"), "redeploy", ctx), ws, runner, env
        )
        assert [r.returncode for r in results] == [0, 0], outputs(results)
        if expected is None:
            assert f"no change in envs/{matrix_env}" in results[1].stdout
    live = kube_cluster.kubectl(
        "get",
        "deployment",
        repos.name,
        "-n",
        f"{repos.name}-dev",
        "-o",
        "jsonpath={.spec.replicas} {.metadata.labels.app\\.kubernetes\\.io/version}",
    )
    assert live.stdout == "2 1.0.0"
    assert (
        history(repos, "dev")[-1][1:] == ("deployed", "1.0.0") and len(history(repos, "dev")) == 3
    )


def plain_git_push(text: str) -> str:
    """The workflow as it would be with a bare commit and push instead of push-records.py."""
    edited = re.sub(
        r"python ci/push-records\.py -m (\"[^\"]*\")",
        r"git add deployments && git commit -qm \1 && git push -q origin HEAD:main",
        text,
    )
    assert edited != text
    return edited


@pytest.mark.cluster
@pytest.mark.parametrize("recorder", ["push-records", "plain-git-push"])
def test_two_jobs_recording_at_once_lose_no_record(
    runner: Runner,
    keys: Keys,
    make_repos: Callable[..., Repos],
    tmp_path: Path,
    kube_cluster: KubeCluster,
    recorder: str,
) -> None:
    """approve-dev and deploy-test of two pipelines run at the same moment, both from the
    same properties tip, and push to one remote: both records land, numbered and valid.
    The twin: with a plain `git push` instead of ci/push-records.py, one job's record is
    rejected and lost."""
    edit = plain_git_push if recorder == "plain-git-push" else None
    repos = make_repos("github")
    env = github_env(repos)
    dev, results = bundle(runner, repos, keys, tmp_path, "dev", "1.0.0")
    assert all(r.returncode == 0 for r in results), outputs(results)
    test_bundle, results = bundle(runner, repos, keys, tmp_path, "test", "1.0.0")
    assert all(r.returncode == 0 for r in results), outputs(results)
    ws, steps = deploy_job(
        runner, repos, keys, tmp_path, kube_cluster.kubeconfig, "dev", "1.0.0", dev, "deploy-dev"
    )
    assert all(r.returncode == 0 for r in execute(steps, ws, runner, env))
    # Both workspaces are cloned before either job runs: each starts from the same tip.
    jobs = [
        approve_job(
            repos, keys, tmp_path, kube_cluster.kubeconfig, "dev", "1.0.0", "approve-dev", edit
        ),
        deploy_job(
            runner,
            repos,
            keys,
            tmp_path,
            kube_cluster.kubeconfig,
            "test",
            "1.0.0",
            test_bundle,
            "deploy-test",
            edit,
        ),
    ]
    done: dict[int, list[subprocess.CompletedProcess[str]]] = {}
    barrier = threading.Barrier(len(jobs))

    def run(index: int) -> None:
        barrier.wait()
        done[index] = execute(jobs[index][1], jobs[index][0], runner, env)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if recorder == "plain-git-push":
        failed = [index for index in range(len(jobs)) if any(r.returncode for r in done[index])]
        assert len(failed) == 1, [outputs(done[i]) for i in range(len(jobs))]
        assert "[rejected]" in outputs(done[failed[0]]) or "fetch first" in outputs(done[failed[0]])
        recorded = len(history(repos, "dev")) + (
            len(history(repos, "test")) if failed[0] == 0 else 0
        )
        assert recorded == 2  # deployed seq 1 and one of the two new records: the other is lost
        return
    for index in range(len(jobs)):
        assert all(r.returncode == 0 for r in done[index]), outputs(done[index])
    pushes = [
        r.stdout
        for index in range(len(jobs))
        for r in done[index]
        if "push-records: pushed" in r.stdout
    ]
    assert len(pushes) == 2 and sum("(attempt 1)" in out for out in pushes) == 1, (
        pushes
    )  # one was rejected, retried
    assert history(repos, "dev") == [(1, "deployed", "1.0.0"), (2, "approved", 1)]
    assert history(repos, "test") == [(1, "deployed", "1.0.0")]


@pytest.mark.parametrize(
    "workflow_name, job, key",
    [("launchgen.yaml", "redeploy", "matrix"), ("reject.yaml", "undo", "inputs")],
)
def test_jobs_chosen_by_environment_read_the_same_kubeconfig_secret_as_deploy(
    keys: Keys, tmp_path: Path, workflow_name: str, job: str, key: str
) -> None:
    """KUBECONFIG_<ENV> is upper case with underscores for dashes (a secret name has no
    dashes): the redeploy and reject jobs, which pick it by environment at run time, read
    the very secret deploy-<env> reads."""
    from launchgen.scaffold import new
    from tests.conftest import make_answers

    new(make_answers(environments=("dev", "stage-eu")), tmp_path, git=False)
    repo = tmp_path / ("checkout-properties" if job == "redeploy" else "checkout")
    deploy = (tmp_path / "checkout" / ".github" / "workflows" / "deploy.yaml").read_text()
    assert "secrets.KUBECONFIG_STAGE_EU" in deploy
    ctx = Context(
        inputs={"environment": "stage-eu", "action": "reject"},
        matrix={"env": "stage-eu"},
        secrets={
            "LAUNCHGEN_SIGNING_KEY": keys.private,
            "KUBECONFIG_STAGE_EU": "the stage-eu kubeconfig",
            "APP_REPO_TOKEN": TOKEN,
        },
        vars={"LAUNCHGEN_PUBLIC_KEY": keys.public},
        github={"repository_owner": GROUP, "token": TOKEN},
    )
    (step,) = [
        s for s in run_steps(workflow(repo, workflow_name), job, ctx) if "KUBECONFIG_DATA" in s.env
    ]
    assert step.env["KUBECONFIG_DATA"] == "the stage-eu kubeconfig"


@pytest.mark.cluster
def test_reject_workflow_rolls_back_the_pending_deployment_and_records_it(
    runner: Runner,
    keys: Keys,
    make_repos: Callable[..., Repos],
    tmp_path: Path,
    kube_cluster: KubeCluster,
) -> None:
    repos = make_repos("github")
    env = github_env(repos)
    built, results = bundle(runner, repos, keys, tmp_path, "dev", "1.0.0")
    assert all(r.returncode == 0 for r in results), outputs(results)
    ws, steps = deploy_job(
        runner, repos, keys, tmp_path, kube_cluster.kubeconfig, "dev", "1.0.0", built, "deploy"
    )
    assert all(r.returncode == 0 for r in execute(steps, ws, runner, env))
    ws = workspace(tmp_path / "undo", {"properties": (repos.props_remote, None)})
    ctx = context(repos, keys, kube_cluster.kubeconfig)
    ctx.inputs = {"environment": "dev", "action": "reject"}
    results = execute(run_steps(workflow(repos.app, "reject.yaml"), "undo", ctx), ws, runner, env)
    assert [r.returncode for r in results] == [0, 0], outputs(results)
    assert history(repos, "dev") == [(1, "deployed", "1.0.0"), (2, "rejected", 1)]
    assert git(repos.props_remote, "log", "-1", "--format=%s", "main").strip() == "reject in dev"
