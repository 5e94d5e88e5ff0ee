"""`launchgen new`: generate a service's repos, never losing the user's work.

Everything is generated (and committed) in a staging folder next to the destinations,
then published: each repo is renamed into place, the app repo and the properties repo
together or not at all. Publishing and removing the staging folder run with SIGINT
and SIGTERM held (`launchgen.interrupts.signals_deferred`), so a cancelled CI job or a
Ctrl-C leaves either both repos or neither, and no staging folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from launchgen.errors import LaunchgenError, WouldOverwriteError
from launchgen.files import is_empty_dir, merge_tree_without_overwrite
from launchgen.interrupts import signals_deferred
from launchgen.scaffold.answers import Answers
from launchgen.scaffold.repos import app_repo, properties_repo

__all__ = ["Answers", "Generated", "new"]

STAGING_PREFIX = ".launchgen-new-"


@dataclass
class Generated:
    """One repo `new` wrote: where, its commit (if any), and files it left alone."""

    path: Path
    commit: str | None = None
    kept: list[Path] = field(default_factory=list)


def new(
    answers: Answers, output_dir: Path, *, force: bool = False, git: bool = True
) -> list[Generated]:
    """Generate the repos for `answers` under `output_dir`."""
    answers.validate()
    _make_output_dir(output_dir)
    names = (
        [answers.name, f"{answers.name}-properties"]
        if answers.kind == "app"
        else [f"{answers.name}-properties"]
    )
    destinations = [output_dir / n for n in names]
    for dest in destinations:
        _check_destination(dest, force)

    staging: Path | None = None
    try:
        with signals_deferred():
            staging = Path(tempfile.mkdtemp(dir=output_dir, prefix=STAGING_PREFIX))
        built = []
        if answers.kind == "app":
            built.append(app_repo(answers, staging))
        built.append(properties_repo(answers, staging))
        commits = _commit_all(built, destinations, answers, git)
        with signals_deferred():
            results = _publish(built, destinations, commits)
            _remove_tree(staging)
        return results
    finally:
        if staging is not None:
            with signals_deferred():
                _remove_tree(staging)


def _make_output_dir(output_dir: Path) -> None:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LaunchgenError(
            f"cannot create the output folder: {exc.strerror or exc}", path=str(output_dir)
        ) from None
    if not output_dir.is_dir():
        raise LaunchgenError("the output folder is not a folder", path=str(output_dir))


def _check_destination(dest: Path, force: bool) -> None:
    if dest.is_symlink():
        raise WouldOverwriteError(
            "is a symbolic link; launchgen new writes only real folders", path=str(dest)
        )
    if dest.exists() and not dest.is_dir():
        raise WouldOverwriteError("exists and is not a folder", path=str(dest))
    if dest.exists() and not is_empty_dir(dest) and not force:
        raise WouldOverwriteError(
            "refusing to write into a non-empty folder (--force adds missing files, never overwrites)",
            path=str(dest),
        )


def _commit_all(
    built: list[Path], destinations: list[Path], answers: Answers, git: bool
) -> list[str | None]:
    """The initial commit of each staged repo that will be published whole (not --force merged)."""
    from launchgen.scaffold.gitinit import init_and_commit

    message = f"Generate {answers.name} with launchgen"
    return [
        init_and_commit(source, message)
        if git and not (dest.exists() and not is_empty_dir(dest))
        else None
        for source, dest in zip(built, destinations, strict=False)
    ]


def _publish(
    built: list[Path], destinations: list[Path], commits: list[str | None]
) -> list[Generated]:
    """Rename every staged repo into place; on any failure put the ones moved back."""
    results: list[Generated] = []
    moved: list[tuple[Path, Path, bool]] = []  # (staged, dest, dest was an empty folder)
    try:
        for source, dest, commit in zip(built, destinations, commits, strict=False):
            if dest.exists() and not is_empty_dir(dest):
                # --force: add what is missing, leave everything present untouched.
                _, kept = merge_tree_without_overwrite(source, dest)
                results.append(Generated(dest, kept=kept))
                continue
            was_empty = dest.is_dir()
            os.rename(source, dest)  # atomically replaces an empty folder
            moved.append((source, dest, was_empty))
            results.append(Generated(dest, commit=commit))
    except OSError as exc:
        for source, dest, was_empty in reversed(moved):
            os.rename(dest, source)
            if was_empty:
                dest.mkdir()
        raise LaunchgenError(
            f"cannot move the generated repo into place: {exc.strerror or exc}",
            path=str(exc.filename) if exc.filename else None,
        ) from None
    return results


def _remove_tree(path: Path) -> None:
    """Remove `path`, retrying briefly: a git process cut short may still be writing in it."""
    for _ in range(5):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            return
        time.sleep(0.05)
