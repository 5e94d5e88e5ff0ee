"""`launchgen explain ID`: one rule's or check's documentation (what docs/rules/<id>.md holds)."""

from __future__ import annotations

import click


def explanation(rule_id: str) -> str:
    """The page of a lint rule, of a check (`launchgen.checks`), or of both when a check
    reports a lint rule's id, as Markdown."""
    import difflib

    from launchgen.checks import CHECKS
    from launchgen.errors import LaunchgenError
    from launchgen.lint.rules import RULES

    check = CHECKS.get(rule_id)
    if rule_id in RULES:
        page = _rule_page(rule_id)
        return page if check is None else f"{page}\n## Outside lint\n\n{_check_facts(rule_id)}"
    if check is not None:
        return f"# {check.id}\n\n{check.summary}.\n\n{_check_facts(rule_id)}"
    close = difflib.get_close_matches(rule_id, [*RULES, *CHECKS], n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise LaunchgenError(f"no such rule: {rule_id!r}{hint}; `launchgen rules` lists them")


def _rule_page(rule_id: str) -> str:
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


def _check_facts(check_id: str) -> str:
    import textwrap

    from launchgen.checks import CHECKS, CONTROL, KINDS

    check = CHECKS[check_id]
    return (
        f"{textwrap.fill(check.doc, 88, break_long_words=False, break_on_hyphens=False)}\n\n"
        f"- Kind: {check.kind} check\n"
        f"- Reported by: {KINDS[check.kind]}\n"
        f"- Severity: {check.severity}\n"
        f"- Fix: {check.hint}\n\n"
        f"{CONTROL[check.kind]}\n"
    )


@click.command()
@click.argument("rule_id", metavar="ID")
def command(rule_id: str) -> None:
    """Explain the lint rule or check ID: what it checks, why, and how to fix or configure it."""
    click.echo(explanation(rule_id), nl=False)
