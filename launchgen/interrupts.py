"""SIGINT and SIGTERM while a command runs: cleanup runs, and the exit says which.

While a command runs (`signals_as_interrupts()`, entered by `launchgen.cli.errors_reported`)
SIGTERM behaves like Ctrl-C (SIGINT): a cancelled CI job sends SIGTERM, and Python's
default for it is to die on the spot, skipping every `finally:` and leaving
half-written results behind. Both signals raise `Interrupted` (a KeyboardInterrupt)
instead, so cleanup code runs; the CLI then exits 128 + the signal number (130 for
SIGINT, 143 for SIGTERM), which is also what a shell reports for a process killed by
the signal. Code that must not be cut short (publishing generated repos, removing a
staging folder) runs inside `signals_deferred()`: a signal arriving there is held and
raised when the block ends. Only the first signal is raised; later ones are ignored
while the process winds down.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNAL_EXIT_BASE = 128


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return SIGNAL_EXIT_BASE + self.signum


class _State:
    deferring = 0
    pending: int | None = None
    raised = False


def _ignore_unraisable(unraisable: object) -> None:
    """An object the interrupt cut short mid-construction fails again in its __del__
    (GitPython's config parser does); Python would print that as a traceback while the
    process winds down. The interrupt was reported once already: say nothing more."""


def _raise_interrupted(signum: int) -> None:
    if _State.raised:
        return  # already winding down: let the cleanup that is running finish
    _State.raised = True
    sys.unraisablehook = _ignore_unraisable
    raise Interrupted(signum)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _State.deferring:
        if _State.pending is None:
            _State.pending = signum
        return
    _raise_interrupted(signum)


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """While a command runs, SIGINT and SIGTERM raise `Interrupted` (once), honouring
    `signals_deferred()`; the previous handlers are back afterwards. Outside it a
    SIGTERM ends the process as the default does: before a command starts or after it
    finished there is nothing to clean up."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:  # nohup and friends stay in force
            signal.signal(signum, _on_signal)
    _State.raised = False
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, then raise the one that arrived."""
    _State.deferring += 1
    try:
        yield
    finally:
        _State.deferring -= 1
        if not _State.deferring and _State.pending is not None:
            signum, _State.pending = _State.pending, None
            _raise_interrupted(signum)


def interrupted_exit_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
    return exc.exit_code if isinstance(exc, Interrupted) else SIGNAL_EXIT_BASE + signal.SIGINT
