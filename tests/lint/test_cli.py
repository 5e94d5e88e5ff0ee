"""`launchgen lint`, `rules`, `explain` through the real CLI: formats and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers.cli import invoke as run_cli

DEV = "envs/dev/values.yaml"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = run_cli(*args, env=env or {"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    return result.exit_code, result.output


def test_clean_repo_exits_0(props: Path) -> None:
    assert invoke("lint", str(props)) == (0, "All checks passed!\n")


def test_errors_exit_1_with_text_report(props: Path) -> None:
    (props / DEV).write_text("replicaCount: 1\nreplicaCount: 2\n")
    code, out = invoke("lint", "--no-color", str(props))
    assert code == 1
    assert f"{DEV}:2:1: error yaml-duplicate-key duplicate key 'replicaCount'" in out
    assert "  hint: remove one of the two entries" in out


def test_warnings_exit_0_unless_strict(props: Path) -> None:
    (props / DEV).write_text("replicaCount: 1\n#comment\n")
    assert invoke("lint", str(props))[0] == 0
    assert invoke("lint", "--strict", str(props))[0] == 1


def test_json_format(props: Path) -> None:
    (props / DEV).write_text("podAnnotations: {}\nappVersion: 1.2.3\n")
    code, out = invoke("lint", "--format", "json", str(props))
    problem = json.loads(out)["problems"][0]
    assert code == 1
    assert problem == {
        "rule": "properties-forbidden-keys",
        "severity": "error",
        "path": DEV,
        "line": 2,
        "column": 1,
        "message": problem["message"],
        "hint": problem["hint"],
    }


def test_sarif_format(props: Path) -> None:
    (props / DEV).write_text("podAnnotations: {}\nappVersion: 1.2.3\n")
    log = json.loads(invoke("lint", "--format", "sarif", str(props))[1])
    assert log["version"] == "2.1.0"
    result = log["runs"][0]["results"][0]
    assert result["ruleId"] == "properties-forbidden-keys"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (2, 1)
    rule = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert (
        rule["id"] == "properties-forbidden-keys"
        and "appVersion" in rule["shortDescription"]["text"]
    )


def test_github_format_is_the_default_under_actions(props: Path) -> None:
    (props / DEV).write_text("podAnnotations: {}\nappVersion: 1.2.3\n")
    _code, out = invoke("lint", str(props), env={"GITHUB_ACTIONS": "true"})
    assert out.startswith(f"::error file={DEV},line=2,col=1,title=properties-forbidden-keys::")


def test_junit_format(props: Path) -> None:
    (props / DEV).write_text("podAnnotations: {}\nappVersion: 1.2.3\n")
    root = ET.fromstring(invoke("lint", "--format", "junit", str(props))[1])
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "2"


def test_paths_relative_to_the_current_folder_for_several_repos(
    repos: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, props = repos
    (props / DEV).write_text("podAnnotations: {}\nappVersion: 1.2.3\n")
    monkeypatch.chdir(app.parent)
    _code, out = invoke("lint", "--no-color", ".")
    assert out.startswith(f"checkout-properties/{DEV}:2:1: error")


def test_usage_and_config_errors_exit_2(props: Path, tmp_path: Path) -> None:
    assert invoke("lint", str(tmp_path / "missing"))[0] == 2
    (props / ".launchgen.yaml").write_text("kind: [\n")
    code, out = invoke("lint", str(props))
    assert code == 2 and ".launchgen.yaml:2: invalid YAML" in out and "Traceback" not in out
    assert invoke("lint", "--format", "xml", str(props))[0] == 2


def test_rules_and_explain() -> None:
    code, out = invoke("rules")
    assert code == 0 and "chart-app-version-quoted" in out and "(fixable)" in out
    rules = json.loads(invoke("rules", "--format", "json")[1])["rules"]
    assert {r["family"] for r in rules} >= {
        "naming",
        "chart",
        "umbrella",
        "properties",
        "middleware",
        "secrets",
        "yaml",
    }
    code, out = invoke("explain", "properties-drift")
    assert code == 0 and out.startswith("# properties-drift\n") and "check-all" in out
    code, out = invoke("explain", "properties-drfit")
    assert code == 2 and "did you mean properties-drift" in out


def test_success_line_in_text_only(props: Path) -> None:
    assert invoke("lint", "--no-color", str(props)) == (0, "All checks passed!\n")
    code, out = invoke("lint", "--format", "json", str(props))
    assert (code, json.loads(out)) == (0, {"problems": []})
    assert invoke("lint", "--format", "github", str(props)) == (0, "")
    assert (
        json.loads(invoke("lint", "--format", "sarif", str(props))[1])["runs"][0]["results"] == []
    )
    ET.fromstring(invoke("lint", "--format", "junit", str(props))[1])
    # Warnings only: the problems and the count, not the success line.
    (props / DEV).write_text("replicaCount: 1\n#comment\n")
    code, out = invoke("lint", "--no-color", str(props))
    assert code == 0 and "All checks passed!" not in out and out.endswith("Found 1 warning.\n")


def test_repo_scope_is_what_the_file_hook_cannot_see(props: Path) -> None:
    (props / DEV).write_text("replicaCount: 1\nreplicaCount: 2\n")
    (props / "envs" / "test" / "values.yaml").unlink()
    (props / "envs" / "prod" / "link.yaml").symlink_to("/etc/hostname")
    _, whole = invoke("lint", "--no-color", "--format", "json", str(props))
    _, repo = invoke("lint", "--no-color", "--format", "json", "--scope", "repo", str(props))
    files = [str(p) for p in sorted((props / "envs").rglob("*.yaml")) if not p.is_symlink()]
    _, per_file = invoke("lint", "--no-color", "--format", "json", *files)

    def keyed(out: str) -> list[tuple[str, int, str]]:
        return sorted((p["path"], p["line"], p["rule"]) for p in json.loads(out)["problems"])

    assert ("envs/prod/link.yaml", 1, "files-symlink-outside") in keyed(repo)
    assert ("envs/dev/values.yaml", 2, "yaml-duplicate-key") in keyed(per_file)
    assert (".launchgen.yaml", 8, "properties-env-files") in keyed(repo)
    # Together, the hooks report exactly what the whole lint does, each problem once.
    assert sorted(keyed(repo) + keyed(per_file)) == keyed(whole)
