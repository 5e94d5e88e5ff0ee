"""Reading a render output folder for `package`: only files inside it, only as listed.

render.json lists the manifests to bundle; a name in it such as `../../etc/hostname`,
or a symlink in the folder pointing elsewhere, would put a file from outside the
render into a signed bundle. Every file read must be a regular file whose real path
lies inside the folder's real path, under its launchgen name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from launchgen.bundle.archive import safe_name
from launchgen.display import printable
from launchgen.errors import LaunchgenError
from launchgen.standard import RENDER_RECORD

MANIFESTS = "manifests"
INPUTS = "inputs"


def _shown(path: Path | str) -> str:
    return printable(str(path))


def _inside(root: Path, real_root: Path, name: str) -> Path:
    """The path of `name` in `root`, refused unless it is a regular file really inside `root`."""
    path = root / name
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise LaunchgenError(
            f"{_shown(root)}: {_shown(name)} is listed in {RENDER_RECORD} but missing"
        ) from None
    if not real.is_relative_to(real_root):
        raise LaunchgenError(
            f"{_shown(root)}: {_shown(name)} leads outside the render folder (to {_shown(real)})"
        )
    if not real.is_file():
        raise LaunchgenError(f"{_shown(root)}: {_shown(name)} is not a regular file")
    return real


def _read(root: Path, real_root: Path, name: str) -> bytes:
    try:
        return _inside(root, real_root, name).read_bytes()
    except OSError as exc:
        raise LaunchgenError(f"cannot read {_shown(root / name)}: {exc.strerror}") from None


def _record(root: Path, real_root: Path) -> dict[str, Any]:
    if not (root / RENDER_RECORD).exists():
        raise LaunchgenError(f"{_shown(root)} is not a launchgen render output: no {RENDER_RECORD}")
    try:
        record = json.loads(_read(root, real_root, RENDER_RECORD))
    except (ValueError, RecursionError):
        raise LaunchgenError(f"{_shown(root / RENDER_RECORD)} is not valid JSON") from None
    if not isinstance(record, dict):
        raise LaunchgenError(f"{_shown(root / RENDER_RECORD)} is not a JSON object")
    repos = record.get("repos")
    shapes = [
        ("chart", record.get("chart"), dict),
        ("repos", repos, dict),
        ("values", record.get("values"), list),
    ]
    if isinstance(repos, dict):
        shapes += [(f"repos.{name}", repos.get(name), dict) for name in ("app", "properties")]
    for field, value, kind in shapes:
        if value is not None and not isinstance(value, kind):
            raise LaunchgenError(
                f"{_shown(root / RENDER_RECORD)}: {field} must be a JSON {'object' if kind is dict else 'array'}"
            )
    return record


def _listed(root: Path, record: dict[str, Any]) -> list[str]:
    listed = record.get("manifests")
    if not isinstance(listed, list) or not listed:
        raise LaunchgenError(
            f"{_shown(root)}: the render has no manifests ({RENDER_RECORD} lists none)"
        )
    for name in listed:
        if (
            not isinstance(name, str)
            or not safe_name(name)
            or name.count("/") != 1
            or not name.startswith(f"{MANIFESTS}/")
        ):
            raise LaunchgenError(
                f"{_shown(root / RENDER_RECORD)}: manifest {_shown(name)} is not a file name under {MANIFESTS}/"
            )
    return [str(name) for name in listed]


def _folder_files(root: Path, real_root: Path, folder: str) -> list[str]:
    """Names of the entries of `root/folder`, each checked to be a file inside the render."""
    directory = root / folder
    if not directory.exists():
        return []
    _inside_dir(root, real_root, folder)
    names = []
    for path in sorted(directory.iterdir()):
        name = f"{folder}/{path.name}"
        if not safe_name(name):
            raise LaunchgenError(f"{_shown(root)}: unexpected file name {_shown(name)}")
        if path.is_dir() and not path.is_symlink():
            continue
        _inside(root, real_root, name)
        names.append(name)
    return names


def _inside_dir(root: Path, real_root: Path, folder: str) -> None:
    try:
        real = (root / folder).resolve()
    except RuntimeError:  # a symlink loop, before Python 3.13
        raise LaunchgenError(f"{_shown(root)}: {folder}/ is a symbolic link loop") from None
    if not real.is_relative_to(real_root) or not real.is_dir():
        raise LaunchgenError(
            f"{_shown(root)}: {folder}/ leads outside the render folder (to {_shown(real)})"
        )


def read(root: Path) -> tuple[dict[str, Any], dict[str, bytes], dict[str, bytes]]:
    """(render.json, manifests, inputs) of the render output folder `root`."""
    try:
        real_root = root.resolve(strict=True)
    except (OSError, RuntimeError):
        raise LaunchgenError(
            f"{_shown(root)} is not a launchgen render output: no such folder"
        ) from None
    record = _record(root, real_root)
    listed = _listed(root, record)
    manifests = {name: _read(root, real_root, name) for name in listed}
    inputs = {name: _read(root, real_root, name) for name in _folder_files(root, real_root, INPUTS)}
    extra = sorted(set(_folder_files(root, real_root, MANIFESTS)) - set(listed))
    if extra:
        raise LaunchgenError(
            f"{_shown(root)}: {extra[0]} is not part of the render ({RENDER_RECORD} does not list it)"
        )
    return record, manifests, inputs
