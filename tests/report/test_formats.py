"""Every report format, on the same two problems: the example to copy for a new format
(a module in launchgen/report/, one line in REPORTER_BY_NAME, one test here)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from launchgen.problem import Problem
from launchgen.report import FORMATS, REPORTER_BY_NAME, render

PROBLEMS = [
    Problem("envs/prod/values.yaml", 3, 5, "values-image-tag", "tag is latest", "warning"),
    Problem("Chart.yaml", 1, 1, "chart-version", "not SemVer:\x1b[31m 1.x", "error", "use 1.2.3"),
]


def test_text() -> None:
    assert render(PROBLEMS, "text") == (
        "Chart.yaml:1:1: error chart-version not SemVer:\\x1b[31m 1.x\n"
        "  hint: use 1.2.3\n"
        "envs/prod/values.yaml:3:5: warning values-image-tag tag is latest\n"
        "Found 1 error, 1 warning.\n"
    )
    assert render([], "text") == ""


def test_github() -> None:
    assert render(PROBLEMS, "github").splitlines() == [
        "::error file=Chart.yaml,line=1,col=1,title=chart-version::"
        "not SemVer:\\x1b[31m 1.x (hint: use 1.2.3)",
        "::warning file=envs/prod/values.yaml,line=3,col=5,title=values-image-tag::tag is latest",
    ]


def test_json() -> None:
    report = json.loads(render(PROBLEMS, "json"))
    assert [p["rule"] for p in report["problems"]] == ["chart-version", "values-image-tag"]
    assert report["problems"][0]["hint"] == "use 1.2.3"


def test_sarif() -> None:
    run = json.loads(render(PROBLEMS, "sarif", rule_help={"chart-version": "Chart version"}))[
        "runs"
    ][0]
    assert [r["level"] for r in run["results"]] == ["error", "warning"]
    assert run["tool"]["driver"]["rules"][0]["shortDescription"] == {"text": "Chart version"}
    assert len({r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]}) == 2


def test_gitlab() -> None:
    issues = json.loads(render(PROBLEMS, "gitlab"))
    assert [(i["severity"], i["location"]["path"]) for i in issues] == [
        ("major", "Chart.yaml"),
        ("minor", "envs/prod/values.yaml"),
    ]


def test_junit() -> None:
    suite = ET.fromstring(render(PROBLEMS, "junit")).find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == "2"
    empty = ET.fromstring(render([], "junit")).find("testsuite/testcase")
    assert empty is not None and empty.get("name") == "no problems"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_registered_format_has_its_module(fmt: str) -> None:
    assert REPORTER_BY_NAME[fmt].__name__ in {
        "text",
        "json_report",
        "sarif",
        "github",
        "junit",
        "gitlab",
    }
    output = render(PROBLEMS, fmt)  # imports launchgen.report.<module>
    assert "chart-version" in output
    assert "\x1b" not in output  # terminal escapes from input never pass
