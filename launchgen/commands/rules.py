"""`launchgen rules`: the rule catalog, as a table or JSON."""

from __future__ import annotations

import json

import click

from launchgen.cli import reports_errors


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


def table(rows: list[dict[str, object]]) -> str:
    width = max(len(str(r["id"])) for r in rows)
    lines: list[str] = []
    family = None
    for row in rows:
        if row["family"] != family:
            family = row["family"]
            lines.append(f"{'' if not lines else chr(10)}{family}:")
        fix = " (fixable)" if row["fixable"] else ""
        lines.append(
            f"  {str(row['id']).ljust(width)}  {str(row['severity']).ljust(7)}  {row['summary']}{fix}"
        )
    return "\n".join(lines) + "\n"


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@reports_errors
def command(fmt: str) -> None:
    """List the lint rules: id, default severity, what each checks.

    `launchgen explain ID` shows a rule's full documentation.
    """
    rows = catalog()
    click.echo(
        json.dumps({"rules": rows}, indent=2) if fmt == "json" else table(rows), nl=fmt == "json"
    )
