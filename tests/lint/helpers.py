"""One-line rule tests, as yamllint's: build a repo from a dict, lint it, compare.

check(app_repo, {"Chart.yaml": "..."}, "chart-app-version", (11, 1))
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from launchgen.lint import lint
from launchgen.problem import Problem
from tests.helpers.trees import build_file_tree

APP_CONFIG = "kind: app\nservice: checkout\nenvironments: [dev, test, prod]\nproperties_repo: ../checkout-properties\n"
PROPS_CONFIG = "kind: properties\nservice: checkout\nenvironments: [dev, test, prod]\nchart:\n  app_repo: ../checkout\n"
MIDDLEWARE_CONFIG = (
    "kind: middleware\nservice: orders-db\nenvironments: [dev, prod]\nchart:\n  name: postgresql\n"
    "  repository: oci://registry-1.docker.io/bitnamicharts\n  version: 16.4.1\n"
)


def run(
    root: Path, files: Mapping[str, str | bytes], paths: list[str] | None = None, **options: Any
) -> list[Problem]:
    build_file_tree(root, files)
    targets = [str(root / p) for p in paths] if paths else [str(root)]
    return lint(targets, cache=False, **options)


def found(problems: list[Problem], rule: str) -> list[tuple[str, int, int]]:
    return [(p.path, p.line, p.column) for p in problems if p.rule == rule]


def check(
    root: Path,
    files: Mapping[str, str | bytes],
    rule: str,
    *expected: tuple[int, int] | tuple[str, int, int],
    paths: list[str] | None = None,
) -> list[Problem]:
    """Assert `rule` reports exactly `expected` ((line, col) in the only file, or (path, line, col))."""
    problems = run(root, files, paths, yamllint=False)
    got = found(problems, rule)
    want = [e if len(e) == 3 else None for e in expected]
    if all(w is not None for w in want):
        assert sorted(got) == sorted(expected), problems
    else:
        assert sorted((line, col) for _, line, col in got) == sorted(expected), problems
    for problem in problems:
        assert problem.hint, problem
        assert problem.line >= 1 and problem.column >= 1
        assert "internal error" not in problem.message, problem
    return problems
