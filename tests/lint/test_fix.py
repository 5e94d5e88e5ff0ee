"""--fix: mechanical edits only, every other byte preserved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from launchgen.lint import lint, lint_repos


def test_quote_app_version_preserving_everything_else(app: Path) -> None:
    chart = app / "Chart.yaml"
    original = chart.read_bytes()
    unquoted = original.replace(
        b'appVersion: "0.0.0-launch.placeholder"', b"appVersion: 0.0.0-launch.placeholder  # x"
    )
    crlf = unquoted.replace(b"\n", b"\r\n")
    chart.write_bytes(crlf)
    results = lint_repos([str(app)], fix=True, cache=False)
    assert results[0].fixed == ["Chart.yaml"]
    assert results[0].problems == [] or all(p.rule == "yaml-lint" for p in results[0].problems)
    assert chart.read_bytes() == crlf.replace(
        b"appVersion: 0.0.0-launch.placeholder", b'appVersion: "0.0.0-launch.placeholder"'
    )


def test_restore_placeholder_and_api_version(app: Path) -> None:
    chart = app / "Chart.yaml"
    text = chart.read_text()
    chart.write_text(
        text.replace('"0.0.0-launch.placeholder"', "'1.2.3'").replace(
            "apiVersion: v2", "apiVersion: v1"
        )
    )
    assert lint([str(app)], fix=True, cache=False, yamllint=False) == []
    assert chart.read_text() == text


def test_remove_bom(props: Path) -> None:
    values = props / "envs" / "dev" / "values.yaml"
    data = values.read_bytes()
    values.write_bytes(b"\xef\xbb\xbf" + data)
    assert lint([str(props)], fix=True, cache=False) == []
    assert values.read_bytes() == data


@pytest.mark.parametrize(
    "seed", ["0", "3"]
)  # hash seeds under which one pass kept the quotes' edit
def test_one_run_reaches_a_fixed_point(app: Path, seed: str) -> None:
    """An unquoted real version needs two fixes on one span (placeholder, quotes): one run,
    whichever edit a pass applies first."""
    chart = app / "Chart.yaml"
    text = chart.read_text()
    chart.write_text(text.replace('"0.0.0-launch.placeholder"', "1.2.3"))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "launchgen",
            "lint",
            "--fix",
            "--no-cache",
            "--no-yamllint",
            str(app),
        ],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (run.returncode, run.stdout, run.stderr) == (
        0,
        "All checks passed!\n",
        "fixed Chart.yaml\n",
    )
    assert chart.read_text() == text
    results = lint_repos([str(app)], fix=True, cache=False, yamllint=False)
    assert results[0].fixed == [] and results[0].problems == []


def test_fix_never_writes_through_a_symlink(app: Path) -> None:
    """As lint-md and others do for untrusted repos: a link is never replaced nor written
    through; the file it points to is fixed when it is linted itself."""
    chart = app / "Chart.yaml"
    real = app / "chart-real.yaml"
    real.write_text(
        chart.read_text().replace('"0.0.0-launch.placeholder"', "0.0.0-launch.placeholder")
    )
    chart.unlink()
    chart.symlink_to("chart-real.yaml")
    before = real.read_bytes()
    results = lint_repos([str(chart)], fix=True, cache=False, yamllint=False)
    assert chart.is_symlink() and real.read_bytes() == before
    assert results[0].fixed == [] and results[0].not_fixed == ["Chart.yaml"]
    assert [p.rule for p in results[0].problems] == ["chart-app-version-quoted"]
