"""Running the launchgen command line from a test: in-process (click's runner, fast) or as
a real `python -m launchgen` process (signals, start-up imports, bytes on stdout)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from launchgen.cli import main

# The command a test process runs: this interpreter, so the checkout under test.
LAUNCHGEN = [sys.executable, "-m", "launchgen"]


def invoke(
    *args: str | Path,
    env: Mapping[str, str | None] | None = None,
    input: str | bytes | None = None,
    catch_exceptions: bool = True,
    prog_name: str | None = None,
) -> Result:
    """`launchgen ARGS...` in this process; `env` overrides (None unsets) for the call."""
    return CliRunner().invoke(
        main,
        [str(arg) for arg in args],
        env=env,
        input=input,
        catch_exceptions=catch_exceptions,
        prog_name=prog_name,
    )


def run_launchgen(
    *args: str | Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m launchgen ARGS...` as a child process; stdout and stderr kept as bytes."""
    return subprocess.run(
        [*LAUNCHGEN, *(str(arg) for arg in args)],
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        timeout=timeout,
    )
