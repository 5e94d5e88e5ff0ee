"""The real git, run by the tests: one fixed identity, no user or system configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

# Commits made by tests (and by the jobs they run) carry this identity.
IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.test",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.test",
}
# The developer's ~/.gitconfig (signing, hooks, default branch) must not change a test.
ISOLATED = {**IDENTITY, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def which_git() -> str:
    found = shutil.which("git")
    assert found, "git is required by the test suite"
    return found


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the test identity and without git's user config."""
    return {**os.environ, **ISOLATED, **(extra or {})}


def git(cwd: Path, *args: str | Path, env: Mapping[str, str] | None = None) -> str:
    """`git ARGS...` in `cwd`; its stdout, stripped. A failure fails the test with git's
    message. `env` adds variables (URL rewrites, ...) to git_env()."""
    result = subprocess.run(
        [which_git(), *(str(arg) for arg in args)],
        cwd=cwd,
        env=git_env(env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"git {' '.join(map(str, args))} in {cwd} failed ({result.returncode}):\n"
        f"{result.stdout}{result.stderr}"
    )
    return result.stdout.strip()


def commit(repo: Path, message: str, files: Mapping[str, str | None] | None = None) -> str:
    """Write (or delete, for None) `files`, commit everything in `repo`; the new SHA."""
    for relative, content in (files or {}).items():
        path = repo / relative
        if content is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")
