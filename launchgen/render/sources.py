"""Where the app and properties repos come from: a local folder, or a git URL at a ref.

A git URL is cloned with GitPython into a temporary folder and checked out at the
ref (as the helm-git plugin reads values files straight from git); the commit read
is recorded so the deployment artifact says exactly what it was built from.
"""

from __future__ import annotations

import re
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from launchgen.errors import LaunchgenError, ToolError

_URL = re.compile(r"^([a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


@dataclass(frozen=True)
class RepoSource:
    """A repo checked out on disk: its folder, what the user named, the commit read.

    For a local folder the commit is read in the background: importing GitPython and
    asking git overlap with preparing the chart and helm's renders.
    """

    path: Path
    origin: str
    ref: str | None
    _state: Future[tuple[str | None, bool]] = field(repr=False, compare=False)

    @property
    def commit(self) -> str | None:
        return self._state.result()[0]

    @property
    def dirty(self) -> bool:
        return self._state.result()[1]

    def provenance(self) -> dict[str, object]:
        return {"uri": self.origin, "ref": self.ref, "commit": self.commit, "dirty": self.dirty}


def _known(commit: str | None, dirty: bool) -> Future[tuple[str | None, bool]]:
    done: Future[tuple[str | None, bool]] = Future()
    done.set_result((commit, dirty))
    return done


def is_git_url(location: str) -> bool:
    return bool(_URL.match(location))


def open_repo(location: str, ref: str | None, stack: ExitStack, what: str) -> RepoSource:
    """The repo at `location` (folder or git URL), checked out at `ref` when given."""
    if is_git_url(location) or ref:
        return _clone(location, ref, stack, what)
    path = Path(location)
    if not path.is_dir():
        raise LaunchgenError(f"{what} {location} is not a folder or a git URL")
    if not (path / ".git").exists():
        return RepoSource(path.resolve(), str(path.resolve()), None, _known(None, False))
    pool = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="launchgen-git"))
    return RepoSource(path.resolve(), str(path.resolve()), None, pool.submit(_local_commit, path))


def _local_commit(path: Path) -> tuple[str | None, bool]:
    """HEAD's commit and whether the work tree differs, or (None, False) outside git."""
    if not (path / ".git").exists():
        return None, False
    import git

    try:
        repo = git.Repo(path)
        return repo.head.commit.hexsha, repo.is_dirty(untracked_files=True)
    except (git.GitError, ValueError):
        return None, False


def _clone(location: str, ref: str | None, stack: ExitStack, what: str) -> RepoSource:
    import git

    url = location if is_git_url(location) else str(Path(location).resolve())
    target = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="launchgen-repo-")))
    try:
        repo = git.Repo.clone_from(url, target, no_checkout=True)
        repo.git.checkout(ref or "HEAD", "--")
        commit = repo.head.commit.hexsha
    except git.GitCommandError as exc:
        message = " ".join(str(exc.stderr).split()).strip("'\" ") or str(exc)
        raise ToolError(f"cannot read {what} {location}{f' at {ref}' if ref else ''}: {message}") from None
    except (git.GitError, ValueError) as exc:
        raise ToolError(f"cannot read {what} {location}: {exc}") from None
    return RepoSource(target, location, ref, _known(commit, False))
