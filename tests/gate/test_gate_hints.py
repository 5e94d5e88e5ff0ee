"""Issue 11: the gate's messages and hints say what is true of this change and this repo."""

from __future__ import annotations

from pathlib import Path

from launchgen.lint import lint
from launchgen.problem import Problem
from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import commit, git
from tests.helpers.trees import edit

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"


def gated(repo: Path, base: str) -> list[Problem]:
    return [
        p
        for p in lint([repo], base=base, cache=False, yamllint=False)
        if p.rule.startswith("gate-")
    ]


def test_app_version_only_change_does_not_ask_for_a_bump(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = git(app, "rev-parse", "HEAD")
    commit(app, "pin", {"Chart.yaml": edit(app, "Chart.yaml", APP_VERSION_PLACEHOLDER, "1.4.2")})
    found = gated(app, base)
    assert [p.rule for p in found] == ["gate-app-version-placeholder"], found
    assert "bump" not in found[0].hint


def test_app_version_change_with_another_chart_change_still_asks_for_a_bump(
    app_repos: tuple[Path, Path],
) -> None:
    app, _ = app_repos
    base = git(app, "rev-parse", "HEAD")
    chart = edit(app, "Chart.yaml", APP_VERSION_PLACEHOLDER, "1.4.2").replace(
        "description:", "description: changed"
    )
    commit(app, "pin and edit", {"Chart.yaml": chart})
    assert sorted(p.rule for p in gated(app, base)) == [
        "gate-app-version-placeholder",
        "gate-chart-version-bump",
    ]


def test_bump_hint_starts_from_the_base_version(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    commit(
        app, "0.1.1", {"Chart.yaml": edit(app, "Chart.yaml", "version: 0.1.0", "version: 0.1.1")}
    )
    base = git(app, "rev-parse", "HEAD")
    commit(app, "add configmap", {"templates/extra.yaml": CONFIGMAP})
    [problem] = gated(app, base)
    assert (
        problem.message
        == "the chart changed (templates/extra.yaml) but its version 0.1.1 is unchanged"
    )
    assert problem.hint.startswith("bump version") and "e.g. 0.1.1 -> 0.1.2" in problem.hint
    assert "0.1.0" not in problem.hint


def test_bump_hint_for_a_lowered_version_and_many_files(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    commit(
        app,
        "1.0.0-rc.1",
        {"Chart.yaml": edit(app, "Chart.yaml", "version: 0.1.0", "version: 1.0.0-rc.1")},
    )
    base = git(app, "rev-parse", "HEAD")
    files = {f"templates/extra{i}.yaml": CONFIGMAP for i in range(5)}
    commit(
        app,
        "lower",
        {**files, "Chart.yaml": edit(app, "Chart.yaml", "version: 1.0.0-rc.1", "version: 0.9.0")},
    )
    [problem] = gated(app, base)
    assert problem.message == (
        "the chart changed (Chart.yaml, templates/extra0.yaml, templates/extra1.yaml and 3 more)"
        " but its version 0.9.0 is lower than 1.0.0-rc.1"
    )
    assert "e.g. 1.0.0-rc.1 -> 1.0.0" in problem.hint


def test_relative_base_on_a_one_commit_repo(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    assert git(app, "rev-list", "--count", "HEAD") == "1"
    result = invoke("lint", str(app), "--base", "HEAD~1")
    assert result.exit_code == 2
    assert "git fetch" not in result.output
    assert "revision 'HEAD~1' does not exist: 'HEAD' has 1 commit in its history" in result.output
    assert "first commit" in result.output and result.output.strip().count("\n") == 0


def test_unknown_branch_without_a_remote_says_so(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    result = invoke("lint", str(app), "--base", "main2")
    assert (
        result.exit_code == 2 and "git fetch" not in result.output and "no remote" in result.output
    )


def test_unknown_branch_with_a_remote_names_the_fetch(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    app, _ = app_repos
    git(app, "remote", "add", "upstream", str(tmp_path / "nowhere"))
    result = invoke("lint", str(app), "--base", "upstream/release")
    assert result.exit_code == 2 and "git fetch upstream release" in result.output
