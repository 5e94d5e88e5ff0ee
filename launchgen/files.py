"""File writes that never leave a half-written file or clobber the user's work."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


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


def _replace(path: Path, mode: int, fill: Callable[[BinaryIO], object]) -> None:
    """Fill a temporary file in `path`'s folder, fsync it, give it `mode`, rename it over `path`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes | str, mode: int | None = None) -> None:
    """Write `data` to `path` through a temporary file and a rename in the same folder."""
    payload = data.encode() if isinstance(data, str) else data
    resolved_mode = _default_mode(path) if mode is None else mode
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, resolved_mode, lambda handle: handle.write(payload))


def atomic_append(path: Path, source_fd: int | None, data: bytes, *, copy_length: int = 0) -> None:
    """Replace `path` with the first `copy_length` bytes of the open file `source_fd`
    followed by `data`, through a temporary file and a rename (the old file's mode kept).

    Copying from the descriptor that was read and checked (rather than reopening the
    path) writes exactly the bytes that were validated. Nothing is parsed or held in
    memory: the copy runs in the kernel.
    """

    def fill(handle: BinaryIO) -> None:
        if source_fd is not None and copy_length:
            handle.flush()
            _copy_range(source_fd, handle.fileno(), copy_length)
            handle.seek(copy_length)
        handle.write(data)

    _replace(path, _default_mode(path), fill)
    _fsync_dir(path.parent)


def _copy_range(source: int, target: int, length: int) -> None:
    offset = 0
    while offset < length:
        try:
            copied = os.copy_file_range(source, target, length - offset, offset, offset)
        except (AttributeError, OSError):
            copied = os.pwrite(
                target, os.pread(source, min(length - offset, 1 << 20), offset), offset
            )
        if copied == 0:
            raise OSError(f"the file shrank while it was copied ({offset} of {length} bytes)")
        offset += copied


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
