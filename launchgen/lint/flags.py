"""`launchgen lint`'s command-line options, declared once.

commands/lint.py gives click these spellings, and the early yamllint start
(lint/early.py) scans a command line with them, before click is even imported.
"""

from __future__ import annotations

from typing import NamedTuple


class Flag(NamedTuple):
    names: tuple[str, ...]  # as click.option takes them ("--color/--no-color": both)
    value: bool  # takes a value
    # The early start goes ahead under it: it does not change which files yamllint gets.
    early: bool

    @property
    def spellings(self) -> tuple[str, ...]:
        return tuple(s for name in self.names for s in name.split("/"))


FORMAT = Flag(("-f", "--format"), value=True, early=True)
STRICT = Flag(("--strict",), value=False, early=True)
FIX = Flag(("--fix",), value=False, early=False)  # files are rewritten before the run that counts
NO_CACHE = Flag(("--no-cache",), value=False, early=True)
NO_YAMLLINT = Flag(("--no-yamllint",), value=False, early=False)
COLOR = Flag(("--color/--no-color",), value=False, early=True)
BASE = Flag(("--base",), value=True, early=True)
SCOPE = Flag(("--scope",), value=True, early=False)  # --scope repo wants no yamllint
HEAD = Flag(("--head",), value=True, early=True)
FLAGS = (FORMAT, STRICT, FIX, NO_CACHE, NO_YAMLLINT, COLOR, BASE, SCOPE, HEAD)
