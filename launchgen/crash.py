"""Where unexpected failures go: a log file with the traceback and version, not the screen."""

from __future__ import annotations

import platform
import sys
import tempfile
import traceback
from pathlib import Path

from launchgen import __version__


def write_crash_log(exc: BaseException) -> Path:
    with tempfile.NamedTemporaryFile(
        "w", prefix="launchgen-crash-", suffix=".log", delete=False
    ) as handle:
        handle.write(
            f"launchgen {__version__}, Python {sys.version.split()[0]}, {platform.platform()}\n"
        )
        handle.write(f"argv: {sys.argv}\n\n")
        handle.write("".join(traceback.format_exception(exc)))
    return Path(handle.name)
