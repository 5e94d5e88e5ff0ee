"""File writes that never leave a half-written file or clobber the user's work."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _default_mode(path: Path) -> int:
    """The mode a replaced file keeps, or what a plain open() would give a new one.

    mkstemp creates 0600 files; without this a rewrite would quietly make a 0644 file private.
    """
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, data: bytes | str, mode: int | None = None) -> None:
    """Write `data` to `path` through a temporary file and a rename in the same folder."""
    if isinstance(data, str):
        data = data.encode()
    if mode is None:
        mode = _default_mode(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def merge_tree_without_overwrite(src: Path, dst: Path) -> tuple[list[Path], list[Path]]:
    """Move files from `src` into the existing `dst`, never replacing a file already there.

    Returns (added, kept): the files moved in, and the files left alone because `dst`
    already had them.
    """
    added: list[Path] = []
    kept: list[Path] = []
    for source in sorted(src.rglob("*")):
        if source.is_dir() and not source.is_symlink():
            continue
        relative = source.relative_to(src)
        target = dst / relative
        if target.exists() or target.is_symlink():
            kept.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), str(target))
        added.append(relative)
    return added, kept
