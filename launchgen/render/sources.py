"""Where the app and properties repos come from: a local folder, or a git URL at a ref.

A git URL is cloned with GitPython into a temporary folder and checked out at the
ref (as the helm-git plugin reads values files straight from git); the commit read
is recorded so the deployment artifact says exactly what it was built from. A local
folder's commit and whether its work tree differs come from one `git status` run in
the background (no GitPython import: it costs more than the render itself).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from launchgen.errors import LaunchgenError, ToolError

_URL = re.compile(r"^([a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


@dataclass(frozen=True)
class RepoSource:
    """A repo checked out on disk: its folder, what the user named, the commit read.

    For a local folder the commit is read in the background: asking git overlaps with
    preparing the chart and helm's renders.
    """

    path: Path
    origin: str
    ref: str | None
    _state: _Status = field(repr=False, compare=False)

    @property
    def commit(self) -> str | None:
        return self._state.result()[0]

    @property
    def dirty(self) -> bool:
        return self._state.result()[1]

    def provenance(self) -> dict[str, object]:
        return {"uri": self.origin, "ref": self.ref, "commit": self.commit, "dirty": self.dirty}


class _Status:
    """A repo's (commit, dirty), known now or read from a running `git status` when asked."""

    def __init__(
        self,
        known: tuple[str | None, bool] | None = None,
        proc: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self._value, self._proc = known, proc

    def result(self) -> tuple[str | None, bool]:
        if self._value is None:
            assert self._proc is not None
            stdout, _ = self._proc.communicate()
            self._value = _parse_status(stdout) if self._proc.returncode == 0 else (None, False)
        return self._value


def _known(commit: str | None, dirty: bool) -> _Status:
    return _Status((commit, dirty))


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
    return RepoSource(path.resolve(), str(path.resolve()), None, _git_status(path, stack))


def _git_status(path: Path, stack: ExitStack) -> _Status:
    """HEAD's commit and whether the work tree differs (untracked files included), from
    `git status` started now and read when asked; (None, False) when git cannot tell."""
    import os

    argv = [
        "git",
        "--no-optional-locks",
        "-C",
        str(path),
        "status",
        "--porcelain=v2",
        "--branch",
        "--untracked-files=normal",
        "-z",
    ]
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    except OSError:
        return _known(None, False)
    stack.callback(_reap, proc)
    return _Status(proc=proc)


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Stop a `git status` nobody asked for, and close its pipe."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _parse_status(stdout: bytes) -> tuple[str | None, bool]:
    commit: str | None = None
    dirty = False
    for entry in stdout.split(b"\0"):
        if entry.startswith(b"# branch.oid "):
            oid = entry.removeprefix(b"# branch.oid ").decode("ascii", "replace").strip()
            commit = (
                oid if len(oid) in (40, 64) and all(c in "0123456789abcdef" for c in oid) else None
            )
        elif entry and not entry.startswith(b"#"):
            dirty = True
    return commit, dirty


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
        raise ToolError(
            f"cannot read {what} {location}{f' at {ref}' if ref else ''}: {message}"
        ) from None
    except (git.GitError, ValueError) as exc:
        raise ToolError(f"cannot read {what} {location}: {exc}") from None
    return RepoSource(target, location, ref, _known(commit, False))
