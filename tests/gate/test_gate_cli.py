"""`launchgen lint --base` and the pre-commit pre-push variables, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from tests.helpers.cli import invoke
from tests.helpers.gitrepo import commit, git
from tests.helpers.trees import edit


def lint(repo: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return invoke("lint", str(repo), "--no-cache", "--format", "json", *args, env=env)


def bump_template(app: Path) -> str:
    base = git(app, "rev-parse", "HEAD")
    commit(
        app,
        "add configmap",
        {"templates/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"},
    )
    return base


def test_base_adds_the_gate_rules(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = bump_template(app)
    assert lint(app).exit_code == 0
    result = lint(app, "--base", base)
    assert result.exit_code == 1
    [problem] = json.loads(result.output)["problems"]
    assert (problem["rule"], problem["path"], problem["line"]) == (
        "gate-chart-version-bump",
        "Chart.yaml",
        8,
    )
    assert problem["hint"].startswith("bump version")


def test_pre_commit_push_refs_are_used(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = bump_template(app)
    head = git(app, "rev-parse", "HEAD")
    result = lint(app, env={"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head})
    assert result.exit_code == 1
    assert "gate-chart-version-bump" in result.output


def test_info_findings_do_not_fail(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    base = git(props, "rev-parse", "HEAD")
    commit(
        props,
        "scale",
        {
            "envs/prod/values.yaml": edit(
                props, "envs/prod/values.yaml", "replicaCount: 2", "replicaCount: 4"
            )
        },
    )
    result = lint(props, "--base", base)
    assert result.exit_code == 0, result.output
    [problem] = json.loads(result.output)["problems"]
    assert (problem["rule"], problem["severity"], problem["message"]) == (
        "gate-values-change",
        "info",
        "prod: replicaCount: 2 -> 4",
    )


def test_gate_rule_severity_is_configurable(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    config = (
        app / ".launchgen.yaml"
    ).read_text() + "lint:\n  rules:\n    gate-chart-version-bump: warning\n"
    commit(app, "relax", {".launchgen.yaml": config})
    base = bump_template(app)
    result = lint(app, "--base", base)
    assert result.exit_code == 0
    assert json.loads(result.output)["problems"][0]["severity"] == "warning"
    assert lint(app, "--base", base, "--strict").exit_code == 1


def test_unknown_base_is_exit_2_in_one_line(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    result = invoke("lint", str(app), "--base", "origin/nope")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "unknown revision 'origin/nope'" in result.output


def test_corrupt_record_in_base_does_not_crash(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    commit(props, "garbage", {"deployments/dev.yaml": "entries: [\n"})
    base = git(props, "rev-parse", "HEAD")
    commit(props, "more garbage", {"deployments/dev.yaml": "something: else\n"})
    result = lint(props, "--base", base)
    assert result.exit_code == 1
    rules = {p["rule"] for p in json.loads(result.output)["problems"]}
    assert "gate-records-append-only" in rules
