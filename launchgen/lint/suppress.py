"""Inline suppressions: `# launchgen: disable=ID[,ID] reason` and `disable-file=...`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from launchgen.lint.contract import Hit

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
                    "suppress-invalid",
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
                    "suppress-invalid",
                    Hit(
                        "suppression gives no reason",
                        "say why after the rule id: `# launchgen: disable=RULE-ID reason`",
                        line=s.line,
                        column=s.column,
                    ),
                )
            )
        for rule in s.rules:
            if rule in known_ids and rule in ran and rule not in s.used:
                out.append(
                    (
                        "suppress-unused",
                        Hit(
                            f"suppression of {rule} suppresses nothing",
                            "remove the comment",
                            line=s.line,
                            column=s.column,
                        ),
                    )
                )
    return out
