"""Writing a bundle or a key: atomically, and never over an existing file unless forced.

`-o` could name the signing key, the render's own files, or a symlink to anything;
without `--force` nothing that exists (a dangling symlink included) is replaced, and
the no-overwrite check is the atomic `link()` of the finished temporary file, so a
file appearing meanwhile is not replaced either. With `--force` the rename replaces
the name itself: a symlink there is replaced, never written through. Every failure is
one line naming the file (exit 2), never a traceback.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from launchgen.display import printable
from launchgen.errors import LaunchgenError, WouldOverwriteError


def check_free(path: Path, force: bool) -> None:
    """Refuse now, before any work, when writing `path` would fail or overwrite."""
    shown = printable(str(path))
    if path.is_symlink():
        if not force:
            raise WouldOverwriteError(f"{shown} exists (a symlink): pass --force to replace it")
    elif path.exists():
        if path.is_dir():
            raise WouldOverwriteError(f"{shown} is a folder, not a file")
        if not force:
            raise WouldOverwriteError(f"{shown} exists: pass --force to replace it")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise LaunchgenError(
                    f"cannot write {shown}: {printable(str(parent))} is not a folder"
                )
            break


def umask_mode() -> int:
    """The mode a plain open() gives a new file (mkstemp would make it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write(path: Path, data: bytes, *, mode: int | None = None, force: bool = False) -> None:
    """Write `data` to `path` (mode `mode`, else the umask's) through a temporary file in the same folder."""
    check_free(path, force)
    mode = umask_mode() if mode is None else mode
    shown = printable(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise LaunchgenError(f"cannot write {shown}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if force:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path, shown)
    except OSError as exc:
        raise LaunchgenError(f"cannot write {shown}: {exc.strerror}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _link_new(tmp: str, path: Path, shown: str) -> None:
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise WouldOverwriteError(f"{shown} exists: pass --force to replace it") from None
    except OSError as exc:
        if exc.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EXDEV,
            errno.EMLINK,
        ):
            raise
        # a filesystem without hard links: check, then rename (a narrow race, on the user's own disk)
        if os.path.lexists(path):
            raise WouldOverwriteError(f"{shown} exists: pass --force to replace it") from None
        os.replace(tmp, path)


def remove(path: Path) -> None:
    """Undo a write of ours (a key pair half written)."""
    path.unlink(missing_ok=True)
