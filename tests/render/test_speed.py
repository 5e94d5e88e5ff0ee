"""What keeps `launchgen render` fast (issue 15): no GitPython or ruamel.yaml import for
a local render, the commit read with one background `git status`, still exact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from launchgen.render import RenderRequest, render
from tests.helpers.gitrepo import commit, git
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm


def _record(props: Path, out: Path) -> dict[str, Any]:
    render(
        RenderRequest(
            properties=str(props),
            app_version="1.0.0",
            environments=("dev",),
            output_dir=out,
            helm=str(tool("helm4")),
            lint=False,
        )
    )
    record: dict[str, Any] = json.loads((out / "dev" / "render.json").read_text())
    return record


def test_commit_and_dirty_state_of_local_repos(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _app, props = app_repos
    head = git(props, "rev-parse", "HEAD")
    repos = _record(props, tmp_path / "a")["repos"]
    assert repos["properties"] == {
        "uri": str(props.resolve()),
        "ref": None,
        "commit": head,
        "dirty": False,
    }
    assert repos["app"]["dirty"] is False and len(repos["app"]["commit"]) == 40
    (props / "notes.txt").write_text("untracked\n")
    assert _record(props, tmp_path / "b")["repos"]["properties"]["dirty"] is True
    committed = commit(props, "notes")
    assert _record(props, tmp_path / "c")["repos"]["properties"] == {
        "uri": str(props.resolve()),
        "ref": None,
        "commit": committed,
        "dirty": False,
    }
    values = props / "envs" / "dev" / "values.yaml"
    values.write_text(values.read_text() + "# edited\n")
    assert _record(props, tmp_path / "d")["repos"]["properties"]["dirty"] is True


def test_a_folder_outside_git_has_no_commit(app_repos: tuple[Path, Path], tmp_path: Path) -> None:
    import shutil

    _, props = app_repos
    shutil.rmtree(props / ".git")
    assert _record(props, tmp_path / "a")["repos"]["properties"]["commit"] is None


def test_the_render_command_imports_neither_gitpython_nor_ruamel(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    code = (
        "import sys\n"
        "from launchgen.cli import main\n"
        "try:\n"
        f"    main(['render', {str(props)!r}, '--app-version', '1.0.0', '--no-lint', '--helm', {str(tool('helm4'))!r},"
        f" '-o', {str(tmp_path / 'out')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in sys.modules if m == 'git' or m.startswith(('git.', 'ruamel'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout
    assert (tmp_path / "out" / "prod" / "render.json").is_file()


def test_helm_is_started_once_per_environment_and_its_version_remembered(
    app_repos: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import time

    _, props = app_repos
    log = tmp_path / "helm.log"
    wrapper = tmp_path / "helm"
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {tool("helm4")} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def run(out: str) -> list[str]:
        log.unlink(missing_ok=True)
        render(
            RenderRequest(
                properties=str(props),
                app_version="1.0.0",
                output_dir=tmp_path / out,
                helm=str(wrapper),
                lint=False,
            )
        )
        assert json.loads((tmp_path / out / "prod" / "render.json").read_text())[
            "helm_version"
        ].startswith("v4.")
        return sorted(log.read_text().split())

    assert run("a") == ["template", "template", "template", "version"]
    assert run("b") == ["template", "template", "template"]
    later = time.time() + 5
    os.utime(wrapper, (later, later))  # a replaced helm is asked again
    assert run("c") == ["template", "template", "template", "version"]


def test_lint_gate_overlapping_helm_still_refuses_and_writes_nothing(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    from launchgen.render import LintRefusal
    from launchgen.standard import APP_VERSION_PLACEHOLDER

    app, props = app_repos
    (app / "Chart.yaml").write_text(
        (app / "Chart.yaml").read_text().replace(APP_VERSION_PLACEHOLDER, "1.0.0")
    )
    with pytest.raises(LintRefusal, match="lint error"):
        render(
            RenderRequest(
                properties=str(props),
                app_version="1.0.0",
                output_dir=tmp_path / "out",
                helm=str(tool("helm4")),
                lint=True,
            )
        )
    assert not (tmp_path / "out").exists()
