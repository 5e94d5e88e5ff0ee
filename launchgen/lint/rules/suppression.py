"""Suppressions: inline `# launchgen: disable=ID reason` comments stay honest.

A comment at the end of a line suppresses the named rules' problems on that line; a
comment on a line of its own suppresses them on the next line that is not a comment;
`disable-file=ID reason` suppresses them in the whole file. Several ids are separated
by commas. The reason is required.

These rules are computed by the engine after every other rule has run.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchgen.lint.contract import YAML, Context, Hit, rule


@rule("suppress-unused", scope="file", files=(YAML,), severity="warning")
def unused(ctx: Context) -> Iterator[Hit]:
    """A suppression comment no longer suppresses anything.

    The problem it silenced is gone (or moved): remove the comment so it cannot hide
    a future problem. Only rules that ran on the file count, so the per-file hook does
    not flag suppressions of repo-wide rules.
    """
    return iter(())


@rule("suppress-invalid", scope="file", files=(YAML,))
def invalid(ctx: Context) -> Iterator[Hit]:
    """A suppression comment names no known rule or gives no reason.

    Write `# launchgen: disable=RULE-ID why this is fine`; `launchgen rules` lists the
    ids.
    """
    return iter(())


RULES = (unused, invalid)
