"""YAML: every YAML file parses, has no duplicate keys, no alias bombs, and passes yamllint.

Helm templates (`templates/`) and packaged charts (`charts/`) are not YAML and are
skipped. yamllint runs as a separate process (it is GPL-3.0 licensed; launchgen never
imports it) with the repo's `.yamllint`, or launchgen's defaults when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from launchgen.lint.contract import YAML, Context, Hit, rule

if TYPE_CHECKING:
    from launchgen.lint.yamllint_proc import Finding
    from launchgen.problem import Severity


@rule("yaml-syntax", scope="file", files=(YAML,))
def syntax(ctx: Context) -> Iterator[Hit]:
    """A YAML file does not parse: a syntax error, a tab in indentation, several documents,
    or nesting deeper than 200 levels.

    Helm refuses such a file. The problem points at the line and column the parser
    stopped at.
    """
    parsed = ctx.file.parsed if ctx.file else None
    if parsed is not None and parsed.error is not None:
        hint = "fix the YAML syntax at this position (tabs are not allowed in indentation)"
        yield Hit(
            f"invalid YAML: {parsed.error.message}",
            hint,
            line=parsed.error.line,
            column=parsed.error.column,
        )


@rule("yaml-duplicate-key", scope="file", files=(YAML,))
def duplicate_key(ctx: Context) -> Iterator[Hit]:
    """A mapping has the same key twice.

    Most YAML libraries keep the last value silently; helm refuses the file. Either way
    one of the two values is not what someone meant.
    """
    parsed = ctx.file.parsed if ctx.file else None
    for mark in parsed.duplicate_keys if parsed else []:
        yield Hit(
            mark.message,
            "remove one of the two entries (the first one is overridden)",
            line=mark.line,
            column=mark.column,
        )


@rule("yaml-anchors", scope="file", files=(YAML,))
def anchors(ctx: Context) -> Iterator[Hit]:
    """Anchors and aliases are abused: an alias bomb ("billion laughs") expanding to more
    than 100,000 nodes, or an alias inside its own anchor (an infinite document).

    Such documents exhaust memory in tools that expand them (helm does). The file is
    not checked further.
    """
    parsed = ctx.file.parsed if ctx.file else None
    if parsed is not None and parsed.alias_abuse is not None:
        mark = parsed.alias_abuse
        yield Hit(
            mark.message,
            "write the values out instead of nesting aliases",
            line=mark.line,
            column=mark.column,
        )


@rule("yaml-lint", scope="file", files=(YAML,), late=True)
def yamllint(ctx: Context) -> Iterator[Hit]:
    """yamllint reports a problem, with the repo's `.yamllint` configuration.

    The message ends with yamllint's own rule name, e.g. `(indentation)`; configure it
    in `.yamllint`. Without a `.yamllint`, launchgen uses yamllint's default config with
    document-start off, 160-character lines and `truthy` keys allowed (GitHub's `on:`).
    yamllint's warnings stay warnings unless `severity` is set for this rule. Disable
    yamllint entirely with `lint: {yamllint: false}`.

    Run by the engine in separate yamllint processes, in parallel with the other rules.
    """
    return iter(())  # late: the engine runs yamllint; `hits` below reads its findings


def hits(findings: Iterable[Finding]) -> Iterator[tuple[Hit, str]]:
    """yamllint's findings on one file as hits, each with yamllint's level."""
    for f in findings:
        if f.rule is None and f.message.startswith("syntax error"):
            continue  # yaml-syntax reports it, at the same position
        message = f"{f.message} ({f.rule})" if f.rule else f.message
        hint = "fix the formatting, or configure this yamllint rule in .yamllint"
        yield Hit(message, hint, line=f.line, column=f.column), f.level


def failed(message: str, path: str) -> Hit:
    """yamllint itself failed (not installed, a bad .yamllint): reported at `path`."""
    return Hit(message, "check the yamllint installation and the repo's .yamllint", path=path)


def severity(level: str | None, configured: Severity, severity_set: bool) -> Severity:
    """yamllint's warnings stay warnings unless this rule's severity is set explicitly."""
    return "warning" if level == "warning" and not severity_set else configured


RULES = (syntax, duplicate_key, anchors, yamllint)
