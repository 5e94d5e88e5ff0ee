"""`launchgen new`: generate a service's repos, never losing the user's work.

Everything is generated into a temporary folder next to the destination and moved into
place only when all of it succeeded, so a failure half-way leaves nothing behind.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from launchgen.errors import WouldOverwriteError
from launchgen.files import is_empty_dir, merge_tree_without_overwrite
from launchgen.scaffold.answers import Answers
from launchgen.scaffold.repos import app_repo, properties_repo

__all__ = ["Answers", "Generated", "new"]


@dataclass
class Generated:
    """One repo `new` wrote: where, its commit (if any), and files it left alone."""

    path: Path
    commit: str | None = None
    kept: list[Path] = field(default_factory=list)


def new(answers: Answers, output_dir: Path, *, force: bool = False, git: bool = True) -> list[Generated]:
    """Generate the repos for `answers` under `output_dir`."""
    answers.validate()
    output_dir.mkdir(parents=True, exist_ok=True)
    names = [answers.name, f"{answers.name}-properties"] if answers.kind == "app" else [f"{answers.name}-properties"]
    destinations = [output_dir / n for n in names]
    for dest in destinations:
        if dest.exists() and not is_empty_dir(dest) and not force:
            raise WouldOverwriteError(
                "refusing to write into a non-empty folder (--force adds missing files, never overwrites)",
                path=str(dest),
            )
        if dest.exists() and not dest.is_dir():
            raise WouldOverwriteError("exists and is not a folder", path=str(dest))

    staging = Path(tempfile.mkdtemp(dir=output_dir, prefix=".launchgen-new-"))
    try:
        built = []
        if answers.kind == "app":
            built.append(app_repo(answers, staging))
        built.append(properties_repo(answers, staging))
        return _move_into_place(built, destinations, answers, git)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(built: list[Path], destinations: list[Path], answers: Answers, git: bool) -> list[Generated]:
    from launchgen.scaffold.gitinit import init_and_commit

    message = f"Generate {answers.name} with launchgen"
    results: list[Generated] = []
    moved: list[Path] = []
    try:
        for source, dest in zip(built, destinations):
            if dest.exists() and not is_empty_dir(dest):
                # --force: add what is missing, leave everything present untouched.
                _, kept = merge_tree_without_overwrite(source, dest)
                results.append(Generated(dest, kept=kept))
                continue
            commit = init_and_commit(source, message) if git else None
            if dest.exists():
                dest.rmdir()
            source.rename(dest)
            moved.append(dest)
            results.append(Generated(dest, commit=commit))
    except BaseException:
        for dest in moved:
            shutil.rmtree(dest, ignore_errors=True)
        raise
    return results
