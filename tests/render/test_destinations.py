"""Issue 12: render never writes outside its work and output folders, and refuses
what it cannot write with one line (exit 2), before any helm call."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import Result

from launchgen.render.version import AppVersionError, check_app_version
from tests.helpers.cli import invoke
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm


def _cli(props: Path, *args: str | Path) -> Result:
    return invoke("render", str(props), "--helm", str(tool("helm4")), *(str(a) for a in args))


def _one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


@pytest.mark.parametrize("name", ["../escaped", "a/b", "/abs", "..", "-flag", "x..y", "with space"])
def test_chart_name_that_is_a_path_is_refused(
    app_repos: tuple[Path, Path], tmp_path: Path, name: str
) -> None:
    app, props = app_repos
    chart = app / "Chart.yaml"
    chart.write_text(chart.read_text().replace("name: checkout\n", f"name: {name!r}\n", 1))
    result = _cli(props, "--app-version", "1.0.0", "--no-lint", "-o", tmp_path / "out")
    _one_line_error(result, f"{chart}:", "invalid chart name")
    assert not (Path(tempfile.gettempdir()) / "escaped").exists()  # the work folder's parent


def test_chart_version_must_be_semver(app_repos: tuple[Path, Path], tmp_path: Path) -> None:
    app, props = app_repos
    chart = app / "Chart.yaml"
    chart.write_text(chart.read_text().replace("version: 0.1.0", "version: --set=x", 1))
    _one_line_error(
        _cli(props, "--app-version", "1.0.0", "--no-lint", "-o", tmp_path / "out"),
        f"{chart}:",
        "chart version",
    )


@pytest.mark.parametrize("version", ["1.0.0\n", "1.0.0 ", "1.0.0\n\n", "\n1.0.0"])
def test_app_version_with_a_trailing_newline_is_refused(version: str) -> None:
    with pytest.raises(AppVersionError):
        check_app_version(version)


def test_cli_app_version_with_a_newline_renders_nothing(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    result = _cli(props, "--app-version", "1.0.0\n", "--no-lint", "-o", tmp_path / "out")
    _one_line_error(result, "invalid --app-version")
    assert not (tmp_path / "out").exists()


def test_output_under_a_file_is_a_one_line_error(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    afile = tmp_path / "afile"
    afile.write_text("keep me\n")
    _one_line_error(
        _cli(props, "--app-version", "1.0.0", "--no-lint", "-o", afile / "sub"),
        f"{afile} is not a folder",
    )
    _one_line_error(
        _cli(props, "--app-version", "1.0.0", "--no-lint", "-o", afile), f"{afile} is not a folder"
    )
    assert afile.read_text() == "keep me\n"


def test_output_that_is_a_dangling_symlink_is_a_one_line_error(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    link = tmp_path / "out"
    os.symlink(tmp_path / "nowhere", link)
    _one_line_error(
        _cli(props, "--app-version", "1.0.0", "--no-lint", "-o", link), "dangling symbolic link"
    )
    assert not (tmp_path / "nowhere").exists()


def test_environment_folder_that_is_a_symlink_is_refused(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    os.symlink(elsewhere, out / "dev")  # dangling: a rename over it would land elsewhere's name
    _one_line_error(
        _cli(props, "--app-version", "1.0.0", "--no-lint", "-e", "dev", "-o", out), "symbolic link"
    )
    assert not elsewhere.exists()
    assert (out / "dev").is_symlink()
