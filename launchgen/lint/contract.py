"""The rule contract every family module follows.

A rule is a generator function decorated with `@rule(...)`: it receives a `Context`
and yields `Hit`s (where, what, how to fix). The engine stamps the rule id and the
configured severity onto each hit, as yamllint's linter does: a rule never decides
its own severity. The function's docstring is the rule's documentation page.

Scopes:
- "file": runs on each matching file that is linted (also in the per-file hook);
  `ctx.file` is that file.
- "repo": cross-file; runs when a whole repo is linted; `ctx.file` is None.
- "revision": compares two git revisions (`lint --base REF`); `ctx.base` is the
  `RevisionPair` (launchgen/gate/revisions.py), `ctx.file` is None.

A rule sees the repo through `RepoView`, not the engine's `Repo`: rules sit below the
engine and never import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from launchgen.lint.yamlfiles import NOT_YAML_DIRS as NOT_YAML_DIRS
from launchgen.lint.yamlfiles import is_yaml_path as is_yaml_path
from launchgen.problem import Severity

if TYPE_CHECKING:
    from launchgen.lint.source import SourceFile
    from launchgen.lint.yamldoc import Document

Scope = Literal["file", "repo", "revision"]
KINDS = frozenset({"app", "properties", "middleware"})


@dataclass(frozen=True)
class Edit:
    """Replace characters [start, end) of the file's decoded text (BOM excluded)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """One finding of a rule; `path` defaults to the file a file-scope rule checks."""

    message: str
    hint: str
    line: int = 1
    column: int = 1
    path: str | None = None
    fix: Edit | None = None


class RepoView(Protocol):
    """The repo as a rule sees it: its `.launchgen.yaml` and its files."""

    @property
    def root(self) -> Path: ...
    @property
    def config(self) -> dict[str, Any]: ...
    @property
    def document(self) -> Document: ...  # `.launchgen.yaml`, for positions
    @property
    def kind(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def environments(self) -> list[str]: ...
    @property
    def files(self) -> list[str]: ...  # every file lint sees, POSIX paths from the root
    def source(self, relpath: str) -> SourceFile | None: ...


@dataclass
class Context:
    """What a rule sees: the repo, its files, this rule's options, and the file checked."""

    repo: RepoView
    options: Mapping[str, Any]
    file: SourceFile | None = None
    base: Any = None  # revision rules: the RevisionPair of base and head

    def source(self, relpath: str) -> SourceFile | None:
        return self.repo.source(relpath)


Check = Callable[[Context], Iterable[Hit]]


@lru_cache(maxsize=1 << 16)
def _applies(patterns: tuple[str, ...], relpath: str) -> bool:
    """Does a rule with these file patterns check `relpath`? Remembered: the repos of a
    monorepo share their layout, so the same (patterns, path) pairs come back."""
    return any(
        is_yaml_path(relpath) if pattern == YAML else fnmatchcase(relpath, pattern)
        for pattern in patterns
    )


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    check: Check
    scope: Scope
    kinds: frozenset[str]
    files: tuple[str, ...] = ()
    severity: Severity = "error"
    options: Mapping[str, Any] = field(default_factory=dict)
    fixable: bool = False
    # Files outside the checked file the outcome depends on (the cache keys on them).
    inputs: Callable[[RepoView], list[Path]] | None = None
    # Its problems come from the whole run (yamllint's processes, the other rules'
    # problems): the engine computes them after the other rules, with the functions of
    # the rule's module, and never calls `check`.
    late: bool = False

    @property
    def doc(self) -> str:
        import inspect

        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        first = self.doc.split("\n\n", 1)[0]
        return " ".join(first.split()).rstrip(".") if first else self.id

    def applies_to(self, relpath: str) -> bool:
        return _applies(self.files, relpath)


def rule(
    id: str,
    *,
    scope: Scope,
    kinds: Iterable[str] = KINDS,
    files: Iterable[str] = (),
    severity: Severity = "error",
    options: Mapping[str, Any] | None = None,
    fixable: bool = False,
    inputs: Callable[[RepoView], list[Path]] | None = None,
    late: bool = False,
) -> Callable[[Check], Rule]:
    """Turn a check function into a Rule; its module's name is the rule's family."""

    def wrap(check: Check) -> Rule:
        family = check.__module__.rsplit(".", 1)[-1]
        return Rule(
            id=id,
            family=FAMILY_BY_MODULE.get(family, family),
            check=check,
            scope=scope,
            kinds=frozenset(kinds),
            files=tuple(files),
            severity=severity,
            options=dict(options or {}),
            fixable=fixable,
            inputs=inputs,
            late=late,
        )

    return wrap


# Module names that are not the family's name (a module called yaml would shadow PyYAML).
FAMILY_BY_MODULE = {"yamlfile": "yaml"}

# The `files` pattern meaning "every YAML file of the repo".
YAML = "<yaml>"
