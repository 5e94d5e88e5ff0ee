"""`launchgen lint`'s Python API: the platform standard as policy rules.

    from launchgen.lint import lint
    problems = lint(["path/to/checkout"])          # list[Problem]

Paths are repo roots (every rule), files or folders inside a repo (the file rules,
as the per-file pre-commit hook runs them), or folders holding repos (a monorepo).
A problem's `path` is relative to its repo's root. Invalid configuration or a path
outside any repo raises LaunchgenError (exit code 2); anything wrong with the files
linted is a problem, never an exception.

Modules are imported on first use, so `launchgen lint FILE` starts fast.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchgen.lint.engine import RepoResult
    from launchgen.problem import Problem


def lint(
    paths: Sequence[str | Path],
    *,
    fix: bool = False,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    yamllint: bool = True,
    base: str | None = None,
    head: str = "HEAD",
    scope: str = "all",
) -> list[Problem]:
    """Lint `paths` and return every problem, sorted; paths are relative to each repo root.

    fix: apply mechanical fixes first (the files are rewritten) and return what remains.
    cache: reuse results of unchanged files (content-hash cache; see lint/cache.py).
    yamllint: False skips yamllint even where the repo enables it.
    base, head: git revisions; with a base, the gate rules compare head against it.
    scope: "all", or "repo" for what the per-file pre-commit hook cannot see (the
    cross-file and revision rules; file rules only on files other than regular YAML files).
    """
    results = lint_repos(
        paths,
        fix=fix,
        cache=cache,
        cache_dir=cache_dir,
        yamllint=yamllint,
        base=base,
        head=head,
        scope=scope,
    )
    return [p for result in results for p in result.problems]


def lint_repos(
    paths: Sequence[str | Path],
    *,
    fix: bool = False,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    yamllint: bool = True,
    base: str | None = None,
    head: str = "HEAD",
    scope: str = "all",
) -> list[RepoResult]:
    """Like `lint`, with problems grouped by repo (root, problems, files fixed)."""
    from launchgen.lint import cache as cache_mod
    from launchgen.lint import early

    directory = Path(cache_dir) if cache_dir is not None else None
    given = [os.fspath(p) for p in paths]
    # yamllint first, before the engine and its imports: see lint/early.py. Not with
    # fix: the files are rewritten before the run that counts.
    started = early.take(given, cache)  # the CLI's, when it started one (early.prestart)
    if started is not None and (fix or directory is not None or not yamllint or scope != "all"):
        started.batch.close()
        started = None
    if started is None and not fix and scope == "all":
        started = early.start(given, cache_mod.Cache(directory, cache), yamllint)
    from launchgen.lint.engine import Options, run

    options = Options(
        fix=fix,
        cache=cache,
        cache_dir=directory,
        yamllint=yamllint,
        base=base,
        head=head,
        scope=scope,
    )
    try:
        return run(given, options, started)
    finally:
        if started is not None:
            started.batch.close()


__all__ = ["lint", "lint_repos"]
