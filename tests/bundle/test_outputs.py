"""package and keygen outputs: nothing overwritten without --force, nothing read from outside
the render (items 5, 6)."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from launchgen.bundle import verify
from tests.helpers.cli import invoke


def _run(*args: str) -> tuple[int, str]:
    result = invoke(*list(args))
    return result.exit_code, result.output


def _one_line(output: str) -> bool:
    return (
        len(output.strip().splitlines()) == 1
        and "internal error" not in output
        and "Traceback" not in output
    )


# keygen: no helm needed


def test_keygen_never_overwrites_without_force(tmp_path: Path) -> None:
    assert _run("keygen", "-o", str(tmp_path / "k"))[0] == 0
    private = (tmp_path / "k.key").read_bytes()
    code, output = _run("keygen", "-o", str(tmp_path / "k"))
    assert code == 2 and _one_line(output) and "k.key exists: pass --force to replace it" in output
    assert (tmp_path / "k.key").read_bytes() == private
    code, output = _run("keygen", "-o", str(tmp_path / "k"), "--force")
    assert code == 0 and (tmp_path / "k.key").read_bytes() != private
    assert stat.S_IMODE((tmp_path / "k.key").stat().st_mode) == 0o600


def test_keygen_refuses_a_dangling_symlink_and_force_replaces_the_link_not_its_target(
    tmp_path: Path,
) -> None:
    (tmp_path / "k.pub").symlink_to(tmp_path / "elsewhere" / "target.pub")
    code, output = _run("keygen", "-o", str(tmp_path / "k"))
    assert code == 2 and _one_line(output) and "k.pub exists (a symlink)" in output
    assert not (tmp_path / "k.key").exists()
    assert _run("keygen", "-o", str(tmp_path / "k"), "--force")[0] == 0
    assert not (tmp_path / "k.pub").is_symlink() and not (tmp_path / "elsewhere").exists()


def test_keygen_into_a_path_below_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    code, output = _run("keygen", "-o", str(tmp_path / "afile" / "sub"))
    assert code == 2 and _one_line(output) and "afile is not a folder" in output


def test_keygen_through_a_dangling_symlinked_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    code, output = _run("keygen", "-o", str(tmp_path / "gone" / "k"))
    assert code == 2 and _one_line(output) and "cannot write" in output


# package: a real render


@pytest.fixture
def render_copy(rendered: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "render"
    shutil.copytree(rendered, copy, symlinks=True)
    return copy


def _package(render: Path, out: Path, key: Path, *extra: str) -> tuple[int, str]:
    return _run("package", str(render), "-o", str(out), "--key", str(key), "--no-validate", *extra)


@pytest.mark.helm
def test_package_refuses_to_overwrite_the_private_key(
    rendered: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    key = tmp_path / "signing.key"
    shutil.copy(key_pair[0], key)
    before = key.read_bytes()
    for force in ((), ("--force",)):
        code, output = _package(rendered, key, key, *force)
        assert code == 2 and _one_line(output), output
        assert key.read_bytes() == before
    code, output = _package(rendered, tmp_path / "link.key", key)
    assert code == 0  # a new name is fine...
    (tmp_path / "alias.key").symlink_to(key)
    code, output = _package(rendered, tmp_path / "alias.key", key, "--force")
    assert (
        code == 2 and "is the signing key" in output and key.read_bytes() == before
    )  # ...an alias of the key is not


@pytest.mark.helm
def test_package_refuses_to_overwrite_the_render(
    render_copy: Path, key_pair: tuple[Path, Path]
) -> None:
    record = (render_copy / "render.json").read_bytes()
    for target in ("render.json", "manifests/new.tar.gz"):
        code, output = _package(render_copy, render_copy / target, key_pair[0], "--force")
        assert code == 2 and _one_line(output) and "is part of the render it packages" in output
    assert (render_copy / "render.json").read_bytes() == record
    assert not (render_copy / "manifests" / "new.tar.gz").exists()


@pytest.mark.helm
def test_package_overwrites_a_bundle_only_with_force(
    rendered: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "b.tar.gz"
    out.write_bytes(b"precious")
    code, output = _package(rendered, out, key_pair[0])
    assert (
        code == 2 and _one_line(output) and "b.tar.gz exists: pass --force to replace it" in output
    )
    assert out.read_bytes() == b"precious"
    assert _package(rendered, out, key_pair[0], "--force")[0] == 0
    assert verify(out, key_pair[1]).parameters["service"] == "checkout"


@pytest.mark.helm
def test_package_to_a_dangling_symlink_or_below_a_file_is_one_line(
    rendered: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    (tmp_path / "dangling.tar.gz").symlink_to(tmp_path / "missing" / "x")
    code, output = _package(rendered, tmp_path / "dangling.tar.gz", key_pair[0])
    assert code == 2 and _one_line(output) and "exists (a symlink)" in output
    (tmp_path / "afile").write_text("x")
    code, output = _package(rendered, tmp_path / "afile" / "sub", key_pair[0])
    assert code == 2 and _one_line(output) and "afile is not a folder" in output


@pytest.mark.helm
@pytest.mark.parametrize(
    "how", ["listed", "symlinked-manifest", "symlinked-input", "symlinked-folder"]
)
def test_package_reads_nothing_from_outside_the_render(
    how: str, render_copy: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n")
    record = json.loads((render_copy / "render.json").read_text())
    manifest = render_copy / record["manifests"][0]
    if how == "listed":
        record["manifests"].append(os.path.relpath(secret, render_copy))
        (render_copy / "render.json").write_text(json.dumps(record))
    elif how == "symlinked-manifest":
        manifest.unlink()
        manifest.symlink_to(secret)
    elif how == "symlinked-input":
        (render_copy / "inputs" / "values-prod.yaml").unlink()
        (render_copy / "inputs" / "values-prod.yaml").symlink_to(secret)
    else:
        shutil.move(str(render_copy / "inputs"), str(tmp_path / "inputs"))
        (render_copy / "inputs").symlink_to(tmp_path / "inputs")
    out = tmp_path / "b.tar.gz"
    code, output = _package(render_copy, out, key_pair[0])
    assert code == 2 and _one_line(output), output
    assert "outside the render folder" in output or "is not a file name under manifests/" in output
    assert not out.exists()


@pytest.mark.helm
def test_package_render_record_of_the_wrong_shape_is_one_line(
    render_copy: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    record = json.loads((render_copy / "render.json").read_text())
    for field, value in [
        ("chart", ["x"]),
        ("manifests", "manifests/a.yaml"),
        ("service", "Checkout\nx"),
    ]:
        changed = {**record, field: value}
        (render_copy / "render.json").write_text(json.dumps(changed))
        code, output = _package(render_copy, tmp_path / "b.tar.gz", key_pair[0])
        assert code == 2 and _one_line(output), output
    assert not (tmp_path / "b.tar.gz").exists()
