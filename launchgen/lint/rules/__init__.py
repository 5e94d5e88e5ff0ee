"""The rule catalog: every family module, registered explicitly (as yamllint does).

Rule ids are stable: `<family>-<what>`. Adding a rule means adding it to its family
module's RULES tuple; adding a family means adding its module to FAMILIES.
"""

from __future__ import annotations

import difflib
from types import ModuleType

from launchgen.errors import LaunchgenError
from launchgen.lint.contract import Rule
from launchgen.lint.rules import (
    chart,
    delivery,
    files,
    gate,
    middleware,
    naming,
    properties,
    secrets,
    suppression,
    umbrella,
    yamlfile,
)

FAMILIES: tuple[ModuleType, ...] = (
    files,
    yamlfile,
    naming,
    chart,
    umbrella,
    properties,
    middleware,
    secrets,
    delivery,
    gate,
    suppression,
)

RULES: dict[str, Rule] = {r.id: r for family in FAMILIES for r in family.RULES}


def suggest(rule_id: str) -> str:
    close = difflib.get_close_matches(rule_id, list(RULES), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def get(rule_id: str) -> Rule:
    """The rule with this id; a LaunchgenError (exit 2) naming close matches otherwise."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise LaunchgenError(
            f"no such rule: {rule_id!r}{suggest(rule_id)}; `launchgen rules` lists them"
        ) from None
