"""`launchgen rules`: lint's rule catalog and the other commands' checks, as a table or JSON."""

from __future__ import annotations

import json
from typing import get_args

import click

from launchgen.checks import Kind

CHECK_KINDS: tuple[Kind, ...] = get_args(Kind)
CHOICES = ("all", "lint", *CHECK_KINDS)


def catalog() -> list[dict[str, object]]:
    from launchgen.lint.rules import RULES

    return [
        {
            "id": rule.id,
            "family": rule.family,
            "severity": rule.severity,
            "scope": rule.scope,
            "kinds": sorted(rule.kinds),
            "fixable": rule.fixable,
            "options": dict(rule.options),
            "summary": rule.summary,
        }
        for rule in RULES.values()
    ]


def check_catalog(kinds: tuple[Kind, ...]) -> list[dict[str, object]]:
    from launchgen.checks import CHECKS

    return [
        {
            "id": check.id,
            "kind": check.kind,
            "severity": check.severity,
            "summary": check.summary,
            "hint": check.hint,
        }
        for kind in kinds
        for check in CHECKS.values()
        if check.kind == kind
    ]


def table(rows: list[dict[str, object]], group: str = "family", suffix: str = "") -> str:
    """Rows grouped under a heading per `group` value (`naming:`, `validate checks:`)."""
    width = max(len(str(r["id"])) for r in rows)
    lines: list[str] = []
    heading = None
    for row in rows:
        if row[group] != heading:
            heading = row[group]
            lines.append(f"{'' if not lines else chr(10)}{heading}{suffix}:")
        fix = " (fixable)" if row.get("fixable") else ""
        lines.append(
            f"  {str(row['id']).ljust(width)}  {str(row['severity']).ljust(7)}  {row['summary']}{fix}"
        )
    return "\n".join(lines) + "\n"


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--kind",
    type=click.Choice(CHOICES),
    default="all",
    show_default=True,
    help="Lint's rules only, or the checks of one command family (validate, deploy-policy, "
    "naming).",
)
def command(fmt: str, kind: str) -> None:
    """List the lint rules, then the checks other commands make: id, severity, what each checks.

    `launchgen explain ID` shows a rule's or check's full documentation.
    """
    rules = catalog() if kind in ("all", "lint") else []
    kinds = tuple(k for k in CHECK_KINDS if kind in ("all", k))
    checks = check_catalog(kinds)
    if fmt == "json":
        click.echo(json.dumps({"rules": rules, "checks": checks}, indent=2))
        return
    parts = [
        table(rows, group, suffix)
        for rows, group, suffix in (
            (rules, "family", ""),
            (checks, "kind", " checks"),
        )
        if rows
    ]
    click.echo("\n".join(parts), nl=False)
