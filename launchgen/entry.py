"""The `launchgen` console script: one stop before the CLI proper.

`launchgen lint FILE...` runs as a pre-commit hook on every commit, so it starts
yamllint (a separate process) before anything else is imported, even click; the lint
run takes that process over. Every other command goes straight to the CLI.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "lint":
        import gc

        from launchgen.lint.early import prestart

        prestart(sys.argv[2:])
        # Nothing allocated from here on needs collecting before the process ends.
        gc.freeze()
    from launchgen.cli import main as cli

    cli()
