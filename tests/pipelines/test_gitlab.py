"""The generated GitLab pipelines, run by a real runner: gitlab-ci-local with the shell
executor and shell isolation (each job in a fresh copy of the checkout, artifacts passed
between jobs), bare git repositories as the remotes (reached through the pipelines' own
https URLs, rewritten by git's url.insteadOf), CI/CD variables from its variables file."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from launchgen import records
from tests.cluster.fixture import KubeCluster
from tests.helpers.gitrepo import git
from tests.pipelines.conftest import TOKEN, Keys, remote_rewrites, seed_live_version
from tests.pipelines.harness import (
    UNREACHABLE,
    GitlabRun,
    Repos,
    Runner,
    gitlab_variables_home,
    run_gitlab,
)

MR = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}


def home(
    tmp: Path,
    keys: Keys,
    kubeconfig: Path | None = None,
    envs: tuple[str, ...] = ("dev", "test", "prod"),
) -> Path:
    files = (
        {f"KUBECONFIG_{env.upper()}": kubeconfig.read_text() for env in envs} if kubeconfig else {}
    )
    return gitlab_variables_home(
        tmp / "gcl-home",
        {
            "LAUNCHGEN_SIGNING_KEY": keys.private,
            "LAUNCHGEN_PUBLIC_KEY": keys.public,
            "PROPERTIES_REPO_TOKEN": TOKEN,
            "PUSH_TOKEN": TOKEN,
            "CI_JOB_TOKEN": TOKEN,
        },
        files,
    )


def junit_failures(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return [
        case.get("name", "") for case in root.iter("testcase") if case.find("failure") is not None
    ]


def gate(
    runner: Runner, repos: Repos, keys: Keys, tmp: Path, change: Callable[[Path], None]
) -> GitlabRun:
    git(repos.props, "checkout", "-q", "-b", "change")
    change(repos.props)
    repos.commit(repos.props, "the change under review")
    return run_gitlab(
        runner,
        repos.props,
        "launchgen-policy-gate",
        home=home(tmp, keys),
        variables=MR,
        env=remote_rewrites(repos),
    )


def set_replicas(count: int) -> Callable[[Path], None]:
    def change(props: Path) -> None:
        values = props / "envs" / "dev" / "values.yaml"
        values.write_text(values.read_text().replace("replicaCount: 1", f"replicaCount: {count}"))

    return change


def test_mr_gate_passes_a_clean_change_and_previews_it_at_the_live_version(
    gitlab_runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("gitlab")
    seed_live_version(repos, "dev", "1.0.0")
    run = gate(gitlab_runner, repos, keys, tmp_path, set_replicas(3))
    assert run.returncode == 0 and "PASS  launchgen-policy-gate" in run.output, run.output
    job = run.builds / "launchgen-policy-gate"
    assert junit_failures(job / "launchgen-junit.xml") == []
    # (gitlab-ci-local names the build folder after the job, so the repo-name rule warns here only)
    assert [
        f["check_name"]
        for f in json.loads((job / "gl-code-quality-lint.json").read_text())
        if f["severity"] != "info"
    ] in ([], ["naming-repo-name"])
    preview = (job / "launchgen-preview.md").read_text()
    assert "### dev at 1.0.0" in preview and "spec.replicas: 1 -> 3" in preview, preview
    assert "**appVersion-only**: no" in preview
    assert "### test" not in preview  # only the environments the change touches
    quality = json.loads((job / "gl-code-quality-report.json").read_text())
    assert [f["location"]["path"] for f in quality] == ["envs/dev/values.yaml"]
    # Collected as the job's artifacts (paths + reports).
    artifacts = run.builds.parent / "artifacts" / "launchgen-policy-gate"
    assert (artifacts / "launchgen-preview.md").read_text() == preview


def test_mr_gate_fails_a_bad_change_naming_the_rule_in_its_junit_report(
    gitlab_runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("gitlab")

    def set_image_tag(props: Path) -> None:
        values = props / "envs" / "dev" / "values.yaml"
        values.write_text(values.read_text() + "image:\n  tag: 1.2.3\n")

    run = gate(gitlab_runner, repos, keys, tmp_path, set_image_tag)
    assert run.returncode != 0 and "FAIL  launchgen-policy-gate" in run.output, run.output
    failures = junit_failures(run.builds / "launchgen-policy-gate" / "launchgen-junit.xml")
    assert any(name.startswith("properties-forbidden-keys ") for name in failures), failures
    # The same problem in lint's Code Quality report, for the merge request's inline view.
    lint_quality = json.loads(
        (run.builds / "launchgen-policy-gate" / "gl-code-quality-lint.json").read_text()
    )
    assert [
        (f["check_name"], f["location"]["path"])
        for f in lint_quality
        if f["check_name"] == "properties-forbidden-keys"
    ] == [("properties-forbidden-keys", "envs/dev/values.yaml")]
    # Nothing deployed anywhere yet: the preview says so rather than failing.
    assert (
        "dev: nothing deployed yet"
        in (run.builds / "launchgen-policy-gate" / "launchgen-preview.md").read_text()
    )


def test_app_tag_pipeline_bundles_a_signed_bundle_per_environment(
    gitlab_runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("gitlab")
    git(repos.app, "tag", "v1.0.0")
    run = run_gitlab(
        gitlab_runner,
        repos.app,
        "bundle",
        home=home(tmp_path, keys),
        variables={"CI_COMMIT_TAG": "v1.0.0"},
        env=remote_rewrites(repos),
    )
    assert run.returncode == 0, run.output
    artifacts = run.builds.parent / "artifacts"
    for env in ("dev", "test", "prod"):
        (bundle,) = (artifacts).glob(f"bundle*{env}*/bundle-{env}.tar.gz")
        verified = subprocess.run(
            ["launchgen", "verify", str(bundle), "--key", str(keys.public_file)],
            env=gitlab_runner.env,
            capture_output=True,
            text=True,
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert (
            "1.0.0"
            in subprocess.run(["tar", "-xzOf", str(bundle)], capture_output=True, text=True).stdout
        )


def test_app_bundle_job_fails_without_the_signing_key(
    gitlab_runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("gitlab")
    run = run_gitlab(
        gitlab_runner,
        repos.app,
        "bundle",
        home=home(tmp_path, Keys("", keys.public, keys.public_file)),
        variables={"CI_COMMIT_TAG": "v1.0.0"},
        env=remote_rewrites(repos),
    )
    assert run.returncode != 0 and "FAIL  bundle" in run.output, run.output
    assert "no signing key: pass --key PATH or set $LAUNCHGEN_SIGNING_KEY" in run.output, run.output


def test_app_mr_job_lints_and_previews_every_environment_at_its_live_version(
    gitlab_runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("gitlab")
    seed_live_version(repos, "dev", "1.0.0")
    git(repos.app, "checkout", "-q", "-b", "change")
    values = repos.app / "values.yaml"
    values.write_text(values.read_text().replace("containerPort: 8080", "containerPort: 9090"))
    repos.commit(repos.app, "listen on 9090")
    run = run_gitlab(
        gitlab_runner,
        repos.app,
        "launchgen-lint",
        home=home(tmp_path, keys),
        variables=MR,
        env=remote_rewrites(repos),
    )
    assert run.returncode == 0 and "PASS  launchgen-lint" in run.output, run.output
    job = run.builds / "launchgen-lint"
    assert junit_failures(job / "launchgen-junit.xml") == []
    preview = (job / "launchgen-preview.md").read_text()
    assert (
        "### dev at 1.0.0" in preview
        and "9090" in preview
        and "- test: nothing deployed yet" in preview
    ), preview
    quality = json.loads((job / "gl-code-quality-report.json").read_text())
    assert quality and all(f["description"].startswith("dev: ") for f in quality)


def test_app_job_on_the_default_branch_lints_without_a_preview(
    gitlab_runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    repos = make_repos("gitlab")
    run = run_gitlab(
        gitlab_runner,
        repos.app,
        "launchgen-lint",
        home=home(tmp_path, keys),
        env=remote_rewrites(repos),
    )
    assert run.returncode == 0 and "PASS  launchgen-lint" in run.output, run.output
    assert not (run.builds / "launchgen-lint" / "launchgen-preview.md").exists()


@pytest.mark.cluster
def test_app_deploys_to_the_first_env_then_an_approval_and_a_properties_merge_redeploy_record_at_once(
    gitlab_runner: Runner,
    keys: Keys,
    make_repos: Callable[..., Repos],
    tmp_path: Path,
    kube_cluster: KubeCluster,
) -> None:
    repos = make_repos("gitlab")
    git(repos.app, "tag", "v1.0.0")
    git(repos.app, "push", "-q", "origin", "v1.0.0")
    variables_home = home(tmp_path, keys, kube_cluster.kubeconfig)
    env = remote_rewrites(repos)
    run = run_gitlab(
        gitlab_runner,
        repos.app,
        "--needs",
        "deploy-dev",
        home=variables_home,
        variables={"CI_COMMIT_TAG": "v1.0.0"},
        env=env,
    )
    assert run.returncode == 0 and "PASS  deploy-dev" in run.output, run.output
    # The record commit reached the properties remote.
    history = records.parse(
        git(repos.props_remote, "show", "main:deployments/dev.yaml"), "dev.yaml"
    )
    assert [(e["event"], e["appVersion"]) for e in history.entries] == [("deployed", "1.0.0")]
    assert (
        git(repos.props_remote, "log", "-1", "--format=%s", "main").strip()
        == f"deploy {repos.name} v1.0.0 to dev"
    )
    live = kube_cluster.kubectl(
        "get",
        "deployment",
        repos.name,
        "-n",
        f"{repos.name}-dev",
        "-o",
        "jsonpath={.spec.replicas} {.metadata.labels.app\\.kubernetes\\.io/version}",
    )
    assert live.stdout == "1 1.0.0"

    # At the same moment: the approval of dev (app pipeline, manual job) and a merge to
    # the properties repo's main that changes dev (redeployed at the live version). Both
    # jobs start from the same properties tip and push a record to the same remote.
    git(repos.props, "pull", "-q", "--ff-only")
    set_replicas(2)(repos.props)
    repos.commit(repos.props, "dev: 2 replicas")
    git(repos.props, "push", "-q", "origin", "HEAD:main")
    runs: dict[str, GitlabRun] = {}
    barrier = threading.Barrier(2)

    def pipeline(label: str, repo: Path, *args: str, variables: dict[str, str]) -> None:
        barrier.wait()
        runs[label] = run_gitlab(
            gitlab_runner, repo, *args, home=variables_home, variables=variables, env=env
        )

    threads = [
        threading.Thread(
            target=pipeline,
            args=("approve", repos.app, "approve-dev"),
            kwargs={"variables": {"CI_COMMIT_TAG": "v1.0.0"}},
        ),
        threading.Thread(
            target=pipeline, args=("redeploy", repos.props, "redeploy"), kwargs={"variables": {}}
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    assert runs["approve"].returncode == 0 and "PASS  approve-dev" in runs["approve"].output, runs[
        "approve"
    ].output
    assert runs["redeploy"].returncode == 0, runs["redeploy"].output
    redeploy = runs["redeploy"].output
    assert "no change in envs/test" in redeploy and "no change in envs/prod" in redeploy
    pushed = re.findall(
        r"push-records: pushed .*\(attempt (\d+)\)", runs["approve"].output + redeploy
    )
    assert sorted(pushed)[0] == "1" and len(pushed) == 2 and pushed.count("1") == 1, (
        pushed
    )  # one push was redone
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
    history = records.parse(
        git(repos.props_remote, "show", "main:deployments/dev.yaml"), "dev.yaml"
    )
    entries = [(e["seq"], e["event"], e.get("appVersion", e.get("of"))) for e in history.entries]
    assert entries[0] == (1, "deployed", "1.0.0") and [e[0] for e in entries] == [1, 2, 3], entries
    assert sorted(e[1:] for e in entries[1:]) == [("approved", 1), ("deployed", "1.0.0")], entries


def test_deploy_job_fails_against_an_unreachable_cluster_and_records_nothing(
    gitlab_runner: Runner, keys: Keys, make_repos: Callable[..., Repos], tmp_path: Path
) -> None:
    """The deploy job's twin without a cluster: bundle artifacts reach it, it clones the
    properties repo through its real URL, the deployment fails, the job fails, and the
    record step pushes nothing."""
    repos = make_repos("gitlab")
    git(repos.app, "tag", "v1.0.0")
    kubeconfig = tmp_path / "unreachable.yaml"
    kubeconfig.write_text(UNREACHABLE)
    before = git(repos.props_remote, "rev-parse", "main")
    run = run_gitlab(
        gitlab_runner,
        repos.app,
        "--needs",
        "deploy-dev",
        home=home(tmp_path, keys, kubeconfig),
        variables={"CI_COMMIT_TAG": "v1.0.0"},
        env=remote_rewrites(repos),
    )
    assert (
        run.returncode != 0
        and "FAIL  deploy-dev" in run.output
        and "PASS  bundle: [dev]" in run.output
    ), run.output
    assert "push-records: no new deployment records" in run.output
    assert git(repos.props_remote, "rev-parse", "main") == before
