"""Suppressions: inline `# launchgen: disable=ID reason` comments stay honest.

A comment at the end of a line suppresses the named rules' problems on that line; a
comment on a line of its own suppresses them on the next line that is not a comment;
`disable-file=ID reason` suppresses them in the whole file. Several ids are separated
by commas. The reason is required.

The engine computes these rules after every other rule has run: it finds the comments
with `parse`, marks those that covered a problem, and reports `problems_of` the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from launchgen.lint.contract import YAML, Context, Hit, rule


@rule("suppress-unused", scope="file", files=(YAML,), severity="warning", late=True)
def unused(ctx: Context) -> Iterator[Hit]:
    """A suppression comment no longer suppresses anything.

    The problem it silenced is gone (or moved): remove the comment so it cannot hide
    a future problem. Only rules that ran on the file count, so the per-file hook does
    not flag suppressions of repo-wide rules.
    """
    return iter(())  # late: see problems_of


@rule("suppress-invalid", scope="file", files=(YAML,), late=True)
def invalid(ctx: Context) -> Iterator[Hit]:
    """A suppression comment names no known rule or gives no reason.

    Write `# launchgen: disable=RULE-ID why this is fine`; `launchgen rules` lists the
    ids.
    """
    return iter(())  # late: see problems_of


RULES = (unused, invalid)

_COMMENT = re.compile(
    r"(?:^|\s)#\s*launchgen:\s*(?P<kind>disable-file|disable)=(?P<ids>[A-Za-z0-9_,-]*)(?P<reason>.*)$"
)


@dataclass
class Suppression:
    line: int  # where the comment is
    column: int
    target: int | None  # the line it applies to; None for the whole file
    rules: tuple[str, ...]
    reason: str
    used: set[str] = field(default_factory=set)

    def covers(self, rule: str, line: int) -> bool:
        return rule in self.rules and (self.target is None or self.target == line)


def parse(text: str) -> list[Suppression]:
    if "launchgen:" not in text:
        return []
    lines = text.splitlines()
    found: list[Suppression] = []
    for index, line in enumerate(lines):
        match = _COMMENT.search(line)
        if not match:
            continue
        own_line = line[: match.start()].strip() == ""
        target: int | None = index + 1
        if match["kind"] == "disable-file":
            target = None
        elif own_line:
            target = next(
                (
                    i + 1
                    for i in range(index + 1, len(lines))
                    if lines[i].strip() and not lines[i].lstrip().startswith("#")
                ),
                index + 2,
            )
        rules = tuple(r for r in match["ids"].split(",") if r)
        column = line.index("#", match.start()) + 1
        found.append(Suppression(index + 1, column, target, rules, match["reason"].strip()))
    return found


def problems_of(
    suppressions: Sequence[Suppression], known: Iterable[str], ran: set[str]
) -> list[tuple[str, Hit]]:
    """(rule id, hit) for invalid suppressions, and for unused ones of rules that ran."""
    known_ids = set(known)
    out: list[tuple[str, Hit]] = []
    for s in suppressions:
        unknown = [r for r in s.rules if r not in known_ids]
        if not s.rules or unknown:
            what = f"unknown rule {', '.join(unknown)}" if unknown else "no rule id"
            out.append(
                (
                    invalid.id,
                    Hit(
                        f"suppression names {what}",
                        "write `# launchgen: disable=RULE-ID reason`;"
                        " `launchgen rules` lists the ids",
                        line=s.line,
                        column=s.column,
                    ),
                )
            )
        if not s.reason:
            out.append(
                (
                    invalid.id,
                    Hit(
                        "suppression gives no reason",
                        "say why after the rule id: `# launchgen: disable=RULE-ID reason`",
                        line=s.line,
                        column=s.column,
                    ),
                )
            )
        for rule_id in s.rules:
            if rule_id in known_ids and rule_id in ran and rule_id not in s.used:
                out.append(
                    (
                        unused.id,
                        Hit(
                            f"suppression of {rule_id} suppresses nothing",
                            "remove the comment",
                            line=s.line,
                            column=s.column,
                        ),
                    )
                )
    return out
