"""Rule tests on minimal trees: one line a case, as yamllint's and check-jsonschema's.

A case is the smallest repo that shows a rule's problem (`bad`, with where it is
reported) or shows it absent (`good`). Only that rule's problems are compared, so a
template edit, or another rule's problem in the same tree, never breaks the case.

    bad("chart-api-version", app({"Chart.yaml": "apiVersion: v1\\n"}), ("Chart.yaml", 1, 1))
    good("chart-api-version", app({"Chart.yaml": "apiVersion: v2\\n"}))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from launchgen.lint import lint
from launchgen.problem import Problem
from tests.helpers.trees import build_file_tree

APP_CONFIG = (
    "kind: app\nservice: checkout\nenvironments: [dev, test, prod]\n"
    "properties_repo: ../checkout-properties\n"
)
PROPS_CONFIG = (
    "kind: properties\nservice: checkout\nenvironments: [dev, test, prod]\n"
    "chart:\n  app_repo: ../checkout\n"
)
MIDDLEWARE_CONFIG = (
    "kind: middleware\nservice: orders-db\nenvironments: [dev, prod]\nchart:\n  name: postgresql\n"
    "  repository: oci://registry-1.docker.io/bitnamicharts\n  version: 16.4.1\n"
)
# Every environment's values, so properties-env-files has nothing to say.
PROPS_ENVS = {f"envs/{env}/values.yaml": "{}\n" for env in ("dev", "test", "prod")}

Where = tuple[str, int, int]  # path from the repo root, line, column


@dataclass(frozen=True)
class Tree:
    """A repo: its folder name (naming-repo-name reads it) and its files."""

    name: str
    files: Mapping[str, str | bytes]

    def build(self, parent: Path) -> Path:
        return build_file_tree(parent / self.name, self.files)


def app(files: Mapping[str, str | bytes] | None = None, *, lint: str = "") -> Tree:
    """An app repo: `.launchgen.yaml` (plus a `lint:` section) and `files`."""
    return Tree("checkout", {".launchgen.yaml": APP_CONFIG + lint, **(files or {})})


def props(files: Mapping[str, str | bytes] | None = None, *, lint: str = "") -> Tree:
    return Tree("checkout-properties", {".launchgen.yaml": PROPS_CONFIG + lint, **(files or {})})


def middleware(files: Mapping[str, str | bytes] | None = None, *, lint: str = "") -> Tree:
    config = MIDDLEWARE_CONFIG + lint
    return Tree("orders-db-properties", {".launchgen.yaml": config, **(files or {})})


@dataclass(frozen=True)
class Case:
    rule: str
    tree: Tree
    expected: tuple[Where, ...]  # empty: the rule must report nothing
    paths: tuple[str, ...] = ()  # files or folders to lint (the per-file hook); else the repo
    yamllint: bool = False
    setup: Callable[[Path], Any] | None = None  # what a dict cannot make: links, FIFOs
    options: Mapping[str, Any] = field(default_factory=dict)  # for lint(), e.g. scope

    def run(self, parent: Path) -> list[Problem]:
        root = self.tree.build(parent)
        if self.setup is not None:
            self.setup(root)
        targets = [str(root / p) for p in self.paths] or [str(root)]
        return lint(targets, cache=False, yamllint=self.yamllint, **self.options)

    def check(self, parent: Path) -> list[Problem]:
        problems = self.run(parent)
        got = sorted((p.path, p.line, p.column) for p in problems if p.rule == self.rule)
        assert got == sorted(self.expected), problems
        for problem in problems:
            assert problem.hint, problem
            assert problem.line >= 1 and problem.column >= 1, problem
            assert "internal error" not in problem.message, problem
        return problems


def bad(rule: str, tree: Tree, *expected: Where, **options: Any) -> Case:
    """A tree where `rule` reports exactly `expected`."""
    assert expected, "a bad case names where the problem is"
    return Case(rule, tree, expected, **options)


def good(rule: str, tree: Tree, **options: Any) -> Case:
    """A tree where `rule` reports nothing."""
    return Case(rule, tree, (), **options)


def params(*cases: Case) -> list[Any]:
    """pytest parameters with readable ids: chart-api-version-bad-1, ...-good-1."""
    seen: dict[str, int] = {}
    out = []
    for case in cases:
        kind = f"{case.rule}-{'bad' if case.expected else 'good'}"
        seen[kind] = seen.get(kind, 0) + 1
        out.append(pytest.param(case, id=f"{kind}-{seen[kind]}"))
    return out


def found(problems: list[Problem], rule: str) -> list[Where]:
    return [(p.path, p.line, p.column) for p in problems if p.rule == rule]
