"""Real pre-commit, offline, for the hook tests."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

DEAD_PROXY = "http://127.0.0.1:9"


def offline_precommit_env(home: Path, **extra: str) -> dict[str, str]:
    """pre-commit with its own home, no package index, and this launchgen on PATH.

    The hooks-repo form installs launchgen into pre-commit's own virtualenv: offline, it
    builds without isolation, so hatchling (and launchgen's dependencies) come from this
    interpreter's site-packages through PYTHONPATH (a venv's packages are not its base
    interpreter's "system site packages"). Proxies point at a dead port: nothing may be fetched.
    """
    bin_dir = str(Path(sys.executable).parent)
    return dict(
        os.environ,
        PRE_COMMIT_HOME=str(home),
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        LAUNCHGEN_CACHE_DIR=str(home / "c"),
        PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
        PYTHONPATH=sysconfig.get_paths()["purelib"],
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        **extra,
    )


ROOT = Path(__file__).resolve().parents[2]
# What a launchgen hooks repository holds: what `pip install .` there needs.
SHIPPED = [
    "launchgen",
    "schemas",
    "templates",
    "charts",
    "pyproject.toml",
    "README.md",
    "LICENSE",
    ".pre-commit-hooks.yaml",
]


def copy_launchgen_into(repo: Path) -> None:
    """This checkout's shipped files, copied into `repo` (a hooks repository to commit)."""
    import shutil

    repo.mkdir(parents=True, exist_ok=True)
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "_data")
            )
        else:
            shutil.copy(source, repo / name)
