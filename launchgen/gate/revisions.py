"""Reading two revisions of a repo with GitPython, without touching the working tree.

CI checkouts are awkward: detached HEADs, bases given as branch, tag or SHA, and
shallow clones. A shallow clone is deepened from its remote when that is enough;
otherwise the error says how to fetch the history (`fetch-depth: 0`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen.display import printable
from launchgen.errors import LaunchgenError

DEEPEN_STEPS = (50, 500, 5000)


class RevisionError(LaunchgenError):
    """A revision cannot be found or compared."""


@dataclass(frozen=True)
class Change:
    """One file changed between base and head; a path is None where the file is absent."""

    old_path: str | None
    new_path: str | None

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""


class RevisionPair:
    """A base and a head commit of one repository, and the files that differ."""

    def __init__(self, repo_path: Path, base: str, head: str = "HEAD") -> None:
        import git

        try:
            self.repo = git.Repo(repo_path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise RevisionError("not inside a git repository", path=str(repo_path)) from None
        self.root = Path(self.repo.working_tree_dir or repo_path)
        self._changes: list[Change] | None = None
        self.head = self._commit(head)
        self.base = self._commit(base)
        self._require_ancestor(base, head)

    def close(self) -> None:
        self.repo.close()

    def _commit(self, ref: str) -> Any:
        import git

        for attempt in (None, *DEEPEN_STEPS):
            try:
                return self.repo.commit(ref)
            except (git.BadName, ValueError, git.GitCommandError):
                if attempt is None or not self._deepen(attempt):
                    break
        raise RevisionError(self._unknown(ref))

    def _unknown(self, ref: str) -> str:
        """Why `ref` is not found, and the advice that fits this repository."""
        import git

        shown = printable(ref, limit=100)
        if self.shallow:
            return (
                f"unknown revision {shown!r}: this is a shallow clone; fetch full history "
                "(actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
            )
        start = re.split(r"[~^@:]", ref, maxsplit=1)[0] or "HEAD"
        if start != ref:  # HEAD~1, main^: counted back from something that exists?
            try:
                count = int(self.repo.git.rev_list("--count", start, "--"))
            except (git.GitCommandError, ValueError):
                count = 0
            if count:
                first = (
                    " (this is the first commit: there is no earlier revision to gate against)"
                    if count == 1
                    else ""
                )
                return (
                    f"revision {shown!r} does not exist: {printable(start, limit=100)!r} has {count} "
                    f"commit{'s' if count != 1 else ''} in its history{first}"
                )
        remotes = [r.name for r in self.repo.remotes]
        if not remotes:
            return (
                f"unknown revision {shown!r}: no branch, tag or commit of that name in this "
                "repository (it has no remote)"
            )
        remote = "origin" if "origin" in remotes else remotes[0]
        name = ref.split("/", 1)[1] if ref.startswith(remote + "/") else ref
        return f"unknown revision {shown!r}: fetch it first (git fetch {remote} {printable(name, limit=100)})"

    @property
    def shallow(self) -> bool:
        return Path(self.repo.git_dir, "shallow").exists()

    def _deepen(self, depth: int) -> bool:
        """Fetch `depth` more commits from origin; False when that is impossible."""
        import git

        if not self.shallow or not self.repo.remotes:
            return False
        try:
            self.repo.git.fetch("--deepen", str(depth), self.repo.remotes[0].name)
        except git.GitCommandError:
            return False
        return True

    def _is_ancestor(self) -> bool:
        return bool(self.repo.is_ancestor(self.base.hexsha, self.head.hexsha))

    def _require_ancestor(self, base: str, head: str) -> None:
        if self._is_ancestor():
            return
        for depth in DEEPEN_STEPS:
            if not self._deepen(depth):
                break
            if self._is_ancestor():
                return
        if self.shallow:
            raise RevisionError(
                f"cannot find {base!r} in the history of {head!r}: this is a shallow clone; "
                "fetch full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
            )
        raise RevisionError(
            f"base {base!r} ({self.base.hexsha[:12]}) is not an ancestor of {head!r} ({self.head.hexsha[:12]}): "
            f"compare against the merge base instead (git merge-base {base} {head})"
        )

    def changes(self) -> list[Change]:
        """Files that differ between base and head (tree to tree, history length does not matter)."""
        if self._changes is None:
            diffs = self.base.diff(self.head)
            self._changes = sorted(
                (
                    Change(
                        d.a_path if not d.new_file else None,
                        d.b_path if not d.deleted_file else None,
                    )
                    for d in diffs
                ),
                key=lambda c: c.path,
            )
        return self._changes

    def read(self, which: str, path: str) -> bytes | None:
        """A file's bytes at 'base' or 'head', or None when it does not exist there."""
        commit = self.base if which == "base" else self.head
        try:
            blob = commit.tree / path
        except KeyError:
            return None
        data: bytes = blob.data_stream.read()
        return data
