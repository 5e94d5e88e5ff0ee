"""Turning a generated folder into a git repository with one initial commit."""

from __future__ import annotations

import os
from pathlib import Path

FALLBACK_NAME = "launchgen"
FALLBACK_EMAIL = "launchgen@localhost"


def init_and_commit(path: Path, message: str) -> str:
    """`git init` + add everything + commit; returns the commit SHA."""
    import git

    repo = git.Repo.init(path, initial_branch="main")
    with repo.config_reader() as config:
        name = config.get_value(
            "user", "name", default=os.environ.get("GIT_AUTHOR_NAME", FALLBACK_NAME)
        )
        email = config.get_value(
            "user", "email", default=os.environ.get("GIT_AUTHOR_EMAIL", FALLBACK_EMAIL)
        )
    actor = git.Actor(str(name), str(email))
    repo.git.add(A=True)
    commit = repo.index.commit(message, author=actor, committer=actor)
    repo.close()
    return commit.hexsha
