"""`launchgen explain ID`: one rule's documentation, from its docstring."""

from __future__ import annotations

import click

from launchgen.cli import reports_errors


def explanation(rule_id: str) -> str:
    """The rule's page as Markdown (what docs/rules/<id>.md holds)."""
    from launchgen.lint.rules import get

    rule = get(rule_id)
    facts = [
        f"- Family: {rule.family}",
        f"- Default severity: {rule.severity}",
        f"- Applies to: {', '.join(sorted(rule.kinds))} repos",
        f"- Scope: {'each file' if rule.scope == 'file' else 'the whole repo (cross-file)'}",
        f"- Fixable with --fix: {'yes' if rule.fixable else 'no'}",
    ]
    if rule.options:
        facts.append(
            "- Options (default): " + ", ".join(f"`{k}` ({v!r})" for k, v in rule.options.items())
        )
    configure = (
        "Configure in `.launchgen.yaml`:\n\n"
        f"```yaml\nlint:\n  rules:\n    {rule.id}: disable   # or: error, warning, info\n```\n\n"
        f"Suppress one occurrence with a reason: `# launchgen: disable={rule.id} why this is fine`"
    )
    return f"# {rule.id}\n\n{rule.doc}\n\n" + "\n".join(facts) + "\n\n" + configure + "\n"


@click.command()
@click.argument("rule_id", metavar="ID")
@reports_errors
def command(rule_id: str) -> None:
    """Explain the lint rule ID: what it checks, why, and how to fix or configure it."""
    click.echo(explanation(rule_id), nl=False)
