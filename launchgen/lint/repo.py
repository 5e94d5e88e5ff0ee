"""A repo being linted: its `.launchgen.yaml`, its settings, and its files.

Loading is split in three so the per-file hook stays fast: `Repo.read` reads the config
with the C parser, `Repo.resolve` resolves the lint settings against the rule catalog
(enough to start yamllint), and `Repo.validate` checks the whole file against
schemas/repo-config.schema.json (jsonschema is slow to import).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from launchgen.errors import ConfigError
from launchgen.lint.config import LintSettings, settings_from
from launchgen.lint.globs import matches
from launchgen.lint.rules.files import TOO_LARGE, explained, read_limits
from launchgen.lint.rules.yamlfile import yamllint
from launchgen.lint.source import DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES, SourceFile
from launchgen.lint.yamldoc import Document
from launchgen.standard import REPO_CONFIG_FILE

SCHEMA = "repo-config.schema.json"


@dataclass
class Repo:
    root: Path
    config: dict[str, Any]
    document: Document
    config_source: SourceFile
    settings: LintSettings = field(default_factory=LintSettings.unresolved)
    _files: list[str] | None = None
    _sources: dict[str, SourceFile] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # per-repo values the engine computes once
    max_bytes: int = DEFAULT_MAX_BYTES  # files are read with files-too-large's limits
    max_lines: int = DEFAULT_MAX_LINES

    @property
    def kind(self) -> str:
        return str(self.config.get("kind", ""))

    @property
    def service(self) -> str:
        return str(self.config.get("service", ""))

    @property
    def environments(self) -> list[str]:
        envs = self.config.get("environments")
        return [str(e) for e in envs] if isinstance(envs, list) else []

    @property
    def config_display(self) -> str:
        return REPO_CONFIG_FILE

    @classmethod
    def read(cls, root: Path) -> Repo:
        """Read `.launchgen.yaml` (no schema: fast); ConfigError if unusable."""
        source = SourceFile(root, REPO_CONFIG_FILE, DEFAULT_MAX_BYTES)
        display = str(root / REPO_CONFIG_FILE)
        if source.text is None:
            if source.unreadable is None:
                raise ConfigError("cannot read", path=display, line=1)
            hit = explained(source.unreadable)[1]
            raise ConfigError(hit.message, path=display, line=hit.line)
        parsed = source.parsed
        assert parsed is not None
        if parsed.document is None:
            mark = parsed.error or parsed.alias_abuse
            line = mark.line if mark else 1
            raise ConfigError(
                f"invalid YAML: {mark.message if mark else 'unreadable'}", path=display, line=line
            )
        if parsed.duplicate_keys:
            first = parsed.duplicate_keys[0]
            raise ConfigError(first.message, path=display, line=first.line)
        document = parsed.document
        if not isinstance(document.data, dict):
            raise ConfigError(
                "must be a mapping with kind, service and environments", path=display, line=1
            )
        return cls(root, document.data, document, source)

    def resolve(self) -> None:
        """Resolve the lint settings against the rule catalog; ConfigError at the bad line."""
        display = str(self.root / REPO_CONFIG_FILE)
        self.settings = settings_from(
            self.config.get("lint"), display, lambda p: self.document.position(p)[0]
        )
        self.max_bytes, self.max_lines = read_limits(self.settings.rules[TOO_LARGE].options)

    @property
    def _raw_lint(self) -> dict[str, Any]:
        section = self.config.get("lint")
        return section if isinstance(section, dict) else {}

    @property
    def ignore(self) -> tuple[str, ...]:
        """The ignore patterns, before (and whether or not) the settings are resolved."""
        patterns = self._raw_lint.get("ignore")
        return (
            tuple(p for p in patterns if isinstance(p, str) and p)
            if isinstance(patterns, list)
            else ()
        )

    def wants_yamllint(self) -> bool:
        return self.settings.yamllint and self.settings.enabled(yamllint.id)

    def validate(self) -> None:
        """Raise ConfigError, at its line, for the first violation of the config schema."""
        check = _config_check()
        if check is not None and check(self.config):
            return  # valid: jsonschema (slow to import) is only needed to explain errors
        import jsonschema

        from launchgen.lint.schemamsg import describe, path_of
        from launchgen.schemas import load_schema

        schema = load_schema(SCHEMA)
        validator = jsonschema.validators.validator_for(schema)(schema)
        errors = sorted(
            validator.iter_errors(self.config), key=lambda e: [str(p) for p in e.absolute_path]
        )
        if errors:
            first = errors[0]
            line, _ = self.document.position(path_of(first))
            raise ConfigError(
                f"invalid config: {describe(first)}",
                path=str(self.root / REPO_CONFIG_FILE),
                line=line,
            )

    @property
    def files(self) -> list[str]:
        """Every file of the repo (POSIX paths from the root) git does not ignore, minus
        `lint.ignore`'s (lint/gitfiles.py: one git process per repo)."""
        if self._files is None:
            from launchgen.lint.gitfiles import listed, walked

            found = listed(self.root)
            if found is None:
                found = walked(self.root)
            self._files = [p for p in found if not matches(p, self.ignore)]
        return self._files

    def is_ignored(self, relpath: str) -> bool:
        return matches(relpath, self.ignore)

    def source(self, relpath: str) -> SourceFile | None:
        if relpath not in self._sources:
            if not os.path.lexists(self.root / relpath) or self.is_ignored(relpath):
                return None
            self._sources[relpath] = SourceFile(self.root, relpath, self.max_bytes, self.max_lines)
        return self._sources[relpath]


@cache
def _config_check() -> Any:
    """The compiled check of the shipped config schema (None: use jsonschema)."""
    from launchgen.resources import schema_path
    from launchgen.schemacompile import checker

    return checker(schema_path(SCHEMA).read_bytes())
