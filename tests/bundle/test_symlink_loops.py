"""Symbolic link loops where package reads or writes: one line, exit 2, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers.cli import invoke


def _package(*args: str | Path) -> tuple[int, str]:
    result = invoke("package", *map(str, args))
    return result.exit_code, result.output


def test_loops_in_the_render_and_at_the_output(
    rendered: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    signing_key = key_pair[0]
    render = tmp_path / "render"
    shutil.copytree(rendered, render)
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    code, output = _package(render, "--key", signing_key, "-o", loop)
    assert code == 2 and "symbolic link loop" in output and "internal error" not in output, output
    assert loop.is_symlink()
    (render / "render.json").unlink()
    (render / "render.json").symlink_to("render.json")
    code, output = _package(render, "--key", signing_key, "-o", tmp_path / "b.tar.gz")
    assert code == 2 and "internal error" not in output, output
    assert not (tmp_path / "b.tar.gz").exists()
