"""The render output on disk: checked before any work, each environment's folder
replaced as a whole (written beside it, then renamed into place)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from launchgen.errors import WouldOverwriteError
from launchgen.standard import RENDER_RECORD


def check_destination(output_dir: Path, environments: Sequence[str]) -> None:
    """Refuse, before any work, an output folder render could not or must not write:
    a parent that is a file, a symbolic link where a folder goes, someone else's folder."""
    for folder in [*reversed(output_dir.parents), output_dir]:
        if folder.is_symlink() and not folder.exists():
            raise WouldOverwriteError(
                f"{folder} is a dangling symbolic link: choose another --output-dir"
            )
        if folder.exists() and not folder.is_dir():
            raise WouldOverwriteError(f"{folder} is not a folder: choose another --output-dir")
    for env in environments:
        target = output_dir / env
        if target.is_symlink():
            raise WouldOverwriteError(f"{target} is a symbolic link: choose another --output-dir")
        if target.exists() and not target.is_dir():
            raise WouldOverwriteError(f"{target} is not a folder: choose another --output-dir")
        if target.is_dir() and any(target.iterdir()) and not (target / RENDER_RECORD).is_file():
            raise WouldOverwriteError(
                f"{target} exists and is not a launchgen render output: choose another --output-dir"
            )


def replace_folder(target: Path, files: dict[str, bytes]) -> None:
    """Write `files` as the whole of `target`, replacing an earlier render of ours."""
    check_destination(target.parent, [target.name])
    try:
        _write_folder(target, files)
    except OSError as exc:
        raise WouldOverwriteError(f"cannot write {target}: {exc.strerror or exc}") from None


def _write_folder(target: Path, files: dict[str, bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
