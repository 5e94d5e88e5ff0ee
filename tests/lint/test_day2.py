"""Issue 11: the day-2 loop. A properties repo after real deploys and renders lints clean;
what git ignores is never linted; problems in records are reported as record problems."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from launchgen import records
from launchgen.lint import lint
from tests.helpers.cli import invoke as run_cli
from tests.helpers.gitrepo import commit, git

DIGEST = "sha256:" + "ab" * 32


def deploy(props: Path, version: str, env: str = "dev") -> None:
    records.append(
        props,
        "checkout",
        env,
        "deployed",
        "ci",
        appVersion=version,
        chartVersion="0.1.0",
        bundleDigest=DIGEST,
        release="checkout",
        namespace=f"checkout-{env}",
        at="2026-11-26T10:00:00Z",
    )


def cli(*args: str) -> tuple[int, str]:
    result = run_cli(*args, env={"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    return result.exit_code, result.output


# --- 1: deployment records are records ---------------------------------------------------


def test_properties_repo_after_deploys_lints_clean(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    deploy(props, "1.0.0")
    records.append(props, "checkout", "dev", "approved", "alice", of=1)
    deploy(props, "1.1.0", env="prod")
    commit(props, "deploy", {})
    assert lint([props], cache=False) == []
    # The per-file hook on the record file, and the CLI, agree.
    assert lint([props / "deployments" / "dev.yaml"], cache=False) == []
    assert cli("lint", "--no-cache", str(props))[0] == 0


def test_broken_record_is_a_record_problem_not_a_misplaced_values_file(props: Path) -> None:
    deploy(props, "1.0.0")
    path = props / "deployments" / "dev.yaml"
    path.write_text(
        path.read_text().replace("seq: 1", "seq: 2").replace('event: "deployed"', 'event: "hacked"')
    )
    problems = lint([props], cache=False, yamllint=False)
    assert {p.rule for p in problems} == {"properties-deployment-records"}, problems
    assert ("deployments/dev.yaml", 9, 5) in {(p.path, p.line, p.column) for p in problems}
    assert any(
        p.message.startswith("entries/0/event: is not one of the allowed values") for p in problems
    )
    assert all("hacked" not in p.message for p in problems)


def test_record_numbering_environment_and_service(props: Path) -> None:
    deploy(props, "1.0.0")
    deploy(props, "1.1.0")
    path = props / "deployments" / "dev.yaml"
    text = path.read_text()
    (props / "deployments" / "prod.yaml").write_text(text)  # dev's history filed as prod's
    path.write_text(text.replace("seq: 2", "seq: 3"))
    found = sorted((p.path, p.message) for p in lint([props], cache=False, yamllint=False))
    assert found == [
        ("deployments/dev.yaml", "entries must be numbered 1, 2, 3, ...: expected seq 2, got 3"),
        ("deployments/prod.yaml", "the record of environment 'dev' is in deployments/prod.yaml"),
    ]


def test_other_yaml_files_outside_envs_are_still_reported(props: Path) -> None:
    (props / "deployments").mkdir()
    (props / "deployments" / "nested").mkdir()
    (props / "deployments" / "nested" / "dev.yaml").write_text("replicaCount: 1\n")
    (props / "values.yaml").write_text("replicaCount: 1\n")
    found = sorted(
        p.path
        for p in lint([props], cache=False, yamllint=False)
        if p.rule == "properties-env-files"
    )
    assert found == ["deployments/nested/dev.yaml", "values.yaml"]


# --- 2: what git ignores is not linted ---------------------------------------------------


def _rendered(props: Path) -> None:
    out = props / "rendered" / "dev"
    out.mkdir(parents=True)
    (out / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"
    )
    (props / "ci-work" / "tmp").mkdir(parents=True)
    (props / "ci-work" / "tmp" / "scratch.yaml").write_text("a: 1\na: 2\n")


def test_git_ignored_files_are_not_linted(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    _rendered(props)
    (props / ".git" / "info").mkdir(exist_ok=True)
    (props / ".git" / "info" / "exclude").write_text("/ci-work/\n")
    assert lint([props], cache=False) == []
    # Not ignored any more: reported (no false green).
    (props / ".git" / "info" / "exclude").write_text("")
    (props / ".gitignore").write_text("")
    paths = {p.path for p in lint([props], cache=False, yamllint=False)}
    assert {"rendered/dev/deployment.yaml", "ci-work/tmp/scratch.yaml"} <= paths


def test_nested_gitignore_and_tracked_files(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    _rendered(props)
    (props / "ci-work" / ".gitignore").write_text("tmp/\n")
    assert lint([props], cache=False, yamllint=False) == []
    # A deleted tracked file is not linted (it is not there).
    os.remove(props / "envs" / "test" / "values.yaml")
    assert [p.message for p in lint([props], cache=False, yamllint=False)] == [
        "environment 'test' has no envs/test/values.yaml"
    ]


def test_non_git_folder_honours_its_gitignore(props: Path) -> None:
    assert not (props / ".git").exists()
    _rendered(props)
    (props / "ci-work" / ".gitignore").write_text("tmp/\n")
    assert lint([props], cache=False) == []
    (props / ".gitignore").unlink()
    paths = {p.path for p in lint([props], cache=False, yamllint=False)}
    assert "rendered/dev/deployment.yaml" in paths and "ci-work/tmp/scratch.yaml" not in paths


def test_explicit_files_are_linted_even_when_ignored(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    _rendered(props)
    (props / ".gitignore").write_text((props / ".gitignore").read_text() + "/ci-work/\n")
    problems = lint([props / "ci-work" / "tmp" / "scratch.yaml"], cache=False, yamllint=False)
    assert [(p.path, p.rule) for p in problems] == [
        ("ci-work/tmp/scratch.yaml", "yaml-duplicate-key")
    ]
    # A folder given is listed through git: its ignored files are skipped.
    assert lint([props / "ci-work"], cache=False, yamllint=False) == []


def test_one_git_process_per_repo(
    app_repos: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def spy(args: list[str], *a: Any, **k: Any) -> subprocess.CompletedProcess[str]:
        if "ls-files" in args:
            calls.append(args)
        return real(args, *a, **k)

    monkeypatch.setattr(subprocess, "run", spy)
    app, props = app_repos
    lint([app, props], cache=False, yamllint=False)
    assert len(calls) == 2


def test_git_is_run_without_the_repo_s_fsmonitor(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    marker = tmp_path / "ran"
    git(props, "config", "core.fsmonitor", f"touch {marker}; false")
    lint([props], cache=False, yamllint=False)
    assert not marker.exists()


def test_json_output_of_a_clean_day2_repo(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    deploy(props, "1.0.0")
    _rendered(props)
    (props / ".gitignore").write_text((props / ".gitignore").read_text() + "/ci-work/\n")
    code, out = cli("lint", "--no-cache", "--format", "json", str(props))
    assert (code, json.loads(out)) == (0, {"problems": []})


def test_render_into_the_properties_repo_then_lint_and_render_again(
    app_repos: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented loop, for real: render -o rendered inside the properties repo, a
    deploy record committed, then lint and render's own lint gate pass."""
    from tests.helpers.tools import tool

    _, props = app_repos
    monkeypatch.chdir(props)
    helm = str(tool("helm4"))
    args = [
        "render",
        ".",
        "--app-version",
        "1.4.2",
        "--env",
        "dev",
        "--helm",
        helm,
        "-o",
        "rendered",
    ]
    first = run_cli(*args)
    assert first.exit_code == 0, first.output
    assert list((props / "rendered").rglob("*.yaml"))
    deploy(props, "1.4.2")
    commit(props, "record the deploy", {})
    assert cli("lint", "--no-cache", "--no-color", ".") == (0, "All checks passed!\n")
    again = run_cli(*[*args[:3], "1.4.3", *args[4:]])
    assert again.exit_code == 0, again.output
