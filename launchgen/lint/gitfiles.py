"""Which files of a repo lint looks at: what git does not ignore.

Inside a git work tree, git itself is asked, once per repo: `git ls-files -z --cached
--others --exclude-standard` lists the tracked files and the untracked ones no ignore
rule excludes (.gitignore at every level, .git/info/exclude, the global excludes file),
exactly as `git status` sees them. Outside git (an unpacked archive, a folder generated
with `launchgen new --no-git`), the folder is walked and its `.gitignore` files are
honoured by launchgen's own matcher (the common subset: no `!` negations).

The repo is untrusted: git runs with hooks and fsmonitor off and never prompts.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

from launchgen.lint.globs import matches

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})
GIT_TIMEOUT_SECONDS = 60.0
_GIT_CONFIG = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.untrackedCache=false",
    "-c",
    "core.quotePath=false",
)


def in_git_work_tree(root: Path) -> bool:
    """Whether `root` is in a git work tree: a `.git` entry here or above (no process)."""
    return any(os.path.lexists(folder / ".git") for folder in (root, *root.parents))


def listed(root: Path) -> list[str] | None:
    """Files below `root` (POSIX paths relative to it) git does not ignore; None when
    `root` is not in a git work tree or git cannot answer (the caller walks instead)."""
    if not in_git_work_tree(root):
        return None
    git = shutil.which("git")
    if git is None:
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        result = subprocess.run(
            [
                git,
                *_GIT_CONFIG,
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--",
                ".",
            ],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    found: set[str] = set()
    for entry in result.stdout.split(b"\0"):
        if not entry or entry.endswith(b"/"):  # an untracked nested repository
            continue
        relpath = os.fsdecode(entry)
        try:
            mode = os.lstat(root / relpath).st_mode
        except OSError:
            continue  # tracked but deleted from the work tree
        if stat.S_ISDIR(mode):
            continue  # a submodule: a repository of its own
        found.add(relpath)
    return sorted(found)


def walked(root: Path) -> list[str]:
    """Files below `root`, walked, minus what its `.gitignore` files exclude."""
    return sorted(_walk(root))


def _ignore_patterns(folder: str, prefix: str) -> list[str]:
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            lines = handle.read(256 * 1024).splitlines()
    except OSError:
        return []
    patterns = []
    for line in lines:
        line = line.rstrip()
        if not line or line.startswith(("#", "!")):
            continue
        if not prefix:
            patterns.append(line)  # lint/globs.py reads gitignore's anchoring rules
        elif "/" in line.rstrip("/"):
            patterns.append("/" + prefix + line.lstrip("/"))  # anchored at the nested file's folder
        else:
            patterns.append("/" + prefix + "**/" + line)
    return patterns


def _walk(root: Path) -> Iterator[str]:
    ignored: list[str] = []
    for folder, dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        if ".gitignore" in names:
            ignored = ignored + _ignore_patterns(folder, prefix)
        kept = []
        for name in dirs:
            if name in SKIPPED_DIRS or (ignored and matches(prefix + name + "/", ignored)):
                continue
            if os.path.islink(os.path.join(folder, name)):
                names.append(name)  # reported as a file: never followed
            else:
                kept.append(name)
        dirs[:] = sorted(kept)
        for name in names:
            relpath = prefix + name
            if not (ignored and matches(relpath, ignored)):
                yield relpath
