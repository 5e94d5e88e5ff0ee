"""The `launchgen` console script: one stop before the CLI proper.

`launchgen lint FILE...` runs as a pre-commit hook on every commit, so it starts
yamllint (a separate process) before anything else is imported, even click; the lint
run takes that process over. Every other command goes straight to the CLI. Signal
handling while a command runs is `launchgen.interrupts`'.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "lint":
        _lint()
    from launchgen.cli import main as cli

    cli()


def _lint() -> None:
    import gc
    import os

    from launchgen.lint.early import discard, prestart

    prestart(sys.argv[2:])
    # Nothing allocated from here on needs collecting before the process ends.
    gc.freeze()
    from launchgen.cli import main as cli

    try:
        cli()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if done.code is not None and not isinstance(done.code, int):
            print(done.code, file=sys.stderr)
        # Every file lint writes is closed by now: skip the interpreter's teardown of
        # hundreds of modules, which a pre-commit hook would otherwise wait for.
        discard()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
