"""The Launch chart's version: one number everywhere launchgen pins it, a vendored chart
only ever packaged under its own version, and `launchgen update` of an older pin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from launchgen import resources
from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from launchgen.scaffold import new
from launchgen.standard import LAUNCH_CHART_NAME
from tests.conftest import make_answers
from tests.helpers.cli import invoke

VENDORED = f"charts/launch-microservice-{BUILTIN_LAUNCH_CHART_VERSION}.tgz"


def test_the_shipped_chart_version_is_the_one_pinned_by_default() -> None:
    chart = yaml.safe_load((resources.chart_dir(LAUNCH_CHART_NAME) / "Chart.yaml").read_text())
    cookiecutter = json.loads((resources.template_dir("app") / "cookiecutter.json").read_text())
    assert chart["version"] == BUILTIN_LAUNCH_CHART_VERSION == "1.1.0"
    assert cookiecutter["launch_chart_version"] == BUILTIN_LAUNCH_CHART_VERSION
    readme = (resources.chart_dir(LAUNCH_CHART_NAME) / "README.md").read_text()
    assert f"- **{BUILTIN_LAUNCH_CHART_VERSION}**:" in readme  # its Changes entry


def test_another_pin_needs_a_chart_repository(tmp_path: Path) -> None:
    refused = invoke("new", "checkout", "-o", tmp_path, "--launch-chart-version", "1.0.0")
    assert refused.exit_code == 2, refused.output
    assert "without --chart-repository" in refused.output and "Traceback" not in refused.output
    assert not (tmp_path / "checkout").exists()
    pinned = invoke(
        "new", "checkout", "-o", tmp_path, "--launch-chart-version", "1.0.0",
        "--chart-repository", "https://charts.example.com/launch",
    )  # fmt: skip
    assert pinned.exit_code == 0, pinned.output
    chart = yaml.safe_load((tmp_path / "checkout" / "Chart.yaml").read_text())
    assert chart["dependencies"][0]["version"] == "1.0.0"
    assert not (tmp_path / "checkout" / "charts").exists()


def test_update_keeps_the_vendored_chart_of_an_older_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repo vendoring chart N, updated by a launchgen shipping N+1, keeps chart N and
    its schema byte for byte: N+1's files are never packaged under N's name."""
    new(make_answers(), tmp_path)
    app = tmp_path / "checkout"
    before = {p: (app / p).read_bytes() for p in (VENDORED, "values.schema.json", "Chart.lock")}
    shipped_next = tmp_path / "next" / LAUNCH_CHART_NAME
    shutil.copytree(resources.chart_dir(LAUNCH_CHART_NAME), shipped_next)
    chart_yaml = shipped_next / "Chart.yaml"
    chart_yaml.write_text(
        chart_yaml.read_text().replace(
            f"version: {BUILTIN_LAUNCH_CHART_VERSION}\n", "version: 9.0.0\n"
        )
    )
    schema = shipped_next / "values.schema.json"
    schema.write_text(schema.read_text().replace('"title": ', '"$comment": "9.0.0", "title": '))
    monkeypatch.setattr("launchgen.scaffold.answers.BUILTIN_LAUNCH_CHART_VERSION", "9.0.0")
    monkeypatch.setattr("launchgen.scaffold.repos.chart_dir", lambda name: shipped_next)
    result = invoke("update", app)
    assert result.exit_code == 0, result.output
    assert {p: (app / p).read_bytes() for p in before} == before
    assert sorted(p.name for p in (app / "charts").iterdir()) == [Path(VENDORED).name]
    # The same launchgen, asked for a new repo, vendors what it ships: 9.0.0, as 9.0.0.
    new(make_answers(launch_chart_version="9.0.0"), tmp_path / "fresh")
    fresh = tmp_path / "fresh" / "checkout"
    assert [p.name for p in (fresh / "charts").iterdir()] == ["launch-microservice-9.0.0.tgz"]
    assert (fresh / "values.schema.json").read_text() == schema.read_text()
